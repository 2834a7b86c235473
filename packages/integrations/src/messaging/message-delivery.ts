import { createJsonStore, type JsonStore, PelbiotError, retry, sleep, toPelbiotError } from "@pelbiot/core";
import type { ChosenProvider } from "./message-composer";
import type { ResolvedMessagingIntegrationOptions } from "./messaging-integration-options";
import type { MessageRecord, OutgoingMessage, ProviderReceipt } from "./messaging-integration-types";
import { failureOutcome } from "./provider-failure";
import { createTokenBucket, type TokenBucket } from "./token-bucket";

/** What a delivery reports back. */
export interface DeliveryOutcome {
  readonly receipt: ProviderReceipt;
  readonly attempts: number;
}

/** Sends messages through providers with per-provider rate limits and safe retries, and keeps their records. */
export class MessageDelivery {
  readonly #options: ResolvedMessagingIntegrationOptions;
  readonly #buckets = new Map<string, TokenBucket>();
  /** Message records by our id. */
  readonly records: JsonStore<MessageRecord>;
  /** Our id by `<provider name>:<provider message id>`, for status callbacks. */
  readonly providerIds: JsonStore<string>;

  constructor(options: ResolvedMessagingIntegrationOptions) {
    this.#options = options;
    this.records = createJsonStore<MessageRecord>(options.storage, { prefix: `${options.keyPrefix}messages:` });
    this.providerIds = createJsonStore<string>(options.storage, { prefix: `${options.keyPrefix}provider-ids:` });
  }

  /**
   * Sends one message. Each attempt first waits for the provider's rate limit; a failed attempt is repeated only when
   * the provider surely did not take the message (`details.outcome: "not_sent"`, `retryable: true`), after a
   * backoff or the provider's `Retry-After`.
   *
   * @param chosen - The provider.
   * @param message - The message.
   * @param onAttempt - Told the number of each attempt as it starts.
   * @returns The provider's receipt and the attempt count.
   * @throws {PelbiotError} the provider's failure, `LIMIT_EXCEEDED` for the rate limit, or `RETRY_EXHAUSTED`.
   */
  async send(
    chosen: ChosenProvider,
    message: OutgoingMessage,
    onAttempt: (attempt: number) => void,
  ): Promise<DeliveryOutcome> {
    const { clock, maxAttempts, retryDelayMs, maxRateLimitWaitMs } = this.#options;
    const bucket = this.#bucket(chosen);
    let attempts = 0;
    const receipt = await retry(
      async ({ attempt, signal }) => {
        attempts = attempt;
        onAttempt(attempt);
        const waitMs = bucket?.reserve(maxRateLimitWaitMs) ?? 0;
        if (waitMs > 0) await sleep(waitMs, { clock, signal });
        try {
          return await chosen.provider.send(message, { signal, attempt });
        } catch (error) {
          throw asProviderError(error, chosen.provider.kind);
        }
      },
      {
        maxAttempts,
        clock,
        initialDelayMs: retryDelayMs,
        maxDelayMs: 5_000,
        shouldRetry: (error) =>
          failureOutcome(error) === "not_sent" && PelbiotError.is(error) && error.details?.retryable === true,
      },
    );
    return { receipt: checkReceipt(receipt, chosen.provider.kind), attempts };
  }

  #bucket(chosen: ChosenProvider): TokenBucket | undefined {
    const limit = chosen.provider.rateLimit;
    if (limit === undefined) return undefined;
    let bucket = this.#buckets.get(chosen.name);
    if (bucket === undefined) {
      bucket = createTokenBucket(chosen.name, limit, this.#options.clock);
      this.#buckets.set(chosen.name, bucket);
    }
    return bucket;
  }
}

// A custom provider may throw anything; what it did not classify is treated as possibly sent, so never retried.
function asProviderError(error: unknown, kind: string): PelbiotError {
  if (PelbiotError.is(error)) return error;
  const wrapped = toPelbiotError(error, "PROVIDER_ERROR");
  return new PelbiotError(
    wrapped.code,
    `MessagingIntegration.sendMessage: provider ${kind} failed: ${wrapped.message}`,
    {
      cause: error,
      details: { provider: kind, outcome: "unknown", retryable: false },
    },
  );
}

function checkReceipt(receipt: unknown, kind: string): ProviderReceipt {
  const { providerMessageId, status } = (receipt ?? {}) as Partial<ProviderReceipt>;
  if (typeof providerMessageId === "string" && providerMessageId !== "" && typeof status === "string") {
    return { providerMessageId, status };
  }
  throw new PelbiotError(
    "PROVIDER_ERROR",
    `MessagingIntegration.sendMessage: provider ${kind} returned no receipt ({ providerMessageId, status }); the message may have been sent.`,
    { details: { provider: kind, outcome: "unknown", retryable: false } },
  );
}
