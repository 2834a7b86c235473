import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";

describe("OfflineSyncManager key layout", () => {
  it("keeps a device named like an internal store ('cursors') apart from the pull cursors", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const storage = createMemoryStorage();
    const transport = createInMemorySyncTransport(createSyncCoordinator({ clock }));
    const sync = new OfflineSyncManager({ storage, clock });

    // "phone" pulls a change, so its cursor is stored; "cursors" has records of its own.
    const writer = new OfflineSyncManager({ clock });
    await writer.saveOfflineData("tablet", { type: "create", entity: "note", recordId: "n1", data: { text: "hi" } });
    await writer.sync("tablet", transport);
    await sync.sync("phone", transport);
    await sync.saveOfflineData("cursors", {
      type: "create",
      entity: "note",
      recordId: "phone",
      data: { text: "mine" },
    });

    expect(await sync.getPendingChanges("cursors")).toHaveLength(1);
    expect(await sync.getRecord("cursors", "phone")).toEqual({ text: "mine" });
    // The phone's cursor survived the other device's record with the same key, so nothing is pulled twice.
    await sync.sync("phone", transport);
    expect(await sync.getRecord("phone", "n1")).toEqual({ text: "hi" });
    expect(await sync.getPendingChanges("phone")).toEqual([]);
  });
});
