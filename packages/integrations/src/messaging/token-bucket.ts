import { type Clock, PelbiotError, type PelbiotErrorDetailsOf, type Validator } from "@pelbiot/core";

/** A token-bucket rate limit: up to `capacity` sends at once, then `refillPerSecond` sends per second. */
export interface RateLimit {
  /** The burst size: how many sends may go out back to back after a quiet spell. */
  readonly capacity: number;
  /** The sustained rate, in sends per second (fractions allowed: 0.5 is one send every two seconds). */
  readonly refillPerSecond: number;
}

/** A token bucket on a {@link Clock}; reservations queue fairly, first come first served. */
export interface TokenBucket {
  /**
   * Takes one token, possibly from the future: returns how long the caller must wait before sending (0 when a token
   * was there).
   *
   * @throws {PelbiotError} LIMIT_EXCEEDED when the wait would pass `maxWaitMs`; nothing is taken then.
   */
  reserve(maxWaitMs: number): number;
}

/**
 * Creates a token bucket that starts full. Tokens may go below zero: each reservation past the burst waits for its
 * own refill, so N callers queued at once are spaced 1/rate apart.
 *
 * @param name - The provider the bucket limits, for messages.
 * @param limit - Capacity and refill rate.
 * @param clock - The clock that measures refills.
 * @returns The bucket.
 */
export function createTokenBucket(name: string, limit: RateLimit, clock: Clock): TokenBucket {
  let tokens = limit.capacity;
  let updatedAt = clock.now();
  const refill = (): void => {
    const now = clock.now();
    // A clock set backwards must not drain the bucket, so negative elapsed time counts as none.
    const elapsedMs = Math.max(0, now - updatedAt);
    tokens = Math.min(limit.capacity, tokens + (elapsedMs / 1000) * limit.refillPerSecond);
    updatedAt = now;
  };
  return {
    reserve(maxWaitMs) {
      refill();
      const after = tokens - 1;
      const waitMs = after >= 0 ? 0 : Math.ceil((-after / limit.refillPerSecond) * 1000);
      if (waitMs > maxWaitMs) {
        const details = {
          limit: limit.capacity,
          got: Math.ceil(limit.capacity - after),
          provider: name,
          waitMs,
          maxWaitMs,
        } satisfies PelbiotErrorDetailsOf<"LIMIT_EXCEEDED">;
        throw new PelbiotError(
          "LIMIT_EXCEEDED",
          `MessagingIntegration.sendMessage: the rate limit of provider "${name}" (${limit.capacity} at once, ` +
            `${limit.refillPerSecond}/s) would delay this message by ${waitMs} ms, more than maxRateLimitWaitMs ` +
            `(${maxWaitMs} ms). Send more slowly or raise the limit.`,
          { details },
        );
      }
      tokens = after;
      return waitMs;
    },
  };
}

/**
 * Validates a {@link RateLimit}.
 *
 * @param check - The validator to report to.
 * @param path - The option's path.
 * @param value - The value given.
 */
export function checkRateLimit(check: Validator, path: string, value: unknown): void {
  if (check.object(path, value) && check.knownKeys(path, value, ["capacity", "refillPerSecond"])) {
    check.number(`${path}.capacity`, value.capacity, { integer: true, min: 1 });
    check.number(`${path}.refillPerSecond`, value.refillPerSecond, { positive: true });
  }
}
