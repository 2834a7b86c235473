import { createInMemorySyncTransport, OfflineSyncManager } from "@pelbiot/mobile";
import { createSyncCoordinator } from "@pelbiot/mobile/server";

/** Two devices edit the same record offline; sync merges their edits field by field through one coordinator. */
export async function tourMobile(): Promise<void> {
  const coordinator = createSyncCoordinator();
  const transport = createInMemorySyncTransport(coordinator);
  const phone = new OfflineSyncManager();
  const tablet = new OfflineSyncManager();

  const user = await phone.saveOfflineData("phone", {
    type: "create",
    entity: "user",
    data: { name: "John", city: "Oslo" },
  });
  await phone.sync("phone", transport);
  await tablet.sync("tablet", transport);

  // Both go offline and change different fields of the same user.
  await phone.saveOfflineData("phone", {
    type: "update",
    entity: "user",
    recordId: user.recordId,
    data: { name: "Johnny" },
  });
  await tablet.saveOfflineData("tablet", {
    type: "update",
    entity: "user",
    recordId: user.recordId,
    data: { city: "Bergen" },
  });
  await tablet.sync("tablet", transport);
  const report = await phone.sync("phone", transport);
  await tablet.sync("tablet", transport);

  console.log(`  phone merged the tablet's edit automatically: ${report.autoResolved} conflict(s) auto-resolved`);
  console.log(`  phone sees  ${JSON.stringify(await phone.getRecord("phone", user.recordId))}`);
  console.log(`  tablet sees ${JSON.stringify(await tablet.getRecord("tablet", user.recordId))}`);
  console.log(`  server has  ${JSON.stringify(await coordinator.getRecord(user.recordId))}`);
}
