/** What the page runs for `@pelbiot/mobile`: app configuration and offline sync on a memory store. */
import { createMemoryStorage } from "@pelbiot/core";
import { MobileAppConfig, OfflineSyncManager } from "@pelbiot/mobile";

export async function smoke() {
  const config = new MobileAppConfig({
    minVersion: "1.0.0",
    supportedLanguages: ["en", "es", "fr"],
    offlineSyncInterval: 30000,
    maxOfflineRecords: 10000,
  });

  const storage = createMemoryStorage();
  const sync = new OfflineSyncManager({ storage, conflictStrategy: "manual" });
  const created = await sync.saveOfflineData("device-1", { type: "create", entity: "user", data: { name: "John" } });
  const merged = await sync.syncPendingChanges("device-1", [
    { recordId: "record-1", entity: "user", version: 1, data: { name: "Ann" } },
  ]);
  await sync.saveOfflineData("device-1", {
    type: "update",
    entity: "user",
    recordId: "record-1",
    data: { name: "Annie" },
  });
  const conflicting = await sync.syncPendingChanges("device-1", [
    { recordId: "record-1", entity: "user", version: 2, data: { name: "Anne" } },
  ]);
  const resolved = await sync.resolveConflict("device-1", "record-1", "local");

  // A second manager on the same storage sees the queue, as after an app restart.
  const restarted = new OfflineSyncManager({ storage, conflictStrategy: "manual" });
  const queue = await restarted.getOfflineData("device-1");

  return {
    oldApp: config.checkVersion("0.9.0").status,
    currentApp: config.checkVersion("1.2.0").status,
    language: config.negotiateLanguage(["pt-BR", "fr-CA"]),
    createdRecord: (await sync.getRecord("device-1", created.recordId)) ?? null,
    applied: merged.applied,
    conflicts: conflicting.conflicts.map((conflict) => conflict.recordId),
    resolved,
    queued: queue.map((mutation) => `${mutation.type}:${mutation.entity}`),
  };
}
