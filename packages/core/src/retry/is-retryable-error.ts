import type { PelbiotErrorCode } from "../errors/error-codes";
import { PelbiotError } from "../errors/pelbiot-error";

// Failures that another attempt cannot fix: the input, the setup, the data or the runtime would have to change
// first. RETRY_EXHAUSTED is here too, so nested retries do not multiply their attempts.
const NON_RETRYABLE_CODES: ReadonlySet<PelbiotErrorCode> = new Set<PelbiotErrorCode>([
  "VALIDATION_ERROR",
  "CONFIGURATION_ERROR",
  "ABORTED",
  "NOT_FOUND",
  "INTEGRITY_ERROR",
  "UNSUPPORTED",
  "RETRY_EXHAUSTED",
]);

// Programming errors: another attempt runs the same broken code. ReferenceError, SyntaxError and RangeError are
// always final; TypeError is final unless it is how a runtime's fetch reports a network failure.
const PROGRAMMING_ERRORS: ReadonlySet<string> = new Set(["TypeError", "RangeError", "ReferenceError", "SyntaxError"]);
// Node (undici) says "fetch failed" with a cause; Chromium "Failed to fetch"; Firefox "NetworkError when attempting
// to fetch resource."; Safari "Load failed"; React Native "Network request failed".
const FETCH_NETWORK_FAILURE =
  /^(fetch failed|failed to fetch|networkerror when attempting to fetch|load failed|network request failed)/i;

function isProgrammingError(error: unknown): boolean {
  if (!(error instanceof Error) || !PROGRAMMING_ERRORS.has(error.name)) return false;
  if (error.name !== "TypeError") return true;
  return !FETCH_NETWORK_FAILURE.test(error.message);
}

// Reads a hint from the error itself or, for PELBIOT errors, from its `details`.
function readHint(error: unknown, key: "retryable" | "retryAfterMs"): unknown {
  if (typeof error !== "object" || error === null) return undefined;
  const own = (error as Record<string, unknown>)[key];
  if (own !== undefined) return own;
  const details = (error as { details?: unknown }).details;
  return typeof details === "object" && details !== null ? (details as Record<string, unknown>)[key] : undefined;
}

/**
 * The default retry policy of {@link retry}. An explicit boolean `retryable` on the error (or in a PELBIOT error's
 * `details`) decides first, so an integration can mark, say, an HTTP 400 as final. Otherwise PELBIOT errors with
 * code `VALIDATION_ERROR`, `CONFIGURATION_ERROR`, `ABORTED`, `NOT_FOUND`, `INTEGRITY_ERROR`, `UNSUPPORTED` or
 * `RETRY_EXHAUSTED`, any `AbortError`, and programming errors (`TypeError`, `RangeError`, `ReferenceError`,
 * `SyntaxError`; except the `TypeError` a runtime's `fetch` throws for a network failure) are final, and everything
 * else (network failures, timeouts, provider errors, unknown throws) is worth another attempt.
 *
 * @param error - Anything an operation threw.
 * @returns `true` when another attempt might succeed.
 * @example
 * ```ts
 * retry(send, { shouldRetry: (error) => isRetryableError(error) && !isPaymentDeclined(error) });
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  const retryable = readHint(error, "retryable");
  if (typeof retryable === "boolean") return retryable;
  if (PelbiotError.is(error)) return !NON_RETRYABLE_CODES.has(error.code);
  // DOMException is not an Error subclass in every runtime, so the name is checked by shape.
  if (typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError") return false;
  return !isProgrammingError(error);
}

/**
 * Reads a server-requested wait from an error: a `retryAfterMs` property on the error itself or in a PELBIOT
 * error's `details`, as set by integrations that parsed a `Retry-After` header with {@link parseRetryAfter}.
 *
 * @param error - Anything an operation threw.
 * @returns The wait in milliseconds, or `undefined` when the error carries no valid (finite, non-negative) hint.
 * @example
 * ```ts
 * const error = new PelbiotError("PROVIDER_ERROR", "Rate limited", { details: { retryAfterMs: 2_000 } });
 * getRetryAfterMs(error); // 2000
 * ```
 */
export function getRetryAfterMs(error: unknown): number | undefined {
  const value = readHint(error, "retryAfterMs");
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
