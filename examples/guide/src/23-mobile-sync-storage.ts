/**
 * Guide, "Advanced Configuration › Database Integration":
 * "Mobile Sync:"
 *
 * Nothing to subclass: `OfflineSyncManager` already keeps its queue in a storage adapter and its methods are
 * already async. "Replace Map with database" means passing a durable `storage` (any core `StorageAdapter`: the file,
 * PostgreSQL or Redis adapters, IndexedDB, localStorage or AsyncStorage on a device). The guide's `db` stands for
 * that adapter (the manager does what `db.offlineData.create` and `db.offlineData.find` did, with `Date.now` replaced
 * by a hybrid logical clock); here it is the memory store, and a second manager on it plays the app after a restart.
 */
import { createMemoryStorage } from "@pelbiot/core";
import { OfflineSyncManager } from "@pelbiot/mobile";

export const title = "Mobile Sync";

export async function run() {
  // Replace Map with database
  const db = createMemoryStorage(); // createFileStorage({ directory }) from "@pelbiot/core/node", Redis, PostgreSQL…
  const sync = new OfflineSyncManager({ storage: db, keyPrefix: "offline:" });

  await sync.saveOfflineData("device-1", { type: "create", entity: "user", data: { name: "John" } });

  const restarted = new OfflineSyncManager({ storage: db, keyPrefix: "offline:" });
  const offlineData = await restarted.getOfflineData("device-1");

  return {
    queued: offlineData.map((mutation) => [mutation.type, mutation.entity, mutation.data]),
    keysUnderPrefix: (await db.keys("offline:")).length > 0,
  };
}
