import type { PelbiotErrorDetailsOf } from "../errors/error-details";
import { PelbiotError } from "../errors/pelbiot-error";
import { createValidator, toEpochMillis } from "../validation/validator";
import type { Clock, TimerHandle } from "./clock";

/** Options of {@link createManualClock}. */
export interface ManualClockOptions {
  /**
   * The most timers one `advance`/`runAll` call may fire before it gives up with `LIMIT_EXCEEDED`. Guards tests
   * against a timer that keeps rescheduling itself, which would otherwise hang the run.
   * @default 10_000
   */
  maxTimersPerCall?: number | undefined;
}

/**
 * A {@link Clock} whose time only moves when told to, for deterministic tests of retries, backoff, TTLs and
 * schedules. Timers fire in due-time order; timers due at the same instant fire in the order they were scheduled.
 */
export interface ManualClock extends Clock {
  /** How many timers are scheduled and not yet fired or cleared. */
  readonly pendingTimers: number;
  /**
   * Moves time forward by `ms`, synchronously firing every timer that falls due, including timers those timers
   * schedule. Promise continuations do not run in between; use {@link ManualClock.advanceAsync} for async code.
   * @returns The number of timers fired.
   */
  advance(ms: number): number;
  /**
   * Like {@link ManualClock.advance}, but yields to the event loop before each timer and once at the end, so promise
   * chains that schedule further timers (a retry loop awaiting `sleep`) progress within the same call.
   * @returns The number of timers fired.
   */
  advanceAsync(ms: number): Promise<number>;
  /**
   * Fires timers in order, moving time to each one's due time, until none is left.
   * @returns The number of timers fired.
   */
  runAll(): number;
  /**
   * Like {@link ManualClock.runAll}, yielding to the event loop before each timer and before concluding none is left.
   * @returns The number of timers fired.
   */
  runAllAsync(): Promise<number>;
  /**
   * Sets the current time without firing anything, like a wall-clock jump. Pending timers keep their remaining
   * delay, just as real timers (which run on a monotonic clock) do.
   */
  setTime(time: number | Date): void;
}

interface ManualTimer {
  readonly handle: object;
  readonly callback: () => void;
  dueAt: number;
}

const DEFAULT_MAX_TIMERS_PER_CALL = 10_000;

/**
 * Creates a {@link ManualClock}: virtual time starting at `start`, timers that fire only when time is advanced.
 *
 * @param start - The initial time as epoch milliseconds or a `Date`; defaults to `0` so runs are reproducible.
 * @param options - A safety cap on timers fired per call.
 * @returns A fresh manual clock.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `start` or an option is malformed.
 * @example
 * ```ts
 * const clock = createManualClock(Date.UTC(2025, 0, 1));
 * const done = retry(sendWebhook, { clock });
 * await clock.runAllAsync(); // every backoff wait elapses instantly
 * await done;
 * ```
 */
export function createManualClock(start: number | Date = 0, options: ManualClockOptions = {}): ManualClock {
  const check = createValidator("createManualClock");
  check.timestamp("start", start);
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["maxTimersPerCall"]);
    if (options.maxTimersPerCall !== undefined) {
      check.number("options.maxTimersPerCall", options.maxTimersPerCall, { integer: true, positive: true });
    }
  }
  check.done();
  const { maxTimersPerCall = DEFAULT_MAX_TIMERS_PER_CALL } = options;

  let currentTime = toEpochMillis(start) as number;
  // Kept sorted by due time; a new timer goes after every timer due at the same instant, preserving insertion order.
  const timers: ManualTimer[] = [];

  const insert = (timer: ManualTimer): void => {
    let low = 0;
    let high = timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((timers[middle] as ManualTimer).dueAt <= timer.dueAt) low = middle + 1;
      else high = middle;
    }
    timers.splice(low, 0, timer);
  };

  const guard = (fired: number, method: string): void => {
    if (fired >= maxTimersPerCall) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `ManualClock.${method} fired ${fired} timers without running out; a timer probably keeps rescheduling itself. ` +
          "Raise maxTimersPerCall if this is intended.",
        { details: { limit: maxTimersPerCall, got: fired } satisfies PelbiotErrorDetailsOf<"LIMIT_EXCEEDED"> },
      );
    }
  };

  // Fires the earliest timer when it is due by `until`; returns whether one fired.
  const fireNext = (until: number): boolean => {
    const next = timers[0];
    if (next === undefined || next.dueAt > until) return false;
    timers.shift();
    currentTime = Math.max(currentTime, next.dueAt);
    next.callback();
    return true;
  };

  const validateDuration = (method: string, ms: unknown): void => {
    const validator = createValidator(`ManualClock.${method}`);
    validator.number("ms", ms, { min: 0 });
    validator.done();
  };

  const clock: ManualClock = {
    get pendingTimers() {
      return timers.length;
    },
    now: () => currentTime,
    setTimeout(callback: () => void, delayMs: number): TimerHandle {
      const validator = createValidator("ManualClock.setTimeout");
      validator.fn("callback", callback);
      validator.number("delayMs", delayMs);
      validator.done();
      const handle = Object.freeze({});
      insert({ handle, callback, dueAt: currentTime + Math.max(0, delayMs) });
      return handle;
    },
    clearTimeout(handle: TimerHandle): void {
      const index = timers.findIndex((timer) => timer.handle === handle);
      if (index !== -1) timers.splice(index, 1);
    },
    advance(ms: number): number {
      validateDuration("advance", ms);
      const target = currentTime + ms;
      let fired = 0;
      while (fireNext(target)) {
        fired += 1;
        guard(fired, "advance");
      }
      currentTime = Math.max(currentTime, target);
      return fired;
    },
    async advanceAsync(ms: number): Promise<number> {
      validateDuration("advanceAsync", ms);
      const target = currentTime + ms;
      let fired = 0;
      await yieldToEventLoop();
      while (fireNext(target)) {
        fired += 1;
        guard(fired, "advanceAsync");
        await yieldToEventLoop();
      }
      currentTime = Math.max(currentTime, target);
      return fired;
    },
    runAll(): number {
      let fired = 0;
      while (fireNext(Number.POSITIVE_INFINITY)) {
        fired += 1;
        guard(fired, "runAll");
      }
      return fired;
    },
    async runAllAsync(): Promise<number> {
      let fired = 0;
      await yieldToEventLoop();
      while (fireNext(Number.POSITIVE_INFINITY)) {
        fired += 1;
        guard(fired, "runAllAsync");
        await yieldToEventLoop();
      }
      return fired;
    },
    setTime(time: number | Date): void {
      const validator = createValidator("ManualClock.setTime");
      validator.timestamp("time", time);
      validator.done();
      const next = toEpochMillis(time) as number;
      const shift = next - currentTime;
      for (const timer of timers) timer.dueAt += shift;
      currentTime = next;
    },
  };
  return clock;
}

// A macrotask, unlike `await Promise.resolve()`, runs only after every queued promise continuation has run, however
// long the chain. The scheduler is captured when the module loads so fake timers installed later cannot stall it.
const yieldToEventLoop: () => Promise<void> = createMacrotaskYield();

function createMacrotaskYield(): () => Promise<void> {
  const scope = globalThis as { setImmediate?: (callback: () => void) => unknown };
  const schedule = scope.setImmediate;
  if (typeof schedule === "function") return () => new Promise((resolve) => schedule(resolve));
  if (typeof MessageChannel === "function") {
    // Nested `setTimeout(0)` is clamped to 4 ms in browsers; a message round-trip is not.
    return () =>
      new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          channel.port1.close();
          resolve();
        };
        channel.port2.postMessage(undefined);
      });
  }
  const fallback = globalThis.setTimeout;
  return () => new Promise((resolve) => fallback(resolve, 0));
}
