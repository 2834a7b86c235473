import { PelbiotError } from "../errors/pelbiot-error";

/**
 * Builds the error every PELBIOT operation rejects with when its `AbortSignal` fires: code `ABORTED`, with the
 * signal's `reason` as `cause` so callers can tell a user cancel from, say, `AbortSignal.timeout()`.
 *
 * @param signal - The signal that aborted.
 * @returns A PELBIOT error with code `ABORTED`.
 * @example
 * ```ts
 * signal.addEventListener("abort", () => reject(createAbortError(signal)), { once: true });
 * ```
 */
export function createAbortError(signal: AbortSignal): PelbiotError {
  const reason: unknown = signal.reason;
  const detail = reason instanceof Error && reason.message ? `: ${reason.message}` : "";
  return new PelbiotError("ABORTED", `The operation was aborted${detail}`, { cause: reason });
}

/**
 * Throws {@link createAbortError} when `signal` has already aborted; does nothing for `undefined`.
 *
 * @param signal - An optional signal.
 * @throws {PelbiotError} ABORTED when the signal has aborted.
 * @example
 * ```ts
 * throwIfAborted(options.signal); // before starting costly work
 * ```
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw createAbortError(signal);
}

/**
 * Whether a value behaves like an `AbortSignal`. Checked by shape rather than `instanceof`, so signals from another
 * realm or a polyfill are accepted too.
 *
 * @param value - Anything, typically an injected `signal` option.
 * @returns `true` when `value` has a boolean `aborted` and event-listener methods.
 * @example
 * ```ts
 * isAbortSignal(new AbortController().signal); // true
 * ```
 */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown };
  return (
    typeof candidate.aborted === "boolean" &&
    typeof candidate.addEventListener === "function" &&
    typeof candidate.removeEventListener === "function"
  );
}
