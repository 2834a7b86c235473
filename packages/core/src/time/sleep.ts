import { createValidator } from "../validation/validator";
import { type Clock, isClock } from "./clock";
import { createAbortError, isAbortSignal } from "./create-abort-error";
import { systemClock } from "./system-clock";

/** Options of {@link sleep}. */
export interface SleepOptions {
  /**
   * The clock whose timer measures the wait; inject a manual clock in tests.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /** Cancels the wait: the promise rejects with `ABORTED` and the timer is cleared. */
  signal?: AbortSignal | undefined;
}

/**
 * Waits `ms` milliseconds on the given clock. Cleans up after itself: once the promise settles, neither the timer
 * nor the abort listener is left behind.
 *
 * @param ms - How long to wait, a finite number of milliseconds; negative values wait zero.
 * @param options - The clock and an optional abort signal.
 * @returns A promise that resolves after the wait.
 * @throws {PelbiotValidationError} VALIDATION_ERROR (as a rejection) when `ms` or an option is malformed.
 * @throws {PelbiotError} ABORTED (as a rejection) when the signal aborts before or during the wait; `cause` is
 * `signal.reason`.
 * @example
 * ```ts
 * const controller = new AbortController();
 * await sleep(500, { signal: controller.signal });
 * ```
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = createValidator("sleep");
    check.number("ms", ms);
    if (check.object("options", options)) {
      const { clock, signal } = options;
      if (clock !== undefined) {
        check.check(isClock(clock), "options.clock", "must be a Clock (now, setTimeout, clearTimeout)");
      }
      if (signal !== undefined) check.check(isAbortSignal(signal), "options.signal", "must be an AbortSignal");
    }
    check.done();

    const { clock = systemClock, signal } = options;
    const delayMs = Math.max(0, ms);
    if (signal === undefined) {
      clock.setTimeout(resolve, delayMs);
      return;
    }
    if (signal.aborted) {
      reject(createAbortError(signal));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(createAbortError(signal));
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
