import { createValidator } from "../validation/validator";
import type { Clock, TimerHandle } from "./clock";

// Browsers and Node store timer delays as signed 32-bit integers and fire longer timers immediately, so longer
// waits are split into a chain of timers no longer than this.
const MAX_NATIVE_DELAY_MS = 2_147_483_647;

type NativeHandle = ReturnType<typeof globalThis.setTimeout>;
type NativeClearArgument = Parameters<typeof globalThis.clearTimeout>[0];

/** The handle of a timer that outlasts the platform limit; it tracks whichever native timer of the chain is pending. */
interface ChainedTimer {
  current: NativeHandle | undefined;
}

const chainedTimers = new WeakSet<object>();

function startChainedTimer(timer: ChainedTimer, callback: () => void, dueAt: number): void {
  const remaining = dueAt - Date.now();
  if (remaining <= MAX_NATIVE_DELAY_MS) {
    timer.current = globalThis.setTimeout(callback, Math.max(0, remaining));
    return;
  }
  timer.current = globalThis.setTimeout(() => startChainedTimer(timer, callback, dueAt), MAX_NATIVE_DELAY_MS);
}

/**
 * The real clock: `Date.now()` and the global `setTimeout`/`clearTimeout`, in browsers and Node alike.
 *
 * Timers are not `unref`'d in Node: a pending {@link sleep} or {@link retry} wait keeps the process alive exactly as
 * a native `setTimeout` does, so `await retry(...)` in a script completes instead of the process exiting mid-wait.
 * Components that run background schedules expose `dispose()` to stop them. Delays below zero run as soon as
 * possible, and delays beyond the platform limit of about 24.8 days are chained rather than fired early.
 *
 * @example
 * ```ts
 * const startedAt = systemClock.now();
 * const handle = systemClock.setTimeout(() => flush(), 1_000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now(): number {
    return Date.now();
  },
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const check = createValidator("systemClock.setTimeout");
    check.fn("callback", callback);
    check.number("delayMs", delayMs);
    check.done();
    if (delayMs <= MAX_NATIVE_DELAY_MS) return globalThis.setTimeout(callback, Math.max(0, delayMs));
    const timer: ChainedTimer = { current: undefined };
    chainedTimers.add(timer);
    startChainedTimer(timer, callback, Date.now() + delayMs);
    return timer;
  },
  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "object" && chainedTimers.has(handle)) {
      const timer = handle as ChainedTimer;
      if (timer.current !== undefined) globalThis.clearTimeout(timer.current);
      timer.current = undefined;
      return;
    }
    globalThis.clearTimeout(handle as NativeClearArgument);
  },
});
