import { type Clock, PelbiotError, retry } from "@pelbiot/core";
import type { PushRetryOptions } from "./push-notification-manager-options";
import {
  DELIVERY_STATUSES,
  type PushMessage,
  type PushTransport,
  type TransportOutcome,
} from "./push-notification-manager-types";

/** The last outcome of a delivery and how many attempts it took. */
export interface DeliveryAttempts {
  readonly outcome: TransportOutcome;
  readonly attempts: number;
}

const NEVER_ABORTED = new AbortController().signal;
const RETRIED: ReadonlySet<TransportOutcome["status"]> = new Set(["transient", "rate_limited"]);

/**
 * Sends one message through core's `retry`: `transient` and `rate_limited` outcomes are retried with backoff, and a
 * provider's `Retry-After` (the outcome's `retryAfterMs`) replaces the computed wait. When retrying gives up (too many
 * attempts, or a wait that would pass `maxElapsedMs`) the last outcome is returned as it is, `retryAfterMs` included,
 * so the caller can schedule a later try. A transport that throws counts as a `transient` outcome.
 *
 * @returns The final outcome; never rejects.
 */
export async function deliverWithRetry(
  transport: PushTransport,
  message: PushMessage,
  options: Readonly<Required<PushRetryOptions>>,
  clock: Clock,
): Promise<DeliveryAttempts> {
  // The first attempt runs outside retry(): most deliveries settle on it, and they skip the retry machinery.
  const first = await sendOnce(transport, message, NEVER_ABORTED);
  if (!RETRIED.has(first.status) || options.maxAttempts === 1) return { outcome: first, attempts: 1 };
  let last: TransportOutcome = first;
  let attempts = 0;
  try {
    const outcome = await retry(
      async ({ attempt, signal }) => {
        attempts = attempt;
        last = attempt === 1 ? first : await sendOnce(transport, message, signal);
        if (!RETRIED.has(last.status)) return last;
        throw new PelbiotError("PROVIDER_ERROR", `${transport.name}: ${last.status} (${last.reason ?? "no reason"})`, {
          details: { retryable: true, retryAfterMs: last.retryAfterMs },
        });
      },
      {
        maxAttempts: options.maxAttempts,
        initialDelayMs: options.initialDelayMs,
        maxDelayMs: options.maxDelayMs,
        maxElapsedMs: options.maxElapsedMs,
        clock,
      },
    );
    return { outcome, attempts };
  } catch {
    // Retrying gave up: the last outcome says why.
    return { outcome: last, attempts };
  }
}

async function sendOnce(
  transport: PushTransport,
  message: PushMessage,
  signal: AbortSignal,
): Promise<TransportOutcome> {
  try {
    const outcome: unknown = await transport.send(message, signal);
    if (isOutcome(outcome)) return outcome;
    return { status: "transient", reason: `transport ${transport.name} returned no valid outcome` };
  } catch (error) {
    return { status: "transient", reason: error instanceof Error ? error.message : String(error) };
  }
}

function isOutcome(value: unknown): value is TransportOutcome {
  if (typeof value !== "object" || value === null) return false;
  const { status, retryAfterMs } = value as { status?: unknown; retryAfterMs?: unknown };
  const waitOk =
    retryAfterMs === undefined ||
    (typeof retryAfterMs === "number" && Number.isFinite(retryAfterMs) && retryAfterMs >= 0);
  return (DELIVERY_STATUSES as readonly unknown[]).includes(status) && waitOk;
}
