/**
 * An opaque handle returned by {@link Clock.setTimeout} and accepted by {@link Clock.clearTimeout}. Deliberately
 * wide: browsers hand out numbers, Node hands out `Timeout` objects and a manual clock hands out its own tokens.
 */
export type TimerHandle = number | object;

/**
 * The source of time for every PELBIOT class. Inject {@link createManualClock} in tests so retries, backoff, TTLs and
 * schedules run without sleeping; the default is {@link systemClock}.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Runs `callback` after `delayMs` milliseconds. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Whether a value implements {@link Clock}: an object with `now`, `setTimeout` and `clearTimeout` functions.
 *
 * @param value - Anything, typically an injected `clock` option.
 * @returns `true` when `value` can be used as a clock.
 * @example
 * ```ts
 * isClock(systemClock); // true
 * isClock(Date); // false: Date has `now` but no timers
 * ```
 */
export function isClock(value: unknown): value is Clock {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof Clock, unknown>>;
  return (
    typeof candidate.now === "function" &&
    typeof candidate.setTimeout === "function" &&
    typeof candidate.clearTimeout === "function"
  );
}
