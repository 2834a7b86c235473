import { createManualClock, PelbiotError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTokenBucket } from "../../src/messaging/token-bucket";

describe("createTokenBucket", () => {
  it("lets the burst through, then spaces sends by the refill rate", () => {
    const clock = createManualClock(0);
    const bucket = createTokenBucket("twilio", { capacity: 3, refillPerSecond: 2 }, clock);
    expect([1, 2, 3, 4, 5].map(() => bucket.reserve(10_000))).toEqual([0, 0, 0, 500, 1_000]);
    clock.advance(10_000);
    expect(bucket.reserve(0)).toBe(0); // refilled, but never past capacity
    expect(bucket.reserve(0)).toBe(0);
    expect(bucket.reserve(0)).toBe(0);
    expect(() => bucket.reserve(0)).toThrowError(/rate limit of provider "twilio"/);
  });

  it("takes nothing when it refuses", () => {
    const clock = createManualClock(0);
    const bucket = createTokenBucket("smtp", { capacity: 1, refillPerSecond: 1 }, clock);
    expect(bucket.reserve(0)).toBe(0);
    const error = captureError(() => bucket.reserve(999));
    expect(PelbiotError.is(error, "LIMIT_EXCEEDED")).toBe(true);
    expect(bucket.reserve(1_000)).toBe(1_000);
  });

  it("is not drained by a clock set backwards", () => {
    const clock = createManualClock(50_000);
    const bucket = createTokenBucket("x", { capacity: 1, refillPerSecond: 1 }, clock);
    bucket.reserve(0);
    clock.setTime(0);
    expect(bucket.reserve(1_000)).toBe(1_000);
  });

  it("never lets more than capacity + rate × window sends start in any window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 60 }),
        (capacity, refillPerSecond, gaps) => {
          const clock = createManualClock(0);
          const bucket = createTokenBucket("p", { capacity, refillPerSecond }, clock);
          const starts: number[] = [];
          for (const gap of gaps) {
            clock.advance(gap);
            starts.push(clock.now() + bucket.reserve(Number.POSITIVE_INFINITY));
          }
          starts.sort((a, b) => a - b);
          for (let i = 0; i < starts.length; i += 1) {
            for (let j = i; j < starts.length; j += 1) {
              // Waits are rounded up to whole milliseconds, so two rounded starts can be up to 1 ms closer.
              const windowMs = (starts[j] as number) - (starts[i] as number) + 1;
              expect(j - i + 1).toBeLessThanOrEqual(capacity + (refillPerSecond * windowMs) / 1000);
            }
          }
        },
      ),
    );
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
