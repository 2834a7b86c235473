/**
 * The message of a caught value, for an error message, a log entry or a delivery's `lastError`: an `Error`'s own
 * message, or the value as text when something other than an `Error` was thrown.
 *
 * @param error - Whatever was caught.
 * @returns A one-line description.
 * @example
 * ```ts
 * describeError(new Error("socket hang up")); // "socket hang up"
 * describeError("plain text"); // "plain text"
 * ```
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
