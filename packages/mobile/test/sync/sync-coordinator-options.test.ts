import { createLogger, createManualClock, type LogRecord } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";
import type { QueuedMutation } from "../../src/sync/sync-types";
import { handMadeMutation } from "./hand-made-mutation";

const NOW = Date.UTC(2026, 5, 1);

const mutation = (id: string, overrides: Partial<QueuedMutation> = {}): QueuedMutation =>
  handMadeMutation(id, NOW, overrides);

describe("createSyncCoordinator options", () => {
  it("rejects an unknown key with the nearest accepted one", () => {
    const error = expectPelbiotError(() => createSyncCoordinator({ maxClockDrift: 1000 } as never), "VALIDATION_ERROR");
    expect(error.message).toMatch(
      /^Invalid input to createSyncCoordinator: options\.maxClockDrift: "maxClockDrift" is not a known option \(did you mean "maxClockDriftMs"\?\); accepted: storage, /,
    );
  });

  it("checks the ports and takes maxClockDriftMs in whole milliseconds", () => {
    const issues = captureValidationIssues(() =>
      createSyncCoordinator({ clock: {} as never, logger: 1 as never, storage: {} as never, maxClockDriftMs: 0.5 }),
    );
    expect(issues.map((issue) => issue.slice(0, issue.indexOf(":")))).toEqual([
      "options.maxClockDriftMs",
      "options.storage",
      "options.clock",
      "options.logger",
    ]);
    // Not a timer, so a drift beyond a timer's 2^31 - 1 ms is fine.
    expect(() => createSyncCoordinator({ maxClockDriftMs: 30 * 86_400_000 })).not.toThrow();
  });
});

describe("createSyncCoordinator errors", () => {
  it("reports a push over maxPushBytes with { limit, got }", async () => {
    const coordinator = createSyncCoordinator({
      clock: createManualClock(NOW),
      maxPushBytes: 20_000,
      maxMutationSize: 1000,
    });
    const mutations = Array.from({ length: 30 }, (_, index) =>
      mutation(`m${index}`, { data: { text: "x".repeat(900) } }),
    );
    const error = await expectPelbiotErrorAsync(coordinator.push({ clientId: "phone", mutations }), "LIMIT_EXCEEDED");
    expect(error.details).toEqual({ limit: 20_000, got: new TextEncoder().encode(JSON.stringify(mutations)).length });
  });

  it("wraps a validator that throws a plain error, and stays usable", async () => {
    let broken = true;
    const coordinator = createSyncCoordinator({
      clock: createManualClock(NOW),
      validateMutation: () => {
        if (broken) throw new RangeError("rule bug");
        return undefined;
      },
    });
    const error = await expectPelbiotErrorAsync(
      coordinator.push({ clientId: "phone", mutations: [mutation("a")] }),
      "INTERNAL_ERROR",
    );
    expect(error.message).toBe("rule bug");
    broken = false;
    const response = await coordinator.push({ clientId: "phone", mutations: [mutation("a")] });
    expect(response.results[0]).toMatchObject({ status: "applied", version: 1 });
  });

  it("logs refused pushes and refused mutations", async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "debug" });
    const coordinator = createSyncCoordinator({
      clock: createManualClock(NOW),
      logger,
      maxPushBytes: 20_000,
      maxMutationSize: 1000,
    });
    await coordinator.push({ clientId: "phone", mutations: [mutation("bad", { hlc: "not-a-stamp" })] });
    const big = Array.from({ length: 30 }, (_, index) => mutation(`m${index}`, { data: { text: "x".repeat(900) } }));
    await coordinator.push({ clientId: "phone", mutations: big }).catch(() => undefined);
    expect(records.map((record) => [record.level, record.message, record.fields?.code])).toEqual([
      ["info", "sync mutation refused", "VALIDATION_ERROR"],
      ["warn", "sync push refused", "LIMIT_EXCEEDED"],
    ]);
  });
});
