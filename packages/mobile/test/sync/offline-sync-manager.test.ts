import { createManualClock, createMemoryStorage, PelbiotValidationError } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager, type OfflineSyncManagerOptions } from "../../src/sync/offline-sync-manager";
import type { ServerChange, SyncConflict } from "../../src/sync/sync-types";

function manager(options: OfflineSyncManagerOptions = {}) {
  return new OfflineSyncManager({ clock: createManualClock(Date.UTC(2026, 0, 1)), ...options });
}

// A record the device saw from the server at version 1, so later changes have a base to compare with.
async function seeded(options: OfflineSyncManagerOptions = {}) {
  const sync = manager(options);
  await sync.syncPendingChanges("device-1", [
    { recordId: "record-1", entity: "user", version: 1, data: { name: "Ann", city: "Oslo" } },
  ]);
  return sync;
}

describe("OfflineSyncManager: the guide's calls", () => {
  it("saves offline, syncs and resolves conflicts as the guide shows", async () => {
    const sync = new OfflineSyncManager();
    const queued = await sync.saveOfflineData("device-1", { type: "create", entity: "user", data: { name: "John" } });
    expect(queued).toMatchObject({ clientId: "device-1", entity: "user", type: "create", baseVersion: null });
    expect(await sync.getRecord("device-1", queued.recordId)).toEqual({ name: "John" });

    const changes: ServerChange[] = [{ recordId: "record-1", entity: "user", version: 3, data: { name: "Server" } }];
    const result = await sync.syncPendingChanges("device-1", changes);
    expect(result).toEqual({
      applied: 1,
      acknowledged: 0,
      autoResolved: 0,
      conflicts: [],
      pending: 1,
      quarantined: [],
    });

    await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { name: "Local" },
    });
    const strict = new OfflineSyncManager({ conflictStrategy: "manual", storage: createMemoryStorage() });
    await strict.syncPendingChanges("device-1", changes);
    await strict.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { name: "L" },
    });
    const serverVersion = { version: 4, data: { name: "S" } };
    const outcome = await strict.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", ...serverVersion },
    ]);
    expect(outcome.conflicts).toHaveLength(1);
    expect(await strict.resolveConflict("device-1", "record-1", serverVersion)).toEqual({ name: "S" });
    expect(await strict.getPendingChanges("device-1")).toEqual([]);
  });
});

describe("OfflineSyncManager: queue", () => {
  it("keeps mutations in hybrid-logical-clock order with ids, base versions and the device's view", async () => {
    const sync = await seeded();
    const first = await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { city: "Bergen" },
    });
    const second = await sync.saveOfflineData("device-1", { type: "create", entity: "note", data: { text: "hi" } });
    const pending = await sync.getPendingChanges("device-1");
    expect(pending.map((mutation) => mutation.mutationId)).toEqual([first.mutationId, second.mutationId]);
    expect(first.baseVersion).toBe(1);
    expect(first.hlc < second.hlc).toBe(true);
    expect(await sync.getRecord("device-1", "record-1")).toEqual({ name: "Ann", city: "Bergen" });
    expect(await sync.getPendingChanges("device-2")).toEqual([]);
  });

  it("refuses to go past maxOfflineRecords and leaves the queue unchanged", async () => {
    const sync = manager({ maxOfflineRecords: 2 });
    await sync.saveOfflineData("d", { type: "create", entity: "x", data: { n: 1 } });
    await sync.saveOfflineData("d", { type: "create", entity: "x", data: { n: 2 } });
    const error = await expectPelbiotErrorAsync(
      sync.saveOfflineData("d", { type: "create", entity: "x", data: { n: 3 } }),
    );
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.message).toMatch(/maxOfflineRecords is 2/);
    expect(await sync.getOfflineData("d")).toHaveLength(2);
    // Another device has its own budget.
    await expect(sync.saveOfflineData("e", { type: "create", entity: "x", data: { n: 1 } })).resolves.toBeDefined();
  });

  it("rejects malformed mutations listing every issue, and changes nothing", async () => {
    const sync = manager({ maxMutationSize: 50 });
    const error = await expectPelbiotErrorAsync(
      sync.saveOfflineData("", { type: "upsert", entity: "", data: "x" } as never),
    );
    expect(PelbiotValidationError.isValidationError(error)).toBe(true);
    expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "deviceId",
      "mutation.type",
      "mutation.entity",
    ]);
    const big = await expectPelbiotErrorAsync(
      sync.saveOfflineData("d", { type: "create", entity: "x", data: { text: "y".repeat(100) } }),
    );
    expect(big.message).toMatch(/at most 50 \(maxMutationSize\)/);
    const bad = await expectPelbiotErrorAsync(
      sync.saveOfflineData("d", { type: "create", entity: "x", data: { n: Number.NaN } }),
    );
    expect(bad.message).toMatch(/only JSON values/);
    expect(
      (await expectPelbiotErrorAsync(sync.saveOfflineData("d", { type: "update", entity: "x", data: {} }))).message,
    ).toMatch(/mutation.recordId: is required for update/);
    expect(
      (await expectPelbiotErrorAsync(sync.saveOfflineData("d", { type: "delete", entity: "x", recordId: "nope" })))
        .code,
    ).toBe("NOT_FOUND");
    expect(await sync.getOfflineData("d")).toEqual([]);
  });

  it("persists in the storage adapter: a second manager on the same store sees the queue", async () => {
    const storage = createMemoryStorage();
    const first = manager({ storage });
    const queued = await first.saveOfflineData("d", { type: "create", entity: "x", data: { n: 1 } });
    const second = manager({ storage });
    expect(await second.getPendingChanges("d")).toEqual([queued]);
  });
});

describe("OfflineSyncManager: merging server changes", () => {
  it("acknowledges own mutations coming back and ignores replays", async () => {
    const sync = await seeded();
    const queued = await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { city: "Bergen" },
    });
    const echo: ServerChange = {
      recordId: "record-1",
      entity: "user",
      version: 2,
      data: { name: "Ann", city: "Bergen" },
      clientId: "device-1",
      mutationId: queued.mutationId,
    };
    expect(await sync.syncPendingChanges("device-1", [echo])).toMatchObject({ acknowledged: 1, pending: 0 });
    expect(await sync.syncPendingChanges("device-1", [echo])).toMatchObject({ applied: 0, acknowledged: 0 });
    expect(await sync.getRecord("device-1", "record-1")).toEqual({ name: "Ann", city: "Bergen" });
  });

  it("detects a conflict only when both sides changed the record since the shared version", async () => {
    const sync = await seeded({ conflictStrategy: "manual" });
    // Server-only change: applied.
    const serverOnly = await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 2, data: { name: "Ann", city: "Rome" } },
    ]);
    expect(serverOnly.applied).toBe(1);
    await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { name: "Anne" },
    });
    const seen: SyncConflict[] = [];
    sync.on("conflict_detected", (conflict) => seen.push(conflict));
    const result = await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 3, data: { name: "Annie", city: "Rome" } },
    ]);
    expect(result.conflicts).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(result.conflicts[0]).toMatchObject({
      base: { version: 2, data: { name: "Ann", city: "Rome" } },
      local: { name: "Anne", city: "Rome" },
      remote: { version: 3, data: { name: "Annie", city: "Rome" } },
      fields: ["name"],
    });
    // Held mutations are not pushed until the conflict is resolved.
    expect(await sync.getPendingChanges("device-1")).toEqual([]);
    expect(await sync.getOfflineData("device-1")).toHaveLength(1);
    expect(sync.getSyncStats()).toEqual({ conflictsDetected: 1, autoResolved: 0, autoResolutionRate: 0 });
  });

  it.each([
    ["server-wins", { name: "Annie", city: "Oslo" }, 0],
    ["client-wins", { name: "Anne", city: "Oslo" }, 1],
  ] as const)("%s resolves automatically", async (strategy, expected, pending) => {
    const sync = await seeded({ conflictStrategy: strategy });
    await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { name: "Anne" },
    });
    const result = await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 2, data: { name: "Annie", city: "Oslo" } },
    ]);
    expect(result).toMatchObject({ autoResolved: 1, conflicts: [], pending });
    expect(await sync.getRecord("device-1", "record-1")).toEqual(expected);
    const queue = await sync.getPendingChanges("device-1");
    if (pending === 1) expect(queue[0]).toMatchObject({ baseVersion: 2, replace: true, data: expected });
  });

  it("field-merge combines disjoint edits and holds colliding ones", async () => {
    const sync = await seeded();
    await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { name: "Anne" },
    });
    const merged = await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 2, data: { name: "Ann", city: "Rome" } },
    ]);
    expect(merged.autoResolved).toBe(1);
    expect(await sync.getRecord("device-1", "record-1")).toEqual({ name: "Anne", city: "Rome" });
    const held = await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 3, data: { name: "Annika", city: "Rome" } },
    ]);
    expect(held.conflicts.map((conflict) => conflict.fields)).toEqual([["name"]]);
  });

  it("field-merge gives a field both sides changed to the later writer by hybrid-logical-clock timestamp", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const sync = new OfflineSyncManager({ clock });
    await sync.syncPendingChanges("d", [{ recordId: "r", entity: "x", version: 1, data: { a: 0, b: 0, c: 0 } }]);
    const stamp = (time: number) => `${time.toString(36).padStart(11, "0")}-00000-server`;
    await sync.saveOfflineData("d", { type: "update", entity: "x", recordId: "r", data: { a: 1 } });
    clock.advance(10_000);
    await sync.saveOfflineData("d", { type: "update", entity: "x", recordId: "r", data: { b: 1 } });
    // The server's change sits between the device's two edits: the device's "a" is older, its "b" newer.
    const result = await sync.syncPendingChanges("d", [
      { recordId: "r", entity: "x", version: 2, data: { a: 2, b: 2, c: 2 }, hlc: stamp(Date.UTC(2026, 0, 1) + 5_000) },
    ]);
    expect(result).toMatchObject({ autoResolved: 1, conflicts: [], pending: 1 });
    expect(await sync.getRecord("d", "r")).toEqual({ a: 2, b: 1, c: 2 });
    // A delete against an edit goes to the later writer too.
    clock.advance(10_000);
    await sync.saveOfflineData("d", { type: "delete", entity: "x", recordId: "r" });
    await sync.syncPendingChanges("d", [
      { recordId: "r", entity: "x", version: 3, data: { a: 3 }, hlc: stamp(Date.UTC(2026, 0, 1) + 15_000) },
    ]);
    expect(await sync.getRecord("d", "r")).toBeNull();
    expect(sync.getSyncStats()).toMatchObject({ conflictsDetected: 2, autoResolved: 2 });
  });

  it("last-writer-wins compares hybrid-logical-clock timestamps", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const sync = new OfflineSyncManager({ conflictStrategy: "last-writer-wins", clock });
    await sync.syncPendingChanges("d", [{ recordId: "r", entity: "x", version: 1, data: { v: 0 } }]);
    const local = await sync.saveOfflineData("d", { type: "update", entity: "x", recordId: "r", data: { v: 1 } });
    const stamp = (time: number) => `${time.toString(36).padStart(11, "0")}-00000-server`;
    const older = stamp(Date.UTC(2026, 0, 1) - 1_000);
    expect(older < local.hlc).toBe(true);
    const lost = await sync.syncPendingChanges("d", [
      { recordId: "r", entity: "x", version: 2, data: { v: 2 }, hlc: older },
    ]);
    expect(lost.autoResolved).toBe(1);
    expect(await sync.getRecord("d", "r")).toEqual({ v: 1 });
    clock.advance(10_000);
    const newer = stamp(Date.UTC(2026, 0, 1) + 10_000);
    await sync.syncPendingChanges("d", [{ recordId: "r", entity: "x", version: 3, data: { v: 3 }, hlc: newer }]);
    expect(await sync.getRecord("d", "r")).toEqual({ v: 3 });
  });

  it("a custom resolver receives base, local and remote", async () => {
    const calls: SyncConflict[] = [];
    const sync = await seeded({
      conflictStrategy: (conflict) => {
        calls.push(conflict);
        return { data: { name: `${conflict.local?.name}+${conflict.remote.data?.name}` } };
      },
    });
    await sync.saveOfflineData("device-1", {
      type: "update",
      entity: "user",
      recordId: "record-1",
      data: { name: "L" },
    });
    await sync.syncPendingChanges("device-1", [
      { recordId: "record-1", entity: "user", version: 2, data: { name: "R" } },
    ]);
    expect(calls[0]?.base?.data).toEqual({ name: "Ann", city: "Oslo" });
    expect(await sync.getRecord("device-1", "record-1")).toEqual({ name: "L+R" });
  });

  it("resolveConflict keeps local, takes remote, or writes merged data; unknown conflicts are NOT_FOUND", async () => {
    for (const [resolution, expected] of [
      ["local", { name: "L", city: "Oslo" }],
      ["remote", { name: "R" }],
      [{ data: { name: "M" } }, { name: "M" }],
    ] as const) {
      const sync = await seeded({ conflictStrategy: "manual" });
      await sync.saveOfflineData("device-1", {
        type: "update",
        entity: "user",
        recordId: "record-1",
        data: { name: "L" },
      });
      await sync.syncPendingChanges("device-1", [
        { recordId: "record-1", entity: "user", version: 2, data: { name: "R" } },
      ]);
      expect(await sync.resolveConflict("device-1", "record-1", resolution)).toEqual(expected);
      expect(await sync.getConflicts("device-1")).toEqual([]);
      expect((await expectPelbiotErrorAsync(sync.resolveConflict("device-1", "record-1", "local"))).code).toBe(
        "NOT_FOUND",
      );
    }
  });
});

describe("OfflineSyncManager: properties", () => {
  it("server-wins always converges to the server's record and empties the queue", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ field: fc.constantFrom("a", "b", "c"), value: fc.integer() }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.dictionary(fc.constantFrom("a", "b", "c"), fc.integer()),
        async (edits, serverData) => {
          const sync = manager({ conflictStrategy: "server-wins" });
          await sync.syncPendingChanges("d", [{ recordId: "r", entity: "x", version: 1, data: {} }]);
          for (const edit of edits) {
            await sync.saveOfflineData("d", {
              type: "update",
              entity: "x",
              recordId: "r",
              data: { [edit.field]: edit.value },
            });
          }
          await sync.syncPendingChanges("d", [{ recordId: "r", entity: "x", version: 2, data: serverData }]);
          expect(await sync.getRecord("d", "r")).toEqual(serverData);
          expect(await sync.getOfflineData("d")).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("field-merge keeps every field only one side changed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer(), async (localValue, remoteValue) => {
        const sync = manager();
        await sync.syncPendingChanges("d", [{ recordId: "r", entity: "x", version: 1, data: { mine: 0, theirs: 0 } }]);
        await sync.saveOfflineData("d", { type: "update", entity: "x", recordId: "r", data: { mine: localValue } });
        await sync.syncPendingChanges("d", [
          { recordId: "r", entity: "x", version: 2, data: { mine: 0, theirs: remoteValue } },
        ]);
        expect(await sync.getRecord("d", "r")).toEqual({ mine: localValue, theirs: remoteValue });
      }),
      { numRuns: 50 },
    );
  });
});
