import { type Clock, PelbiotError, retry } from "@pelbiot/core";
import { failure, providerError } from "./payment-provider";

/** One HTTP request to a provider. */
export interface ProviderRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** A provider's answer, body parsed as JSON when it is JSON. */
export interface ProviderResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

/** How one provider talks HTTP. */
export interface ProviderHttp {
  readonly provider: string;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  readonly random: () => number;
  /** Provider's retry rule for an answer: `true` to retry, with an optional server-asked wait. */
  readonly shouldRetry: (response: ProviderResponse) => boolean;
  /** The wait before retry `attempt` (1-based), from the provider's published backoff. */
  readonly backoffMs: (attempt: number, random: () => number) => number;
  /** Turns a non-2xx answer into a `PROVIDER_ERROR`. */
  readonly toError: (response: ProviderResponse, retryable: boolean) => PelbiotError;
}

/**
 * Sends a request with a deadline on the injected clock, retrying by the provider's rules with the same headers
 * (so the same idempotency key) on every attempt.
 *
 * @param http - The provider's HTTP settings.
 * @param request - The request; its headers are re-sent unchanged on every retry.
 * @returns The 2xx response.
 * @throws {PelbiotError} PROVIDER_ERROR with the normalised failure (and `RETRY_EXHAUSTED` never leaks: the last
 *   provider error is thrown).
 */
export async function sendProviderRequest(http: ProviderHttp, request: ProviderRequest): Promise<ProviderResponse> {
  try {
    return await retry(() => attempt(http, request), {
      clock: http.clock,
      maxAttempts: http.maxRetries + 1,
      random: http.random,
      shouldRetry: (error, attemptNumber) => {
        const retryable = PelbiotError.is(error) && (error.details as { retryable?: unknown })?.retryable === true;
        return retryable ? { retry: true, delayMs: http.backoffMs(attemptNumber, http.random) } : { retry: false };
      },
    });
  } catch (error) {
    if (PelbiotError.is(error, "RETRY_EXHAUSTED") && PelbiotError.is(error.cause)) throw error.cause;
    throw error;
  }
}

async function attempt(http: ProviderHttp, request: ProviderRequest): Promise<ProviderResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = http.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, http.requestTimeoutMs);
  try {
    const response = await http.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
      redirect: "error",
    });
    const text = await response.text();
    const answer: ProviderResponse = {
      status: response.status,
      headers: response.headers,
      body: parseJson(text),
      text,
    };
    if (response.status >= 200 && response.status < 300) return answer;
    throw http.toError(answer, http.shouldRetry(answer));
  } catch (error) {
    if (PelbiotError.is(error)) throw error;
    const reason = timedOut
      ? failure("provider_unavailable", "timeout", `No answer within ${http.requestTimeoutMs} ms.`)
      : failure("provider_unavailable", "network_error", `Could not reach ${http.provider}.`);
    throw providerError(http.provider, reason, { retryable: true, cause: error });
  } finally {
    http.clock.clearTimeout(timer);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Reads a field of an unknown JSON object.
 *
 * @param value - Anything.
 * @param key - The field.
 * @returns The field's value, or `undefined`.
 */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Reads a string field.
 *
 * @param value - Anything.
 * @param key - The field.
 * @returns The string, or `null`.
 */
export function stringField(value: unknown, key: string): string | null {
  const found = field(value, key);
  return typeof found === "string" ? found : null;
}

/**
 * The `PROVIDER_ERROR` for a 2xx answer that is not the object we asked for.
 *
 * @param provider - The provider name.
 * @param what - What was expected.
 * @returns The error.
 */
export function malformedAnswer(provider: string, what: string): PelbiotError {
  return providerError(provider, failure("provider_error", null, `${provider} answered without ${what}.`));
}
