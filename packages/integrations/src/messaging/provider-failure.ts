import { PelbiotError, type PelbiotErrorCode } from "@pelbiot/core";
import type { ProviderFailureOutcome } from "./messaging-integration-types";

/** Extra `details` of a provider failure. */
export interface ProviderFailureDetails {
  /** The HTTP status or SMTP reply code, when there was one. */
  readonly status?: number | undefined;
  /** The provider's own error code (Twilio's `code`, nodemailer's `code`). */
  readonly providerCode?: string | number | undefined;
  /** The wait the provider asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** A link the provider gives for the error (Twilio's `more_info`). */
  readonly moreInfo?: string | undefined;
}

/**
 * Builds the error a provider's `send` throws. Only `not_sent` failures are marked `retryable: true` (and only when
 * `transient`), so `retry()` never repeats a request the provider may have acted on.
 *
 * @param provider - The provider kind.
 * @param outcome - Whether the message surely was not taken, was refused, or may have been taken.
 * @param message - What happened, for people.
 * @param options - Extra details, the cause, whether a `not_sent` failure is transient, and the code.
 * @returns The error.
 */
export function providerFailure(
  provider: string,
  outcome: ProviderFailureOutcome,
  message: string,
  options: {
    readonly details?: ProviderFailureDetails;
    readonly cause?: unknown;
    readonly transient?: boolean;
    readonly code?: PelbiotErrorCode;
  } = {},
): PelbiotError {
  const retryable = outcome === "not_sent" && options.transient !== false;
  return new PelbiotError(options.code ?? "PROVIDER_ERROR", message, {
    cause: options.cause,
    details: { provider, outcome, retryable, ...options.details },
  });
}

/**
 * Reads the outcome a provider failure carries.
 *
 * @param error - Anything a provider threw.
 * @returns The outcome, or `unknown` for anything that does not say.
 */
export function failureOutcome(error: unknown): ProviderFailureOutcome {
  if (!PelbiotError.is(error)) return "unknown";
  const outcome = error.details?.outcome;
  return outcome === "not_sent" || outcome === "rejected" ? outcome : "unknown";
}

// Codes Node and undici give when the connection was never made, so no byte of the request left the process.
const NOT_CONNECTED_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Whether a network error shows that the connection was never established (connection refused, DNS failure, no
 * route), looking through `cause` chains and the `errors` of an `AggregateError` (Node tries every address).
 *
 * @param error - A `fetch` or socket error.
 * @returns `true` only when every failure in it is a connect failure.
 */
export function isConnectFailure(error: unknown): boolean {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== "object" || value === null || depth > 5) return;
    const { code, cause, errors } = value as { code?: unknown; cause?: unknown; errors?: unknown };
    if (Array.isArray(errors) && errors.length > 0) {
      for (const inner of errors) visit(inner, depth + 1);
      return;
    }
    if (typeof code === "string") codes.push(code);
    visit(cause, depth + 1);
  };
  visit(error, 0);
  return codes.length > 0 && codes.every((code) => NOT_CONNECTED_CODES.has(code));
}
