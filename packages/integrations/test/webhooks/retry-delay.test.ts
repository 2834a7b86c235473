import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../src/webhooks/retry-delay";
import { SVIX_RETRY_SCHEDULE } from "../../src/webhooks/webhook-manager";

describe("retryDelayMs", () => {
  it("lets Retry-After lengthen a step up to the schedule's longest step, never shorten it (property test)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 100_000_000 }), { minLength: 1, maxLength: 10 }),
        fc.nat({ max: 20 }),
        fc.option(fc.double({ min: 0, max: 1e15, noNaN: true }), { nil: undefined }),
        (steps, attempt, retryAfterMs) => {
          const schedule = [0, ...steps];
          const delay = retryDelayMs(schedule, attempt, retryAfterMs);
          const step = schedule[attempt] ?? 0;
          const longest = Math.max(...schedule);
          expect(delay).toBeGreaterThanOrEqual(step);
          expect(delay).toBeLessThanOrEqual(longest);
          // Within those bounds, Retry-After is honoured exactly; without it (or below the step) the step applies.
          if (retryAfterMs !== undefined && retryAfterMs >= step && retryAfterMs <= longest) {
            expect(delay).toBe(retryAfterMs);
          }
          if (retryAfterMs === undefined || retryAfterMs <= step) expect(delay).toBe(step);
        },
      ),
      { seed: 20261203, numRuns: 500 },
    );
  });

  it("caps Retry-After: 999999999 s waits no longer than Svix's 10-hour step", () => {
    expect(retryDelayMs(SVIX_RETRY_SCHEDULE, 1, 999_999_999_000)).toBe(10 * 60 * 60 * 1000);
    expect(retryDelayMs(SVIX_RETRY_SCHEDULE, 1, 120_000)).toBe(120_000);
    expect(retryDelayMs(SVIX_RETRY_SCHEDULE, 2, undefined)).toBe(300_000);
  });
});
