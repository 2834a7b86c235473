import { createManualClock, PelbiotValidationError } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { createHybridLogicalClock } from "../../src/sync/hybrid-logical-clock";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import type { PushRequest } from "../../src/sync/sync-protocol";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";
import type { QueuedMutation, RecordData } from "../../src/sync/sync-types";
import { handMadeMutation } from "./hand-made-mutation";

const NOW = Date.UTC(2026, 5, 1);
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

const mutation = (id: string, overrides: Partial<QueuedMutation> = {}): QueuedMutation =>
  handMadeMutation(id, NOW, overrides);

function nested(depth: number): RecordData {
  let value: RecordData = { leaf: true };
  for (let level = 1; level < depth; level += 1) value = { inner: value };
  return value;
}

describe("SyncCoordinator push limits", () => {
  it("refuses a bad HLC, oversized, too deep or too wide data at push time and keeps it out of the log", async () => {
    const coordinator = createSyncCoordinator({ clock: createManualClock(NOW) });
    const wide: RecordData = Object.fromEntries(Array.from({ length: 10_001 }, (_, index) => [`k${index}`, 0]));
    const response = await coordinator.push({
      clientId: "phone",
      mutations: [
        mutation("good-1"),
        mutation("bad-hlc", { hlc: "yesterday" }),
        mutation("too-big", { data: { text: "x".repeat(300_000) } }),
        mutation("too-deep", { data: nested(70) }),
        mutation("too-wide", { data: wide }),
        mutation("good-2"),
      ],
    });
    expect(response.results.map((result) => [result.mutationId, result.status])).toEqual([
      ["good-1", "applied"],
      ["bad-hlc", "rejected"],
      ["too-big", "rejected"],
      ["too-deep", "rejected"],
      ["too-wide", "rejected"],
      ["good-2", "applied"],
    ]);
    const [, badHlc, tooBig, tooDeep, tooWide] = response.results;
    for (const result of [badHlc, tooBig, tooDeep, tooWide]) expect(result?.code).toBe("VALIDATION_ERROR");
    expect(badHlc?.reason).toMatch(/hlc: must be a hybrid-logical-clock timestamp/);
    expect(tooBig?.reason).toMatch(/data: is 300011 bytes as JSON .*at most 262144 \(maxMutationSize\)/);
    expect(tooDeep?.reason).toMatch(/data: is nested more than 64 levels deep/);
    expect(tooWide?.reason).toMatch(/data: has more than 10000 keys/);
    const log = await coordinator.pull({ clientId: "audit", cursor: 0 });
    expect(log.changes.map((change) => change.mutationId)).toEqual(["good-1", "good-2"]);
  });

  it("refuses an update whose patch is small but would grow the record past the limits devices read", async () => {
    const coordinator = createSyncCoordinator({ clock: createManualClock(NOW), maxMutationSize: 1000 });
    const create = mutation("create", { data: { a: "x".repeat(600) } });
    const update = { type: "update", recordId: "record-create", baseVersion: 1 } as const;
    const grow = mutation("grow", { ...update, data: { b: "y".repeat(600) } });
    const small = mutation("small", { ...update, data: { c: 1 } });
    const response = await coordinator.push({ clientId: "phone", mutations: [create, grow, small] });
    expect(response.results.map((result) => result.status)).toEqual(["applied", "rejected", "applied"]);
    expect(response.results[1]).toMatchObject({ code: "VALIDATION_ERROR" });
    expect(response.results[1]?.reason).toMatch(/record after this change: is 1215 bytes as JSON/);
    expect(await coordinator.getRecord("record-create")).toEqual({ version: 2, data: { a: "x".repeat(600), c: 1 } });
  });

  it("accepts data exactly at the limits", async () => {
    const coordinator = createSyncCoordinator({ clock: createManualClock(NOW), maxMutationSize: 1000 });
    // {"text":"…"} is 11 bytes of JSON around the text; "é" is two UTF-8 bytes.
    const atLimit = mutation("at-limit", { data: { text: `${"é".repeat(494)}x` } });
    const overLimit = mutation("over-limit", { data: { text: "é".repeat(495) } });
    const deepest = mutation("deepest", { data: nested(64) });
    const response = await coordinator.push({ clientId: "phone", mutations: [atLimit, overLimit, deepest] });
    expect(response.results.map((result) => result.status)).toEqual(["applied", "rejected", "applied"]);
    expect(response.results[1]?.reason).toMatch(/is 1001 bytes as JSON/);
  });

  it("bounds the HLC against its own clock: a device 50 years ahead is refused", async () => {
    const clock = createManualClock(NOW);
    const coordinator = createSyncCoordinator({ clock });
    const future = createHybridLogicalClock({ nodeId: "phone", clock: createManualClock(NOW + 50 * YEAR_MS) }).now();
    const hourAhead = createHybridLogicalClock({ nodeId: "phone", clock: createManualClock(NOW + 3_600_000) }).now();
    const response = await coordinator.push({
      clientId: "phone",
      mutations: [mutation("future", { hlc: future }), mutation("hour-ahead", { hlc: hourAhead })],
    });
    expect(response.results[0]).toMatchObject({ status: "rejected", code: "LIMIT_EXCEEDED" });
    expect(response.results[0]?.reason).toMatch(
      /ahead of the coordinator's clock; at most 86400000 ms \(maxClockDriftMs\)/,
    );
    expect(response.results[1]).toMatchObject({ status: "applied" });

    const strict = createSyncCoordinator({ clock, maxClockDriftMs: 1000 });
    const slightlyAhead = createHybridLogicalClock({ nodeId: "phone", clock: createManualClock(NOW + 2000) }).now();
    const verdict = await strict.push({ clientId: "phone", mutations: [mutation("ahead", { hlc: slightlyAhead })] });
    expect(verdict.results[0]).toMatchObject({ status: "rejected", code: "LIMIT_EXCEEDED" });
    // Once the coordinator's clock catches up, the same stamp is fine.
    clock.advance(1000);
    const later = await strict.push({ clientId: "phone", mutations: [mutation("ahead", { hlc: slightlyAhead })] });
    expect(later.results[0]).toMatchObject({ status: "applied" });
  });

  it("refuses a push over maxPushBytes as a whole with LIMIT_EXCEEDED, writing nothing", async () => {
    const coordinator = createSyncCoordinator({
      clock: createManualClock(NOW),
      maxPushBytes: 20_000,
      maxMutationSize: 1000,
    });
    const mutations = Array.from({ length: 30 }, (_, index) =>
      mutation(`m${index}`, { data: { text: "ü".repeat(400) } }),
    );
    const request: PushRequest = { clientId: "phone", mutations };
    const bytes = new TextEncoder().encode(JSON.stringify(mutations)).length;
    const error = await expectPelbiotErrorAsync(coordinator.push(request));
    expect(error.code).toBe("LIMIT_EXCEEDED");
    expect(error.message).toContain(`${bytes} bytes`);
    expect(error.message).toMatch(/at most 20000 \(maxPushBytes\)/);
    expect((await coordinator.pull({ clientId: "audit", cursor: 0 })).changes).toEqual([]);
    // The same mutations in two pushes go through.
    await coordinator.push({ clientId: "phone", mutations: mutations.slice(0, 15) });
    await coordinator.push({ clientId: "phone", mutations: mutations.slice(15) });
    expect((await coordinator.pull({ clientId: "audit", cursor: 0 })).changes).toHaveLength(30);
  });

  it("rejects unknown and contradictory options, listing what is accepted", () => {
    const unknown = (() => {
      try {
        createSyncCoordinator({ maxPushByte: 10 } as never);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(PelbiotValidationError.isValidationError(unknown)).toBe(true);
    expect((unknown as Error).message).toMatch(
      /options.maxPushByte: "maxPushByte" is not a known option \(did you mean "maxPushBytes"\?\); accepted: .*maxPushBytes/,
    );
    expect(() => createSyncCoordinator({ maxPushBytes: 1000, maxMutationSize: 1000 })).toThrow(
      /options.maxPushBytes: must be at least 17384/,
    );
    expect(() => createSyncCoordinator({ maxClockDriftMs: -1 })).toThrow(/options.maxClockDriftMs/);
  });
});

describe("OfflineSyncManager pushes within maxPushBytes", () => {
  it("splits its queue into pushes the coordinator accepts", async () => {
    const clock = createManualClock(NOW);
    const coordinator = createSyncCoordinator({ clock, maxPushBytes: 20_000, maxMutationSize: 1000 });
    const inner = createInMemorySyncTransport(coordinator);
    const pushedBytes: number[] = [];
    const transport = {
      pull: inner.pull,
      push: (request: PushRequest) => {
        pushedBytes.push(new TextEncoder().encode(JSON.stringify(request.mutations)).length);
        return inner.push(request);
      },
    };
    const phone = new OfflineSyncManager({ clock, maxPushBytes: 20_000, maxMutationSize: 1000 });
    for (let index = 0; index < 40; index += 1) {
      await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "ø".repeat(450) } });
    }
    const report = await phone.sync("phone", transport);
    expect(report).toMatchObject({ pushed: 40, acknowledged: 40, rejected: [], pending: 0 });
    expect(pushedBytes.length).toBeGreaterThan(1);
    for (const bytes of pushedBytes) expect(bytes).toBeLessThanOrEqual(20_000);
  });
});

describe("OfflineSyncManager record limits", () => {
  it("refuses at save time an update that would grow the record past what the coordinator accepts", async () => {
    const phone = new OfflineSyncManager({ clock: createManualClock(NOW), maxMutationSize: 1000 });
    const created = await phone.saveOfflineData("phone", {
      type: "create",
      entity: "note",
      data: { a: "x".repeat(600) },
    });
    const update = { type: "update", entity: "note", recordId: created.recordId } as const;
    const error = await expectPelbiotErrorAsync(
      phone.saveOfflineData("phone", { ...update, data: { b: "y".repeat(600) } }),
    );
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.message).toMatch(/the record after this change: is 1215 bytes as JSON/);
    expect(await phone.getOfflineData("phone")).toEqual([created]);
    // Replacing a field keeps the record within the limit, so it is fine.
    await phone.saveOfflineData("phone", { ...update, data: { a: "z".repeat(900) } });
  });
});

describe("OfflineSyncManager options", () => {
  it("rejects unknown options and a push limit too small for one mutation", () => {
    expect(() => new OfflineSyncManager({ maxPushBytesPerRound: 10 } as never)).toThrow(
      /options.maxPushBytesPerRound: "maxPushBytesPerRound" is not a known option; accepted: .*maxPushBytes/,
    );
    expect(() => new OfflineSyncManager({ maxPushBytes: 20_000 })).toThrow(
      /options.maxPushBytes: must be at least 278528/,
    );
    expect(() => new OfflineSyncManager({ maxPushBytes: 20_000, maxMutationSize: 1000 })).not.toThrow();
  });
});

describe("lone surrogates in sync ids", () => {
  it("are VALIDATION_ERROR on the device, never a URIError", async () => {
    const phone = new OfflineSyncManager({ clock: createManualClock(NOW) });
    const transport = createInMemorySyncTransport(createSyncCoordinator());
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["saveOfflineData", () => phone.saveOfflineData("\uD800", { type: "create", entity: "x", data: {} })],
      ["sync", () => phone.sync("dev\uDC00ice", transport)],
      ["getPendingChanges", () => phone.getPendingChanges("\uD800")],
      ["getOfflineData", () => phone.getOfflineData("\uD800")],
      ["getConflicts", () => phone.getConflicts("\uD800")],
      ["getRecord", () => phone.getRecord("\uD800", "r")],
      ["syncPendingChanges", () => phone.syncPendingChanges("\uD800", [])],
      ["resolveConflict", () => phone.resolveConflict("\uD800", "r", "local")],
      [
        "saveOfflineData recordId",
        () => phone.saveOfflineData("d", { type: "create", entity: "x", recordId: "r\uD800", data: {} }),
      ],
      ["saveOfflineData entity", () => phone.saveOfflineData("d", { type: "create", entity: "\uDFFFx", data: {} })],
    ];
    for (const [name, call] of calls) {
      const error = await expectPelbiotErrorAsync(call());
      expect([name, error.code]).toEqual([name, "VALIDATION_ERROR"]);
      expect(error.message).toMatch(/well-formed/);
    }
    expect(await phone.getOfflineData("d")).toEqual([]);
  });

  it("are VALIDATION_ERROR at the coordinator", async () => {
    const coordinator = createSyncCoordinator({ clock: createManualClock(NOW) });
    expect((await expectPelbiotErrorAsync(coordinator.pull({ clientId: "\uD800", cursor: 0 }))).code).toBe(
      "VALIDATION_ERROR",
    );
    expect((await expectPelbiotErrorAsync(coordinator.getRecord("\uDBFF"))).code).toBe("VALIDATION_ERROR");
    const client = await expectPelbiotErrorAsync(coordinator.push({ clientId: "\uD800", mutations: [] }));
    expect(client.code).toBe("VALIDATION_ERROR");
    const response = await coordinator.push({
      clientId: "phone",
      mutations: [mutation("a", { recordId: "r\uD800" }), mutation("b", { entity: "\uDC00" }), mutation("c")],
    });
    expect(response.results.map((result) => [result.status, result.code])).toEqual([
      ["rejected", "VALIDATION_ERROR"],
      ["rejected", "VALIDATION_ERROR"],
      ["applied", undefined],
    ]);
    expect(response.results[0]?.reason).toMatch(/recordId: must be well-formed/);
  });
});
