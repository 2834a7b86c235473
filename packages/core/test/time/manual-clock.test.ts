import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { expectPelbiotError } from "../../src/testing/expect-pelbiot-error";
import { createManualClock } from "../../src/time/manual-clock";
import { sleep } from "../../src/time/sleep";

describe("createManualClock", () => {
  it("starts at the given time, at 0 by default, and accepts a Date", () => {
    expect(createManualClock().now()).toBe(0);
    expect(createManualClock(1_700_000_000_000).now()).toBe(1_700_000_000_000);
    expect(createManualClock(new Date("2025-01-01T00:00:00Z")).now()).toBe(Date.UTC(2025, 0, 1));
  });

  it("fires a timer only once its delay has elapsed, with now() at its due time", () => {
    const clock = createManualClock(1_000);
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 100);
    expect(clock.advance(99)).toBe(0);
    expect(seen).toEqual([]);
    expect(clock.advance(1)).toBe(1);
    expect(seen).toEqual([1_100]);
    expect(clock.now()).toBe(1_100);
  });

  it("fires timers in due-time order, and same-instant timers in insertion order", () => {
    const clock = createManualClock();
    const order: string[] = [];
    clock.setTimeout(() => order.push("c@30"), 30);
    clock.setTimeout(() => order.push("a@10"), 10);
    clock.setTimeout(() => order.push("b@10"), 10);
    clock.setTimeout(() => order.push("d@10"), 10);
    clock.setTimeout(() => order.push("zero"), 0);
    expect(clock.advance(50)).toBe(5);
    expect(order).toEqual(["zero", "a@10", "b@10", "d@10", "c@30"]);
    expect(clock.now()).toBe(50);
  });

  it("fires timers scheduled by timers when they fall inside the advanced window", () => {
    const clock = createManualClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 20);
      clock.setTimeout(() => fired.push(clock.now()), 100);
    }, 10);
    clock.advance(50);
    expect(fired).toEqual([10, 30]);
    expect(clock.pendingTimers).toBe(1);
  });

  it("treats negative delays as zero", () => {
    const clock = createManualClock(500);
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, -20);
    clock.advance(0);
    expect(fired).toBe(true);
    expect(clock.now()).toBe(500);
  });

  it("cancels timers with clearTimeout, ignores unknown handles and counts pending timers", () => {
    const clock = createManualClock();
    let fired = 0;
    const first = clock.setTimeout(() => fired++, 10);
    clock.setTimeout(() => fired++, 20);
    expect(clock.pendingTimers).toBe(2);
    clock.clearTimeout(first);
    clock.clearTimeout(first);
    clock.clearTimeout({});
    clock.clearTimeout(42);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(100);
    expect(fired).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("advance does not run promise continuations between timers, advanceAsync does", async () => {
    const makeLoop = (clock: ReturnType<typeof createManualClock>, log: number[]) => async () => {
      for (let step = 0; step < 3; step++) {
        await sleep(100, { clock });
        log.push(clock.now());
      }
    };

    const syncClock = createManualClock();
    const syncLog: number[] = [];
    const syncLoop = makeLoop(syncClock, syncLog)();
    expect(syncClock.advance(300)).toBe(1);
    expect(syncLog).toEqual([]);
    // Let the continuation run: it logs the time advance left behind and schedules the next sleep from there.
    await syncClock.advanceAsync(0);
    expect(syncLog).toEqual([300]);
    expect(syncClock.pendingTimers).toBe(1);
    await syncClock.runAllAsync();
    await syncLoop;
    expect(syncLog).toEqual([300, 400, 500]);

    const asyncClock = createManualClock();
    const asyncLog: number[] = [];
    const asyncLoop = makeLoop(asyncClock, asyncLog)();
    await expect(asyncClock.advanceAsync(300)).resolves.toBe(3);
    await asyncLoop;
    expect(asyncLog).toEqual([100, 200, 300]);
    expect(asyncClock.now()).toBe(300);
  });

  it("advanceAsync stops at the window's end", async () => {
    const clock = createManualClock();
    const log: number[] = [];
    const loop = (async () => {
      for (let step = 0; step < 5; step++) {
        await sleep(100, { clock });
        log.push(clock.now());
      }
    })();
    await clock.advanceAsync(250);
    expect(log).toEqual([100, 200]);
    expect(clock.now()).toBe(250);
    expect(clock.pendingTimers).toBe(1);
    await clock.runAllAsync();
    await loop;
    expect(log).toEqual([100, 200, 300, 400, 500]);
  });

  it("runAll fires everything, ending at the last timer's due time", () => {
    const clock = createManualClock(10);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 5_000);
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 1);
    }, 20);
    expect(clock.runAll()).toBe(3);
    expect(fired).toEqual([30, 31, 5_010]);
    expect(clock.now()).toBe(5_010);
    expect(clock.runAll()).toBe(0);
  });

  it("runAllAsync drives promise chains to completion", async () => {
    const clock = createManualClock();
    const chain = (async () => {
      await sleep(1_000, { clock });
      await sleep(2_000, { clock });
      return clock.now();
    })();
    await expect(clock.runAllAsync()).resolves.toBe(2);
    await expect(chain).resolves.toBe(3_000);
  });

  it("gives up with LIMIT_EXCEEDED when a timer keeps rescheduling itself", async () => {
    const clock = createManualClock(0, { maxTimersPerCall: 50 });
    const reschedule = (): void => {
      clock.setTimeout(reschedule, 0);
    };
    reschedule();
    expect(() => clock.runAll()).toThrow(expect.objectContaining({ code: "LIMIT_EXCEEDED" }));
    expect(() => clock.advance(0)).toThrow(PelbiotError);
    await expect(clock.runAllAsync()).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await expect(clock.advanceAsync(10)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });

  it("reports LIMIT_EXCEEDED with the shared details keys { limit, got }", () => {
    const clock = createManualClock(0, { maxTimersPerCall: 50 });
    const reschedule = (): void => {
      clock.setTimeout(reschedule, 0);
    };
    reschedule();
    expect(expectPelbiotError(() => clock.runAll(), "LIMIT_EXCEEDED").details).toEqual({ limit: 50, got: 50 });
  });

  it("setTime jumps without firing, and pending timers keep their remaining delay", () => {
    const clock = createManualClock(1_000);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 100);
    clock.setTime(new Date(50_000));
    expect(clock.now()).toBe(50_000);
    expect(fired).toEqual([]);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([50_100]);
    clock.setTime(10);
    expect(clock.now()).toBe(10);
  });

  it("lets a throwing timer's error reach the caller of advance", () => {
    const clock = createManualClock();
    const failure = new Error("boom");
    clock.setTimeout(() => {
      throw failure;
    }, 10);
    clock.setTimeout(() => undefined, 20);
    expect(() => clock.advance(100)).toThrow(failure);
    expect(clock.now()).toBe(10);
    expect(clock.pendingTimers).toBe(1);
  });

  it("rejects malformed arguments, listing every issue", () => {
    expect(() => createManualClock("yesterday" as never, { maxTimersPerCall: 0 })).toThrow(PelbiotValidationError);
    try {
      createManualClock(Number.NaN, { maxTimersPerCall: 1.5 });
    } catch (error) {
      expect(PelbiotValidationError.isValidationError(error)).toBe(true);
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
        "start",
        "options.maxTimersPerCall",
      ]);
    }
    const clock = createManualClock();
    expect(() => clock.advance(-1)).toThrow(PelbiotValidationError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(PelbiotValidationError);
    expect(() => clock.setTimeout("not a function" as never, 10)).toThrow(PelbiotValidationError);
    expect(() => clock.setTimeout(() => undefined, Number.NaN)).toThrow(PelbiotValidationError);
    expect(() => clock.setTime("soon" as never)).toThrow(PelbiotValidationError);
  });
});
