import { createManualClock } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";
import type { QueuedMutation } from "../../src/sync/sync-types";

// Conflicts are judged from the version a mutation was made on, never from who wrote last: two installs that share
// a client id (a restored backup, a cloned profile) must not overwrite each other silently.

function update(clientId: string, mutationId: string, baseVersion: number, data: Record<string, number>) {
  return {
    mutationId,
    clientId,
    recordId: "record",
    entity: "note",
    type: "update" as const,
    data,
    baseVersion,
    hlc: "0000000000a-00000-x",
    replace: false,
  } satisfies QueuedMutation;
}

describe("conflict detection from the base version", () => {
  it("answers conflict to a stale base even when the same client id wrote last", async () => {
    const coordinator = createSyncCoordinator();
    const create = { ...update("phone", "m0", 0, { n: 0 }), type: "create" as const, baseVersion: null };
    await coordinator.push({ clientId: "phone", mutations: [create] });
    const first = await coordinator.push({ clientId: "phone", mutations: [update("phone", "m1", 1, { n: 1 })] });
    expect(first.results[0]?.status).toBe("applied");
    // A second install with the same client id, still on version 1.
    const second = await coordinator.push({ clientId: "phone", mutations: [update("phone", "m2", 1, { n: 2 })] });
    expect(second.results[0]?.status).toBe("conflict");
    expect(await coordinator.getRecord("record")).toEqual({ version: 2, data: { n: 1 } });
  });

  it("applies a device's back-to-back edits of one record in one push, chained by previousMutationId", async () => {
    const coordinator = createSyncCoordinator();
    const transport = createInMemorySyncTransport(coordinator);
    const phone = new OfflineSyncManager({ clock: createManualClock(Date.UTC(2026, 0, 1)) });
    const created = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { n: 0 } });
    const recordId = created.recordId;
    const first = await phone.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { n: 1 } });
    const second = await phone.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { m: 2 } });
    expect(first.previousMutationId).toBe(created.mutationId);
    expect(second.previousMutationId).toBe(first.mutationId);
    const report = await phone.sync("phone", transport);
    expect(report).toMatchObject({ pushed: 3, pending: 0, rejected: [] });
    expect(await coordinator.getRecord(recordId)).toEqual({ version: 3, data: { n: 1, m: 2 } });
  });

  it("two devices sharing a client id detect each other's writes as conflicts and converge", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const coordinator = createSyncCoordinator();
    const transport = createInMemorySyncTransport(coordinator);
    const original = new OfflineSyncManager({ clock, conflictStrategy: "manual" });
    const clone = new OfflineSyncManager({ clock, conflictStrategy: "manual" });
    const created = await original.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "a" } });
    const recordId = created.recordId;
    await original.sync("phone", transport);
    await clone.sync("phone", transport);
    await original.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { text: "original" } });
    await original.sync("phone", transport);
    await clone.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { text: "clone" } });
    const report = await clone.sync("phone", transport);
    // The clone sees the original's write as a change by someone else, not as its own acknowledgement.
    expect(report.conflicts.map((conflict) => conflict.remote.data)).toEqual([{ text: "original" }]);
    expect(await coordinator.getRecord(recordId)).toEqual({ version: 2, data: { text: "original" } });
    await clone.resolveConflict("phone", recordId, { data: { text: "original+clone" } });
    await clone.sync("phone", transport);
    await original.sync("phone", transport);
    expect(await coordinator.getRecord(recordId)).toEqual({ version: 3, data: { text: "original+clone" } });
    expect(await original.getRecord("phone", recordId)).toEqual({ text: "original+clone" });
  });

  it("a mutation chained on one the coordinator rejected is judged on its own base version", async () => {
    const coordinator = createSyncCoordinator({
      validateMutation: (mutation) => (mutation.data?.n === 13 ? "13 is not allowed" : undefined),
    });
    const transport = createInMemorySyncTransport(coordinator);
    const phone = new OfflineSyncManager({ clock: createManualClock(Date.UTC(2026, 0, 1)) });
    const created = await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { n: 0 } });
    await phone.sync("phone", transport);
    const recordId = created.recordId;
    await phone.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { n: 13 } });
    await phone.saveOfflineData("phone", { type: "update", entity: "note", recordId, data: { m: 1 } });
    const report = await phone.sync("phone", transport);
    expect(report).toMatchObject({ pushed: 2, pending: 0 });
    expect(report.rejected).toHaveLength(1);
    expect(await coordinator.getRecord(recordId)).toEqual({ version: 2, data: { n: 0, m: 1 } });
  });

  it("a previousMutationId naming another record or an unknown mutation does not widen the base", async () => {
    const coordinator = createSyncCoordinator();
    const create = { ...update("phone", "m0", 0, { n: 0 }), type: "create" as const, baseVersion: null };
    const other = { ...create, mutationId: "elsewhere", recordId: "other" };
    await coordinator.push({ clientId: "phone", mutations: [create, other] });
    await coordinator.push({ clientId: "tablet", mutations: [update("tablet", "t1", 1, { n: 5 })] });
    const stale = (previousMutationId: string) => ({
      ...update("phone", `after-${previousMutationId}`, 1, { n: 9 }),
      previousMutationId,
    });
    const response = await coordinator.push({ clientId: "phone", mutations: [stale("elsewhere"), stale("unknown")] });
    expect(response.results.map((result) => result.status)).toEqual(["conflict", "conflict"]);
  });
});
