import { PelbiotError } from "../errors/pelbiot-error";
import { type Clock, isClock } from "../time/clock";
import { isAbortSignal, throwIfAborted } from "../time/create-abort-error";
import { sleep } from "../time/sleep";
import { systemClock } from "../time/system-clock";
import { createValidator } from "../validation/validator";
import { type BackoffOptions, checkBackoffOptions, computeBackoffDelay } from "./compute-backoff-delay";
import { getRetryAfterMs, isRetryableError } from "./is-retryable-error";

/** What {@link retry} passes to each attempt. */
export interface RetryContext {
  /** The attempt number, counting from 1. */
  readonly attempt: number;
  /**
   * The caller's abort signal (or one that never aborts when none was given), to forward to `fetch` and similar
   * calls so an abort also cancels the attempt.
   */
  readonly signal: AbortSignal;
}

/**
 * A classifier's verdict on a failure. `delayMs` overrides the computed backoff, e.g. with a wait the server asked
 * for; like a `Retry-After` hint it is used as given, not capped by `maxDelayMs`, and stops retrying when it would
 * pass `maxElapsedMs`.
 */
export type RetryDecision =
  | {
      /** Give up: the error is final. */
      readonly retry: false;
    }
  | {
      /** Try again. */
      readonly retry: true;
      /** The wait before the next attempt in milliseconds, instead of the computed backoff. */
      readonly delayMs?: number | undefined;
    };

/**
 * Decides whether a failure is worth another attempt: `true`/`false`, or a {@link RetryDecision} with an explicit
 * wait. Receives the attempt that just failed, counting from 1.
 */
export type RetryClassifier = (error: unknown, attempt: number) => boolean | RetryDecision;

/** Called after a failed attempt, just before the wait for the next one; suited to logging and events. */
export type RetryListener = (error: unknown, attempt: number, delayMs: number) => void;

/** Options of {@link retry}. Backoff fields come from {@link BackoffOptions}. */
export interface RetryOptions extends BackoffOptions {
  /**
   * The most attempts, the first one included. `Infinity` retries until `maxElapsedMs` or `signal` stops it, and
   * requires one of them.
   * @default 5
   */
  maxAttempts?: number | undefined;
  /**
   * The total time budget in milliseconds, measured on `clock` from the call. Retrying stops, with
   * `RETRY_EXHAUSTED`, before any wait that would end at or after it, so no attempt starts past the budget. An
   * attempt already running is not interrupted; give the operation its own timeout for that. Unlimited by default.
   */
  maxElapsedMs?: number | undefined;
  /** Aborts retrying: during a wait, or before the next attempt, `retry` rejects with `ABORTED`. */
  signal?: AbortSignal | undefined;
  /**
   * The clock that measures waits and the time budget; inject a manual clock in tests.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /**
   * The source of uniform numbers in `[0, 1)` for jitter, injectable for deterministic tests.
   * @default Math.random
   */
  random?: (() => number) | undefined;
  /**
   * Decides which failures are retried; see {@link RetryClassifier}. When it says retry without a delay, a
   * `retryAfterMs` hint on the error (see {@link getRetryAfterMs}) is honoured before the computed backoff.
   * @default isRetryableError
   */
  shouldRetry?: RetryClassifier | undefined;
  /** Called before each wait with the failure, the failed attempt's number and the wait in milliseconds. */
  onRetry?: RetryListener | undefined;
}

/** Why {@link retry} gave up, as found in the `details.reason` of its `RETRY_EXHAUSTED` error. */
export type RetryExhaustedReason = "max-attempts" | "deadline";

const DEFAULT_MAX_ATTEMPTS = 5;

function validateRetryArguments(operation: unknown, options: unknown): void {
  const check = createValidator("retry");
  check.fn("operation", operation);
  if (check.object("options", options)) {
    const { maxAttempts, maxElapsedMs, signal, clock, random, shouldRetry, onRetry } = options;
    checkBackoffOptions(check, "options", options);
    if (maxAttempts === Number.POSITIVE_INFINITY) {
      check.check(
        maxElapsedMs !== undefined || signal !== undefined,
        "options.maxAttempts",
        "may be Infinity only together with maxElapsedMs or signal, which bound the retrying",
      );
    } else if (maxAttempts !== undefined) {
      check.number("options.maxAttempts", maxAttempts, { integer: true, min: 1 });
    }
    if (maxElapsedMs !== undefined) check.number("options.maxElapsedMs", maxElapsedMs, { min: 0 });
    if (signal !== undefined) check.check(isAbortSignal(signal), "options.signal", "must be an AbortSignal");
    if (clock !== undefined) {
      check.check(isClock(clock), "options.clock", "must be a Clock (now, setTimeout, clearTimeout)");
    }
    if (random !== undefined) check.fn("options.random", random);
    if (shouldRetry !== undefined) check.fn("options.shouldRetry", shouldRetry);
    if (onRetry !== undefined) check.fn("options.onRetry", onRetry);
  }
  check.done();
}

function toDecision(verdict: unknown): RetryDecision {
  if (typeof verdict === "boolean") return { retry: verdict };
  const check = createValidator("retry");
  if (check.object("shouldRetry()", verdict) && check.boolean("shouldRetry().retry", verdict.retry)) {
    if (verdict.retry && verdict.delayMs !== undefined) {
      check.number("shouldRetry().delayMs", verdict.delayMs, { min: 0 });
    }
  }
  check.done();
  return verdict as RetryDecision;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : Object.prototype.toString.call(error);
}

/**
 * Runs `operation` until it succeeds, retrying failures with capped exponential backoff and full jitter. The one
 * retry policy shared by webhooks, payments, messaging and push, so they back off alike.
 *
 * Outcomes: the first successful result; a non-retryable failure, rethrown as the very same object; `ABORTED` when
 * `signal` aborts before an attempt, during a wait or during a failing attempt; otherwise `RETRY_EXHAUSTED` with the
 * last failure as `cause` and `details` `{ attempts, reason, elapsedMs }`, where `reason` is `"max-attempts"` or
 * `"deadline"` (`maxElapsedMs`). Both limits share one code because both mean "retrying gave up"; `TIMEOUT` stays
 * free for an attempt that itself timed out, which then shows up as the `cause`.
 *
 * Waits requested by the failure (a `retryAfterMs` hint or a classifier's `delayMs`) are used as given, not capped by
 * `maxDelayMs`: retrying sooner than a server asked only earns another rejection. They are never allowed past
 * `maxElapsedMs`, so set it to bound them. An exception thrown by `shouldRetry` or `onRetry` stops retrying and
 * rejects with it.
 *
 * @param operation - The work to attempt; receives the attempt number and the caller's signal.
 * @param options - Attempt limits, backoff, time budget, signal, clock, classifier and listener.
 * @returns The operation's result.
 * @throws {PelbiotValidationError} VALIDATION_ERROR (as a rejection) listing every malformed option, before any
 * attempt; also when `shouldRetry` returns a malformed decision.
 * @throws {PelbiotError} ABORTED when the signal aborts; RETRY_EXHAUSTED when attempts or time run out.
 * @example
 * ```ts
 * const receipt = await retry(
 *   async ({ signal }) => {
 *     const response = await fetch(url, { method: "POST", body, signal });
 *     if (response.status === 429 || response.status >= 500) {
 *       const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
 *       throw new PelbiotError("PROVIDER_ERROR", `HTTP ${response.status}`, { details: { retryAfterMs } });
 *     }
 *     return response.json();
 *   },
 *   { maxAttempts: 6, maxElapsedMs: 60_000, signal, onRetry: (error, attempt, delayMs) => log.warn({ attempt, delayMs }) },
 * );
 * ```
 */
export async function retry<T>(
  operation: (context: RetryContext) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  validateRetryArguments(operation, options);
  const {
    maxAttempts = DEFAULT_MAX_ATTEMPTS,
    maxElapsedMs,
    signal,
    clock = systemClock,
    random = Math.random,
    shouldRetry = isRetryableError,
    onRetry,
  } = options;

  // Always hand attempts a signal, so `fetch(url, { signal })` type-checks without a guard.
  const attemptSignal = signal ?? new AbortController().signal;
  const startedAt = clock.now();
  const giveUp = (failure: unknown, attempts: number, reason: RetryExhaustedReason, extra: string): PelbiotError =>
    new PelbiotError(
      "RETRY_EXHAUSTED",
      `Gave up after ${attempts} attempt(s): ${extra}. Last failure: ${describeFailure(failure)}`,
      { cause: failure, details: { attempts, reason, elapsedMs: clock.now() - startedAt } },
    );

  for (let attempt = 1; ; attempt += 1) {
    throwIfAborted(signal);
    let failure: unknown;
    try {
      return await operation({ attempt, signal: attemptSignal });
    } catch (error) {
      failure = error;
    }
    // An attempt that failed because of the abort (e.g. fetch's AbortError) reports the abort, not itself.
    throwIfAborted(signal);

    const decision = toDecision(shouldRetry(failure, attempt));
    if (!decision.retry) throw failure;
    if (attempt >= maxAttempts) {
      throw giveUp(failure, attempt, "max-attempts", `maxAttempts (${maxAttempts}) reached`);
    }

    const delayMs = decision.delayMs ?? getRetryAfterMs(failure) ?? computeBackoffDelay(attempt, options, random);
    if (maxElapsedMs !== undefined && clock.now() - startedAt + delayMs >= maxElapsedMs) {
      throw giveUp(
        failure,
        attempt,
        "deadline",
        `waiting ${delayMs} ms more would reach maxElapsedMs (${maxElapsedMs} ms); raise it to allow more retries`,
      );
    }
    onRetry?.(failure, attempt, delayMs);
    await sleep(delayMs, signal === undefined ? { clock } : { clock, signal });
  }
}
