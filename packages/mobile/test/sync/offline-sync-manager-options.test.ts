import { createLogger, createManualClock, createMemoryStorage, type LogRecord, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager, type OfflineSyncManagerOptions } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import { createInMemorySyncTransport } from "../../src/sync/sync-transports";

const NOW = Date.UTC(2026, 0, 1);

function manager(options: OfflineSyncManagerOptions = {}) {
  return new OfflineSyncManager({ clock: createManualClock(NOW), ...options });
}

function recordingLogger() {
  const records: LogRecord[] = [];
  return { records, logger: createLogger({ sink: (record) => records.push(record), level: "debug" }) };
}

describe("OfflineSyncManager constructor options", () => {
  it("rejects an unknown key with the accepted ones and the nearest for a typo", () => {
    const error = expectPelbiotError(() => manager({ conflictStrategey: "manual" } as never), "VALIDATION_ERROR");
    expect(error.message).toBe(
      'Invalid input to OfflineSyncManager constructor: options.conflictStrategey: "conflictStrategey" is not a known option (did you mean "conflictStrategy"?); accepted: storage, conflictStrategy, maxOfflineRecords, maxMutationSize, maxPushBytes, clock, logger, keyPrefix',
    );
  });

  it("checks the clock, logger and storage ports", () => {
    const issues = captureValidationIssues(
      () => new OfflineSyncManager({ clock: {} as never, logger: { info() {} } as never, storage: {} as never }),
    );
    expect(issues.map((issue) => issue.slice(0, issue.indexOf(":")))).toEqual([
      "options.storage",
      "options.clock",
      "options.logger",
    ]);
  });

  it("keeps the queues of managers with different key prefixes apart in one adapter", async () => {
    const storage = createMemoryStorage();
    const first = manager({ storage, keyPrefix: "app-a:" });
    const second = manager({ storage, keyPrefix: "app-b:" });
    await first.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "a" } });
    expect(await second.getOfflineData("phone")).toEqual([]);
    expect(await first.getOfflineData("phone")).toHaveLength(1);
  });
});

describe("OfflineSyncManager error details", () => {
  it("reports a full queue as LIMIT_EXCEEDED with { limit, got }", async () => {
    const sync = manager({ maxOfflineRecords: 1 });
    await sync.saveOfflineData("phone", { type: "create", entity: "note", data: {} });
    const error = await expectPelbiotErrorAsync(
      sync.saveOfflineData("phone", { type: "create", entity: "note", data: {} }),
      "LIMIT_EXCEEDED",
    );
    expect(error.details).toEqual({ limit: 1, got: 1 });
  });

  it("reports a missing record and a missing conflict as NOT_FOUND with { id }", async () => {
    const sync = manager();
    const missing = await expectPelbiotErrorAsync(
      sync.saveOfflineData("phone", { type: "update", entity: "note", recordId: "note-9", data: {} }),
      "NOT_FOUND",
    );
    expect(missing.details).toEqual({ id: "note-9" });
    const noConflict = await expectPelbiotErrorAsync(sync.resolveConflict("phone", "note-9", "local"), "NOT_FOUND");
    expect(noConflict.details).toEqual({ id: "note-9" });
  });

  it("names the method in the message of every read", async () => {
    const sync = manager();
    for (const method of ["getPendingChanges", "getOfflineData", "getConflicts"] as const) {
      const error = await expectPelbiotErrorAsync(() => sync[method](""), "VALIDATION_ERROR");
      expect(error.message).toMatch(new RegExp(`^Invalid input to OfflineSyncManager\\.${method}: deviceId: `));
    }
  });
});

describe("OfflineSyncManager lets only PelbiotErrors out", () => {
  it("wraps a resolver that throws a plain error, and keeps the record as it was", async () => {
    const sync = manager({
      conflictStrategy: () => {
        throw new TypeError("resolver bug");
      },
    });
    await sync.syncPendingChanges("phone", [{ recordId: "r", entity: "note", version: 1, data: { text: "a" } }]);
    await sync.saveOfflineData("phone", { type: "update", entity: "note", recordId: "r", data: { text: "b" } });
    const error = await expectPelbiotErrorAsync(
      sync.syncPendingChanges("phone", [{ recordId: "r", entity: "note", version: 2, data: { text: "c" } }]),
      "INTERNAL_ERROR",
    );
    expect(error.message).toBe("resolver bug");
    expect(await sync.getRecord("phone", "r")).toEqual({ text: "b" });
  });

  it("wraps a transport that throws a plain error as PROVIDER_ERROR", async () => {
    const sync = manager();
    const broken = {
      pull: async () => {
        throw new Error("socket closed");
      },
      push: async () => ({ results: [] }),
    };
    const error = await expectPelbiotErrorAsync(sync.sync("phone", broken), "PROVIDER_ERROR");
    expect(PelbiotError.is(error)).toBe(true);
    expect(error.message).toBe("socket closed");
  });

  it("names a malformed coordinator response under OfflineSyncManager.sync", async () => {
    const sync = manager();
    const malformed = { pull: async () => ({ changes: "none" }) as never, push: async () => ({ results: [] }) };
    const error = await expectPelbiotErrorAsync(sync.sync("phone", malformed), "VALIDATION_ERROR");
    expect(error.message).toMatch(
      /^Invalid input to OfflineSyncManager\.sync: pullResponse\.changes: must be an array/,
    );
  });
});

describe("OfflineSyncManager logger", () => {
  it("reports quarantined changes and rejected mutations", async () => {
    const { records, logger } = recordingLogger();
    const clock = createManualClock(NOW);
    const coordinator = createSyncCoordinator({
      clock,
      validateMutation: (mutation) => (mutation.data?.text === "no" ? "refused" : undefined),
    });
    const sync = new OfflineSyncManager({ clock, logger });
    await sync.syncPendingChanges("phone", [{ recordId: "r", entity: "note", version: 1, data: {}, hlc: "bad" }]);
    await sync.saveOfflineData("phone", { type: "create", entity: "note", data: { text: "no" } });
    await sync.sync("phone", createInMemorySyncTransport(coordinator));
    expect(records.map((record) => [record.level, record.message])).toEqual([
      ["warn", "sync change quarantined"],
      ["info", "sync mutation rejected"],
    ]);
  });
});

describe("OfflineSyncManager.startAutoSync options", () => {
  it("rejects unknown options and durations that are not whole milliseconds", () => {
    const sync = manager();
    const transport = createInMemorySyncTransport(createSyncCoordinator());
    expect(captureValidationIssues(() => sync.startAutoSync("phone", transport, { interval: 5000 } as never))).toEqual([
      'options.interval: "interval" is not a known option (did you mean "intervalMs"?); accepted: intervalMs, maxAttempts, backoff',
    ]);
    expect(captureValidationIssues(() => sync.startAutoSync("phone", transport, { intervalMs: 1000.5 }))).toEqual([
      "options.intervalMs: must be an integer, got 1000.5",
    ]);
  });
});
