/**
 * Every stable error code a PELBIOT package may throw. Codes are never renamed outside a major release,
 * so callers can branch on `error.code` safely. The `details` keys shared by every package are typed in
 * `PelbiotErrorDetails`.
 *
 * | code | meaning |
 * | --- | --- |
 * | `VALIDATION_ERROR` | An argument or option was malformed; `issues` lists each problem with its path. |
 * | `NOT_FOUND` | The named record (device, webhook, dashboard, …) does not exist; `details.id` names it. |
 * | `MODEL_NOT_FOUND` | A model was used before it was trained or loaded. |
 * | `INSUFFICIENT_DATA` | Too few data points for the requested computation; `details` are `{ got, need }`. |
 * | `CONFLICT` | A concurrent change won, or the record already exists. |
 * | `LIMIT_EXCEEDED` | A configured limit (size, count, rate) was reached; `details` are `{ limit, got }`. |
 * | `PROVIDER_ERROR` | A third-party provider rejected or failed the request. |
 * | `INTEGRITY_ERROR` | Stored or received data failed an integrity check (MAC, signature, checksum). |
 * | `CONFIGURATION_ERROR` | The object was constructed with settings that cannot work together. |
 * | `STORAGE_ERROR` | The storage adapter failed to read or write. |
 * | `TIMEOUT` | An operation ran past its deadline. |
 * | `ABORTED` | The caller aborted the operation through an `AbortSignal`. |
 * | `RETRY_EXHAUSTED` | Every retry attempt failed; `cause` holds the last failure. |
 * | `UNSUPPORTED` | The runtime, an optional module or the provider lacks what the call needs, or a snapshot or remote config is newer than this release reads. |
 * | `INTERNAL_ERROR` | An unexpected failure; `cause` holds the original value. |
 */
export const PELBIOT_ERROR_CODES = [
  "VALIDATION_ERROR",
  "NOT_FOUND",
  "MODEL_NOT_FOUND",
  "INSUFFICIENT_DATA",
  "CONFLICT",
  "LIMIT_EXCEEDED",
  "PROVIDER_ERROR",
  "INTEGRITY_ERROR",
  "CONFIGURATION_ERROR",
  "STORAGE_ERROR",
  "TIMEOUT",
  "ABORTED",
  "RETRY_EXHAUSTED",
  "UNSUPPORTED",
  "INTERNAL_ERROR",
] as const;

/** The union of every stable error code; see {@link PELBIOT_ERROR_CODES}. */
export type PelbiotErrorCode = (typeof PELBIOT_ERROR_CODES)[number];

/**
 * Whether a value is one of the stable error codes.
 *
 * @param value - Anything.
 * @returns `true` when `value` is a {@link PelbiotErrorCode}.
 */
export function isPelbiotErrorCode(value: unknown): value is PelbiotErrorCode {
  return typeof value === "string" && (PELBIOT_ERROR_CODES as readonly string[]).includes(value);
}
