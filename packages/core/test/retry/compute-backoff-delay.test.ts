import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { BACKOFF_DEFAULTS, computeBackoffDelay } from "../../src/retry/compute-backoff-delay";

describe("computeBackoffDelay", () => {
  it("grows the ceiling exponentially from the defaults", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => computeBackoffDelay(attempt, { jitter: "none" }))).toEqual([
      200, 400, 800, 1_600, 3_200,
    ]);
    expect(computeBackoffDelay(20, { jitter: "none" })).toBe(BACKOFF_DEFAULTS.maxDelayMs);
  });

  it("draws full jitter from [0, ceiling]", () => {
    expect(computeBackoffDelay(3, {}, () => 0)).toBe(0);
    expect(computeBackoffDelay(3, {}, () => 0.25)).toBe(200);
    expect(computeBackoffDelay(3, {}, () => 0.999_999)).toBe(799);
  });

  it("survives huge attempt numbers and a zero initial delay", () => {
    expect(computeBackoffDelay(10_000, { jitter: "none", maxDelayMs: 1_000 })).toBe(1_000);
    expect(computeBackoffDelay(10_000, { jitter: "none", initialDelayMs: 0 })).toBe(0);
    expect(computeBackoffDelay(7, { jitter: "none", multiplier: 1, initialDelayMs: 50 })).toBe(50);
  });

  it("rejects malformed arguments, listing every issue", () => {
    try {
      computeBackoffDelay(0, { initialDelayMs: -1, multiplier: 0, maxDelayMs: Number.POSITIVE_INFINITY }, 3 as never);
      expect.unreachable();
    } catch (error) {
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
        "attempt",
        "options.initialDelayMs",
        "options.maxDelayMs",
        "options.multiplier",
        "random",
      ]);
    }
  });

  it("rejects a random source that leaves [0, 1]", () => {
    expect(() => computeBackoffDelay(1, {}, () => 1.5)).toThrow(PelbiotValidationError);
    expect(() => computeBackoffDelay(1, {}, () => Number.NaN)).toThrow(/random: must return a number in \[0, 1\)/);
  });

  it("always stays within [0, min(maxDelay, initial × multiplier^(attempt − 1))]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        fc.constantFrom("full" as const, "none" as const),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, initialDelayMs, multiplier, maxDelayMs, jitter, sample) => {
          const delay = computeBackoffDelay(attempt, { initialDelayMs, multiplier, maxDelayMs, jitter }, () => sample);
          const ceiling = Math.min(maxDelayMs, initialDelayMs * multiplier ** (attempt - 1));
          return Number.isInteger(delay) && delay >= 0 && delay <= ceiling;
        },
      ),
    );
  });
});
