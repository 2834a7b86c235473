import { createJsonStore, createManualClock, createMemoryStorage } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { createHybridLogicalClock } from "../../src/sync/hybrid-logical-clock";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";
import type { QuarantinedChange, RecordData, ServerChange } from "../../src/sync/sync-types";

const NOW = Date.UTC(2026, 5, 1);

function nested(depth: number): RecordData {
  let value: RecordData = { leaf: true };
  for (let level = 1; level < depth; level += 1) value = { inner: value };
  return value;
}

describe("OfflineSyncManager quarantines invalid pulled changes", () => {
  it("a new device syncs everything else past changes an older coordinator let into the log", async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(NOW);
    const coordinator = createSyncCoordinator({ storage, clock });
    const transport = createInMemorySyncTransport(coordinator);
    // An older coordinator wrote these straight into the shared log, before push-time limits existed.
    const log = createJsonStore<unknown>(storage, { prefix: "pelbiot:sync-server:log:" });
    const stamp = createHybridLogicalClock({ nodeId: "old-device", clock }).now();
    const entry = { entity: "note", version: 1, clientId: "old-device", hlc: stamp };
    await log.set("000000000001", { ...entry, seq: 1, recordId: "bad-hlc", mutationId: "m1", data: {}, hlc: "soon" });
    const big = { text: "x".repeat(300_000) };
    await log.set("000000000002", { ...entry, seq: 2, recordId: "too-big", mutationId: "m2", data: big });
    await log.set("000000000003", { ...entry, seq: 3, recordId: "too-deep", mutationId: "m3", data: nested(70) });
    await log.set("000000000004", { ...entry, seq: 4, recordId: "lone\uD800", mutationId: "m4", data: {} });

    const phone = new OfflineSyncManager({ clock });
    const first = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { n: 1 } });
    const second = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { n: 2 } });
    await coordinator.push({ clientId: "phone", mutations: await phone.getPendingChanges("phone") });

    const tablet = new OfflineSyncManager({ clock });
    const events: QuarantinedChange[] = [];
    tablet.on("change_quarantined", (event) => events.push(event.change));
    const report = await tablet.sync("tablet", transport);
    expect(report).toMatchObject({ pulled: 6, applied: 2 });
    expect(report.quarantined.map((change) => change.recordId)).toEqual(["bad-hlc", "too-big", "too-deep", undefined]);
    expect(report.quarantined.map((change) => change.issues.map((issue) => issue.path))).toEqual([
      ["hlc"],
      ["data"],
      ["data"],
      ["recordId"],
    ]);
    expect(report.quarantined[3]).toMatchObject({ version: 1, clientId: "old-device", mutationId: "m4" });
    expect(events).toEqual(report.quarantined);
    expect(await tablet.getRecord("tablet", first.recordId)).toEqual({ n: 1 });
    expect(await tablet.getRecord("tablet", second.recordId)).toEqual({ n: 2 });
    expect(await tablet.getRecord("tablet", "too-big")).toBeNull();
    // The cursor moved past the poison: the next round pulls nothing and the device can push.
    await tablet.saveOfflineData("tablet", {
      type: "update",
      entity: "note",
      recordId: first.recordId,
      data: { n: 3 },
    });
    expect(await tablet.sync("tablet", transport)).toMatchObject({ pulled: 0, quarantined: [], pushed: 1, pending: 0 });
    expect(await coordinator.getRecord(first.recordId)).toEqual({ version: 2, data: { n: 3 } });
  });

  it("applies the valid changes of a batch and reports each invalid one with its issues", async () => {
    const sync = new OfflineSyncManager({ clock: createManualClock(NOW) });
    const quarantinedEvents: Array<{ deviceId: string; change: QuarantinedChange }> = [];
    sync.on("change_quarantined", (event) => quarantinedEvents.push(event));
    const result = await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 5, data: { name: "ok" } },
      { recordId: "", entity: "user", version: -1, data: { n: Number.POSITIVE_INFINITY } },
      { recordId: "r", entity: "user", version: 1, data: null, clientId: "device-1" },
      "not a change",
      { recordId: "record-2", entity: "user", version: 1, data: { name: "also ok" } },
    ] as ServerChange[]);
    expect(result).toMatchObject({ applied: 2, pending: 0 });
    expect(result.quarantined).toEqual([
      {
        position: 1,
        entity: "user",
        issues: [
          { path: "recordId", message: "must be a non-empty string" },
          { path: "version", message: "must be at least 0, got -1" },
          {
            path: "data",
            message: "must hold only JSON values (strings, finite numbers, booleans, null, arrays, objects)",
          },
        ],
      },
      {
        position: 2,
        recordId: "r",
        entity: "user",
        version: 1,
        clientId: "device-1",
        issues: [{ path: "", message: 'clientId and mutationId go together, got string "device-1" and undefined' }],
      },
      { position: 3, issues: [{ path: "", message: 'must be an object, got string "not a change"' }] },
    ]);
    expect(quarantinedEvents.map((event) => [event.deviceId, event.change.position])).toEqual([
      ["device-1", 1],
      ["device-1", 2],
      ["device-1", 3],
    ]);
    expect(await sync.getRecord("device-1", "record-1")).toEqual({ name: "ok" });
    expect(await sync.getRecord("device-1", "record-2")).toEqual({ name: "also ok" });
  });
});
