/**
 * Guide, "Module Details › 1. Mobile App Enhancement":
 * "OfflineSyncManager - Offline Data Synchronization"
 *
 * Every call reads or writes the device's storage, so each takes `await`. The guide leaves `changes` and
 * `serverVersion` to the reader; the set-up below makes them concrete: the server sends `record-1` (version 1), the
 * device edits it offline while another device changes the same field on the server (version 2), and the device
 * takes the server's version.
 */
import { OfflineSyncManager, type ServerChange } from "@pelbiot/mobile";

export const title = "OfflineSyncManager - Offline Data Synchronization";

export async function run() {
  // Initialize
  const sync = new OfflineSyncManager();

  // Save offline data
  const saved = await sync.saveOfflineData("device-1", {
    type: "create",
    entity: "user",
    data: { name: "John" },
  });

  // Set-up: record-1 arrives from the server, the device edits it offline, and another device's edit of the same
  // field reaches the server first (version 2).
  await sync.syncPendingChanges("device-1", [
    { recordId: "record-1", entity: "user", version: 1, data: { name: "Ann" } },
  ]);
  await sync.saveOfflineData("device-1", {
    type: "update",
    entity: "user",
    recordId: "record-1",
    data: { name: "Annie" },
  });
  const serverVersion = { version: 2, data: { name: "Anne" } };
  const changes: ServerChange[] = [{ recordId: "record-1", entity: "user", ...serverVersion }];

  // Sync when online
  const result = await sync.syncPendingChanges("device-1", changes);

  // Resolve conflicts
  const resolved = await sync.resolveConflict("device-1", "record-1", serverVersion);

  return {
    savedType: saved.type,
    conflicts: result.conflicts.map((conflict) => conflict.recordId),
    resolved,
    openConflicts: (await sync.getConflicts("device-1")).length,
  };
}
