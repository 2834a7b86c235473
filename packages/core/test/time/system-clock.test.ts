import { afterEach, describe, expect, it, vi } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { isClock } from "../../src/time/clock";
import { createManualClock } from "../../src/time/manual-clock";
import { systemClock } from "../../src/time/system-clock";

afterEach(() => {
  vi.useRealTimers();
});

describe("systemClock", () => {
  it("reads Date.now()", () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("runs and cancels real timers", async () => {
    let cancelledFired = false;
    const cancelled = systemClock.setTimeout(() => {
      cancelledFired = true;
    }, 1);
    systemClock.clearTimeout(cancelled);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 2));
    expect(cancelledFired).toBe(false);
  });

  it("chains delays beyond the 32-bit platform limit instead of firing them early", () => {
    vi.useFakeTimers({ now: 0 });
    const day = 86_400_000;
    let fired = false;
    systemClock.setTimeout(() => {
      fired = true;
    }, 30 * day);
    vi.advanceTimersByTime(29 * day);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(day - 1);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(true);
  });

  it("cancels a chained timer at any stage", () => {
    vi.useFakeTimers({ now: 0 });
    const day = 86_400_000;
    let fired = false;
    const handle = systemClock.setTimeout(() => {
      fired = true;
    }, 60 * day);
    vi.advanceTimersByTime(30 * day);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(60 * day);
    expect(fired).toBe(false);
  });

  it("rejects a missing callback or a non-finite delay", () => {
    expect(() => systemClock.setTimeout(undefined as never, Number.NaN)).toThrow(PelbiotValidationError);
  });
});

describe("isClock", () => {
  it("recognises clocks by shape", () => {
    expect(isClock(systemClock)).toBe(true);
    expect(isClock(createManualClock())).toBe(true);
    expect(isClock(Date)).toBe(false);
    expect(isClock({ now: () => 0, setTimeout: () => 1 })).toBe(false);
    expect(isClock(null)).toBe(false);
  });
});
