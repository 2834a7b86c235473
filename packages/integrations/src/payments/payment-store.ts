import { createHash } from "node:crypto";
import { createJsonStore, type JsonStore, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import type { StoredPayment } from "./payment-state";

/** Maps a caller's idempotency key to the payment it created. */
export interface IdempotencyClaim {
  readonly paymentId: string;
  readonly fingerprint: string;
}

/** The stores of one {@link PaymentGatewayIntegration}, all over the one adapter. */
export interface PaymentStore {
  /** Payments by our id: `<keyPrefix>payments:<id>`. */
  readonly payments: JsonStore<StoredPayment>;
  /** Caller idempotency keys (hashed, so any string is a valid storage key): `<keyPrefix>idempotency:<sha256>`. */
  readonly claims: JsonStore<IdempotencyClaim>;
  /** Provider id → our id, for webhooks: `<keyPrefix>provider-ids:<provider>:<id>`. */
  readonly providerIds: JsonStore<{ readonly paymentId: string }>;
  /** Webhook event ids already handled: `<keyPrefix>webhook-events:<sha256>`. */
  readonly webhookEvents: JsonStore<{ readonly handledAt: number }>;
  /** Reads a payment or throws `NOT_FOUND` naming the method. */
  require(paymentId: string, method: string): Promise<StoredPayment>;
}

/**
 * Hashes a caller-supplied key into a fixed-length storage key.
 *
 * @param value - Any string.
 * @returns 64 hex characters.
 */
export function hashKey(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/**
 * Opens the stores.
 *
 * @param storage - The adapter.
 * @param keyPrefix - The prefix of every key.
 * @returns The stores.
 */
export function createPaymentStore(storage: StorageAdapter, keyPrefix: string): PaymentStore {
  const payments = createJsonStore<StoredPayment>(storage, { prefix: `${keyPrefix}payments:` });
  return {
    payments,
    claims: createJsonStore<IdempotencyClaim>(storage, { prefix: `${keyPrefix}idempotency:` }),
    providerIds: createJsonStore(storage, { prefix: `${keyPrefix}provider-ids:` }),
    webhookEvents: createJsonStore(storage, { prefix: `${keyPrefix}webhook-events:` }),
    async require(paymentId, method) {
      const payment = await payments.get(paymentId);
      if (payment === undefined) throw paymentNotFound(paymentId, method);
      return payment;
    },
  };
}

/**
 * The `NOT_FOUND` error for an unknown payment id.
 *
 * @param paymentId - The id.
 * @param method - The public method name.
 * @returns The error.
 */
export function paymentNotFound(paymentId: string, method: string): PelbiotError {
  return new PelbiotError(
    "NOT_FOUND",
    `PaymentGatewayIntegration.${method}: no payment "${paymentId}"; pass an id returned by createPayment.`,
    { details: { id: paymentId } },
  );
}
