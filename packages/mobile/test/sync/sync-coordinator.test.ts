import { createManualClock, createMemoryStorage, PelbiotValidationError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";

function device(storageClock = createManualClock(Date.UTC(2026, 0, 1))) {
  return new OfflineSyncManager({ clock: storageClock });
}

describe("createSyncCoordinator", () => {
  it("applies each mutation exactly once, even when pushed again", async () => {
    const coordinator = createSyncCoordinator();
    const phone = device();
    const queued = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "hi" } });
    const first = await coordinator.push({ clientId: "phone", mutations: [queued] });
    const again = await coordinator.push({ clientId: "phone", mutations: [queued] });
    expect(first.results).toEqual([
      { mutationId: queued.mutationId, status: "applied", version: 1, data: { text: "hi" } },
    ]);
    expect(again.results[0]).toMatchObject({ status: "duplicate", version: 1 });
    const pulled = await coordinator.pull({ clientId: "tablet", cursor: 0 });
    expect(pulled.changes).toHaveLength(1);
    expect(pulled).toMatchObject({ cursor: 1, hasMore: false });
    expect(await coordinator.getRecord(queued.recordId)).toEqual({ version: 1, data: { text: "hi" } });
  });

  it("rejects what the validator refuses without blocking the rest of the queue", async () => {
    const coordinator = createSyncCoordinator({
      validateMutation: (mutation) => (typeof mutation.data?.text === "string" ? undefined : "text is required"),
    });
    const phone = device();
    const bad = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { title: "x" } });
    const good = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "ok" } });
    const transport = createInMemorySyncTransport(coordinator);
    const rejectedEvents: string[] = [];
    phone.on("mutation_rejected", (event) => rejectedEvents.push(event.reason));
    const report = await phone.sync("phone", transport);
    expect(report).toMatchObject({ pushed: 2, pending: 0 });
    expect(report.rejected.map((result) => result.mutationId)).toEqual([bad.mutationId]);
    expect(rejectedEvents).toEqual(["text is required"]);
    // The rejected create is rolled back on the device; the good one is acknowledged.
    expect(await phone.getRecord("phone", bad.recordId)).toBeNull();
    expect(await phone.getRecord("phone", good.recordId)).toEqual({ text: "ok" });
  });

  it("reports a conflict when another client wrote after the base version, and accepts the resolution", async () => {
    const coordinator = createSyncCoordinator();
    const transport = createInMemorySyncTransport(coordinator);
    const phone = new OfflineSyncManager({ conflictStrategy: "manual", clock: createManualClock(1_000) });
    const tablet = new OfflineSyncManager({ clock: createManualClock(1_000) });
    const created = await phone.saveOfflineData("phone", { type: "create", entity: "user", data: { name: "Ann" } });
    await phone.sync("phone", transport);
    await tablet.sync("tablet", transport);
    await tablet.saveOfflineData("tablet", {
      type: "update",
      entity: "user",
      recordId: created.recordId,
      data: { name: "T" },
    });
    await phone.saveOfflineData("phone", {
      type: "update",
      entity: "user",
      recordId: created.recordId,
      data: { name: "P" },
    });
    await tablet.sync("tablet", transport);
    const report = await phone.sync("phone", transport);
    expect(report.conflicts).toHaveLength(1);
    expect(report.pushed).toBe(0); // held back while the conflict is open
    await phone.resolveConflict("phone", created.recordId, { data: { name: "P+T" } });
    const after = await phone.sync("phone", transport);
    expect(after).toMatchObject({ pushed: 1, pending: 0, rejected: [] });
    await tablet.sync("tablet", transport);
    expect(await tablet.getRecord("tablet", created.recordId)).toEqual({ name: "P+T" });
    expect(await coordinator.getRecord(created.recordId)).toEqual({ version: 3, data: { name: "P+T" } });
  });

  it("answers a stale push with conflict, leaving the mutation queued", async () => {
    const coordinator = createSyncCoordinator();
    const transport = createInMemorySyncTransport(coordinator);
    const phone = device();
    const tablet = device();
    const created = await phone.saveOfflineData("phone", { type: "create", entity: "x", data: { n: 0 } });
    await phone.sync("phone", transport);
    await tablet.sync("tablet", transport);
    await tablet.saveOfflineData("tablet", { type: "update", entity: "x", recordId: created.recordId, data: { n: 1 } });
    await phone.saveOfflineData("phone", { type: "update", entity: "x", recordId: created.recordId, data: { m: 2 } });
    await tablet.sync("tablet", transport);
    const stale = await coordinator.push({ clientId: "phone", mutations: await phone.getPendingChanges("phone") });
    expect(stale.results[0]).toMatchObject({ status: "conflict" });
    expect(stale.results[0]?.reason).toMatch(/changed on the server/);
    // A normal round pulls first, merges both edits (field-merge) and pushes the result.
    await phone.sync("phone", transport);
    expect(await coordinator.getRecord(created.recordId)).toEqual({ version: 3, data: { n: 1, m: 2 } });
  });

  it("never mistakes a different (clientId, mutationId) pair for a duplicate, whatever characters the ids hold", async () => {
    // Pairs that an "id + separator + id" key would join into the same string.
    const pairs: ReadonlyArray<readonly [string, string, string, string]> = [
      ["a\u0000b", "c", "a", "b\u0000c"],
      ["a", "\u0000\u0000", "a\u0000", "\u0000"],
      ['["a"', '"b"]', '["a","', 'b"]'],
    ];
    for (const [firstClient, firstMutation, secondClient, secondMutation] of pairs) {
      const coordinator = createSyncCoordinator();
      const mutation = (clientId: string, mutationId: string) => ({
        mutationId,
        clientId,
        recordId: `record-of-${clientId}`,
        entity: "note",
        type: "create" as const,
        data: { from: clientId },
        baseVersion: null,
        hlc: "0000000000a-00000-x",
        replace: false,
      });
      const first = await coordinator.push({
        clientId: firstClient,
        mutations: [mutation(firstClient, firstMutation)],
      });
      const second = await coordinator.push({
        clientId: secondClient,
        mutations: [mutation(secondClient, secondMutation)],
      });
      expect(first.results[0]?.status).toBe("applied");
      expect(second.results[0]?.status).toBe("applied");
      // Replays of each are still recognised as duplicates of their own write.
      const replay = await coordinator.push({
        clientId: firstClient,
        mutations: [mutation(firstClient, firstMutation)],
      });
      expect(replay.results[0]).toMatchObject({ status: "duplicate", data: { from: firstClient } });
    }
  });

  it("keeps one history when two coordinator processes share a store", async () => {
    const storage = createMemoryStorage();
    const east = createSyncCoordinator({ storage });
    const west = createSyncCoordinator({ storage });
    const a = device();
    const b = device();
    await a.sync("a", createInMemorySyncTransport(east));
    const fromA = await a.saveOfflineData("a", { type: "create", entity: "x", data: { from: "a" } });
    const fromB = await b.saveOfflineData("b", { type: "create", entity: "x", data: { from: "b" } });
    await Promise.all([a.sync("a", createInMemorySyncTransport(east)), b.sync("b", createInMemorySyncTransport(west))]);
    const viaEast = await east.pull({ clientId: "c", cursor: 0 });
    const viaWest = await west.pull({ clientId: "c", cursor: 0 });
    expect(viaEast).toEqual(viaWest);
    expect(viaEast.changes.map((change) => change.mutationId).sort()).toEqual(
      [fromA.mutationId, fromB.mutationId].sort(),
    );
    // A replayed push through the other process is still a duplicate.
    const replay = await west.push({ clientId: "a", mutations: [fromA] });
    expect(replay.results[0]?.status).toBe("duplicate");
  });

  it("rejects malformed requests listing every issue", async () => {
    const coordinator = createSyncCoordinator();
    await expect(coordinator.push({ clientId: "", mutations: [{ mutationId: 1 } as never] })).rejects.toSatisfy(
      (error) => PelbiotValidationError.isValidationError(error),
    );
    await expect(coordinator.pull({ clientId: "a", cursor: -1 })).rejects.toThrow(/request.cursor: must be at least 0/);
    expect((await coordinator.pull({ clientId: "a", cursor: 0 })).changes).toEqual([]);
  });

  it("pages pulls with limit and hasMore", async () => {
    const coordinator = createSyncCoordinator({ maxPullSize: 2 });
    const phone = device();
    for (let index = 0; index < 5; index += 1) {
      await phone.saveOfflineData("phone", { type: "create", entity: "x", data: { index } });
    }
    await phone.sync("phone", createInMemorySyncTransport(coordinator));
    const tablet = device();
    const report = await tablet.sync("tablet", createInMemorySyncTransport(coordinator));
    expect(report.pulled).toBe(5);
    expect((await coordinator.pull({ clientId: "x", cursor: 0 })).hasMore).toBe(true);
  });
});

describe("offline sync convergence", () => {
  // A seeded schedule of offline edits, syncs in random order and duplicated pushes across three devices: afterwards
  // every replica matches the coordinator, no mutation is lost and none is applied twice.
  it("converges for random schedules", async () => {
    const operation = fc.record({
      device: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom("create", "update", "delete", "sync", "replay"),
      record: fc.integer({ min: 0, max: 3 }),
      field: fc.constantFrom("a", "b"),
      value: fc.integer({ min: 0, max: 9 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const coordinator = createSyncCoordinator();
        const transport = createInMemorySyncTransport(coordinator);
        const clock = createManualClock(1_000);
        const names = ["d0", "d1", "d2"];
        const devices = names.map(() => new OfflineSyncManager({ clock, conflictStrategy: "last-writer-wins" }));
        const created: string[] = [];
        const accepted = new Set<string>();
        for (const step of operations) {
          clock.advance(1);
          const manager = devices[step.device]!;
          const name = names[step.device]!;
          const recordId = created[step.record % Math.max(created.length, 1)];
          if (step.kind === "create") {
            created.push(
              (await manager.saveOfflineData(name, { type: "create", entity: "x", data: { a: step.value } })).recordId,
            );
          } else if ((step.kind === "update" || step.kind === "delete") && recordId !== undefined) {
            if ((await manager.getRecord(name, recordId)) === null) continue;
            const data = step.kind === "update" ? { [step.field]: step.value } : undefined;
            await manager.saveOfflineData(name, { type: step.kind, entity: "x", recordId, ...(data ? { data } : {}) });
          } else if (step.kind === "sync") {
            await manager.sync(name, transport);
          } else if (step.kind === "replay") {
            // A duplicated delivery of whatever the device would push.
            const mutations = await manager.getPendingChanges(name);
            const response = await coordinator.push({ clientId: name, mutations });
            for (const result of response.results) {
              if (result.status === "applied") {
                expect(accepted.has(result.mutationId)).toBe(false);
                accepted.add(result.mutationId);
              }
            }
          }
        }
        // Quiesce: sync every device until nothing is pending and nothing conflicts (LWW resolves all).
        for (let round = 0; round < 4; round += 1) {
          for (const [position, manager] of devices.entries()) await manager.sync(names[position]!, transport);
        }
        for (const [position, manager] of devices.entries()) {
          expect(await manager.getOfflineData(names[position]!)).toEqual([]);
          for (const recordId of new Set(created)) {
            const server = await coordinator.getRecord(recordId);
            expect(await manager.getRecord(names[position]!, recordId)).toEqual(server?.data ?? null);
          }
        }
        const history = await coordinator.pull({ clientId: "audit", cursor: 0, limit: 1000 });
        const ids = history.changes.map((change) => `${change.clientId}/${change.mutationId}`);
        expect(new Set(ids).size).toBe(ids.length); // nothing applied twice
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });
});
