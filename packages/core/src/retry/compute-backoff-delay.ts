import type { Validator } from "../validation/validator";
import { createValidator } from "../validation/validator";

/** How the wait between attempts grows; shared by {@link retry} and {@link computeBackoffDelay}. */
export interface BackoffOptions {
  /**
   * The ceiling of the first wait, in milliseconds; later ceilings grow by {@link BackoffOptions.multiplier}.
   * @default 200
   */
  initialDelayMs?: number | undefined;
  /**
   * The largest wait computed by backoff, in milliseconds. Server-requested waits (`Retry-After`) are not capped by
   * it; see {@link RetryOptions}.
   * @default 30_000
   */
  maxDelayMs?: number | undefined;
  /**
   * The factor by which the ceiling grows per attempt; `1` gives a constant ceiling.
   * @default 2
   */
  multiplier?: number | undefined;
  /**
   * `"full"` draws each wait uniformly from zero to the ceiling ("full jitter"), which spreads out clients that
   * failed together so they do not retry in lockstep; `"none"` waits exactly the ceiling.
   * @default "full"
   */
  jitter?: "full" | "none" | undefined;
}

/** The defaults of {@link BackoffOptions}, in one place. */
export const BACKOFF_DEFAULTS = Object.freeze({
  /** The wait before the second attempt, in milliseconds. */
  initialDelayMs: 200,
  /** The longest wait between attempts, in milliseconds. */
  maxDelayMs: 30_000,
  /** Each wait's ceiling is the previous one's times this. */
  multiplier: 2,
  /** Full jitter: a uniform wait between 0 and the ceiling. */
  jitter: "full",
} as const satisfies Required<BackoffOptions>);

/**
 * Records every issue of a {@link BackoffOptions} object in `check`, under `path`.
 *
 * @param check - The validator collecting issues.
 * @param path - The dot-path of the options object, e.g. `options`.
 * @param options - The options to check; must already be known to be an object.
 * @returns Nothing; read `check.issues` or call `check.done()`.
 * @example
 * ```ts
 * const check = createValidator("schedule");
 * checkBackoffOptions(check, "options.backoff", options.backoff);
 * check.done();
 * ```
 */
export function checkBackoffOptions(check: Validator, path: string, options: Record<string, unknown>): void {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = options;
  if (initialDelayMs !== undefined) check.number(`${path}.initialDelayMs`, initialDelayMs, { min: 0 });
  if (maxDelayMs !== undefined) check.number(`${path}.maxDelayMs`, maxDelayMs, { min: 0 });
  if (multiplier !== undefined) check.number(`${path}.multiplier`, multiplier, { min: 1 });
  if (jitter !== undefined) check.oneOf(`${path}.jitter`, jitter, ["full", "none"]);
}

/**
 * Computes the wait after a failed attempt with capped exponential backoff: the ceiling is
 * `min(maxDelayMs, initialDelayMs × multiplier^(attempt − 1))`, and with full jitter the wait is drawn uniformly
 * from `[0, ceiling]`. Results are whole milliseconds.
 *
 * @param attempt - The attempt that just failed, counting from 1.
 * @param options - Backoff settings; omitted fields take {@link BACKOFF_DEFAULTS}.
 * @param random - A source of uniform numbers in `[0, 1)`, injectable for tests.
 * @returns The wait in milliseconds, an integer within `[0, ceiling]`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed or `random()` leaves `[0, 1]`.
 * @example
 * ```ts
 * computeBackoffDelay(3, { jitter: "none" }); // 800: 200 × 2²
 * computeBackoffDelay(3, {}, () => 0.5); // 400: half of the 800 ceiling
 * ```
 */
export function computeBackoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const check = createValidator("computeBackoffDelay");
  check.number("attempt", attempt, { integer: true, min: 1 });
  if (check.object("options", options)) checkBackoffOptions(check, "options", { ...options });
  check.fn("random", random);
  check.done();

  const {
    initialDelayMs = BACKOFF_DEFAULTS.initialDelayMs,
    maxDelayMs = BACKOFF_DEFAULTS.maxDelayMs,
    multiplier = BACKOFF_DEFAULTS.multiplier,
    jitter = BACKOFF_DEFAULTS.jitter,
  } = options;

  // For large attempts the power overflows to Infinity, which `Math.min` caps; only 0 × Infinity needs a guard.
  const exponential = initialDelayMs === 0 ? 0 : initialDelayMs * multiplier ** (attempt - 1);
  const ceiling = Math.min(maxDelayMs, exponential);
  if (jitter === "none") return Math.floor(ceiling);

  const sample = random();
  if (typeof sample !== "number" || !(sample >= 0 && sample <= 1)) {
    const randomCheck = createValidator("computeBackoffDelay");
    randomCheck.fail("random", `must return a number in [0, 1), got ${String(sample)}`);
    randomCheck.done();
  }
  return Math.floor(sample * ceiling);
}
