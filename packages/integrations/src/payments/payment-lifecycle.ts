import { type Clock, createKeyedMutex, type KeyedMutex, type Logger, PelbiotError, uuidv7 } from "@pelbiot/core";
import type { Payment, PaymentFailure, PaymentRefund, PaymentStatus } from "./payment-gateway-integration-types";
import { applyProviderState, type StoredPayment, toPublicPayment } from "./payment-state";
import { hashKey, type PaymentStore, paymentNotFound } from "./payment-store";
import {
  failureOf,
  type PaymentProvider,
  type ProviderPaymentReference,
  type ProviderPaymentState,
} from "./providers/payment-provider";

/** What the engine tells the façade, which turns it into events. */
export interface LifecycleListener {
  changed(before: StoredPayment | undefined, after: StoredPayment, failure: PaymentFailure | undefined): void;
  refunded(before: StoredPayment | undefined, after: StoredPayment, refund: PaymentRefund): void;
}

/** A checked `createPayment` input. */
export interface CheckedCreate {
  readonly amountMinor: number;
  readonly amount: string;
  readonly currency: string;
  readonly method: string;
  readonly captureMethod: "automatic" | "manual";
  readonly description: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly idempotencyKey: string | null;
}

/** The shared parts every operation needs. */
export interface PaymentRuntime {
  readonly store: PaymentStore;
  readonly provider: PaymentProvider;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Serialises operations on one payment (or one idempotency key) inside this process. */
  readonly exclusive: KeyedMutex;
  readonly listener: LifecycleListener;
}

/**
 * Creates the runtime.
 *
 * @param parts - Store, provider, clock and listener.
 * @returns The runtime with a fresh keyed mutex.
 */
export function createPaymentRuntime(parts: Omit<PaymentRuntime, "exclusive">): PaymentRuntime {
  return { ...parts, exclusive: createKeyedMutex() };
}

/**
 * Turns a stored payment into the reference providers take.
 *
 * @param payment - A payment that exists at the provider.
 * @returns The reference.
 */
export function referenceOf(payment: StoredPayment): ProviderPaymentReference {
  return {
    paymentId: payment.id,
    providerPaymentId: payment.providerPaymentId ?? "",
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    method: payment.method,
    providerData: payment.providerData,
  };
}

/**
 * Creates a payment, or returns the one an earlier call with the same idempotency key created. The claim on the key
 * and the payment record are written before the provider is called; the provider key is derived from our payment
 * id, so a repeat after a crash re-sends the same key and the provider returns the same object.
 *
 * @param runtime - The runtime.
 * @param input - The checked input.
 * @returns The payment id.
 */
export async function createPayment(runtime: PaymentRuntime, input: CheckedCreate): Promise<string> {
  const fingerprint = JSON.stringify([
    input.amountMinor,
    input.currency,
    input.method,
    input.captureMethod,
    input.description,
    Object.entries(input.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  if (input.idempotencyKey === null) {
    const paymentId = newPaymentId(runtime.clock);
    await writeNewPayment(runtime, paymentId, input, fingerprint);
    return createAtProvider(runtime, paymentId);
  }
  const claimKey = hashKey(input.idempotencyKey);
  return runtime.exclusive(`claim:${claimKey}`, async () => {
    const paymentId = newPaymentId(runtime.clock);
    const { claims } = runtime.store;
    const claimed = await claims.setIfAbsent(claimKey, { paymentId, fingerprint });
    const claim = claimed ? { paymentId, fingerprint } : await claims.get(claimKey);
    if (claim === undefined) throw new PelbiotError("CONFLICT", "createPayment: the idempotency claim vanished.");
    if (claim.fingerprint !== fingerprint) {
      throw new PelbiotError(
        "CONFLICT",
        "PaymentGatewayIntegration.createPayment: idempotencyKey was already used with different parameters; use a new key for a new payment.",
        { details: { paymentId: claim.paymentId } },
      );
    }
    const existing = await runtime.store.payments.get(claim.paymentId);
    if (existing === undefined) await writeNewPayment(runtime, claim.paymentId, input, fingerprint);
    else if (existing.providerPaymentId !== null) return existing.id;
    return createAtProvider(runtime, claim.paymentId);
  });
}

function newPaymentId(clock: Clock): string {
  return `pay_${uuidv7({ clock }).replaceAll("-", "")}`;
}

async function writeNewPayment(
  runtime: PaymentRuntime,
  paymentId: string,
  input: CheckedCreate,
  fingerprint: string,
): Promise<void> {
  const now = runtime.clock.now();
  const payment: StoredPayment = {
    id: paymentId,
    provider: runtime.provider.name,
    external: runtime.provider.external,
    providerPaymentId: null,
    status: "created",
    currency: input.currency,
    amountMinor: input.amountMinor,
    amount: input.amount,
    capturedMinor: 0,
    refundedMinor: 0,
    method: input.method,
    captureMethod: input.captureMethod,
    description: input.description,
    metadata: input.metadata,
    idempotencyKey: input.idempotencyKey,
    nextAction: null,
    failure: null,
    refunds: [],
    providerData: {},
    createdAt: now,
    updatedAt: now,
    fingerprint,
    operationCount: 0,
    pending: null,
  };
  // Another process holding the same idempotency claim may have written it first; its record wins.
  await runtime.store.payments.setIfAbsent(paymentId, payment);
}

async function createAtProvider(runtime: PaymentRuntime, paymentId: string): Promise<string> {
  const alreadyCreated = (payment: StoredPayment) => payment.providerPaymentId !== null;
  await runOperation(runtime, paymentId, "create", ["created"], alreadyCreated, (payment, context) =>
    runtime.provider.createPayment(
      {
        paymentId,
        amountMinor: payment.amountMinor,
        amount: payment.amount,
        currency: payment.currency,
        method: payment.method,
        captureMethod: payment.captureMethod,
        description: payment.description,
        metadata: payment.metadata,
      },
      context,
    ),
  );
  return paymentId;
}

/**
 * Runs one provider operation on a payment under the payment's lock: checks the status, persists the derived
 * idempotency key as `pending` before the call (a repeat of an interrupted operation reuses it), applies the
 * provider's answer, and records a decline as `failed`.
 *
 * @param runtime - The runtime.
 * @param paymentId - Our payment id.
 * @param operation - `create`, `confirm`, `capture` or `cancel`.
 * @param allowed - Statuses the operation may start from.
 * @param call - The provider call.
 * @returns The payment after the operation.
 */
export async function runOperation(
  runtime: PaymentRuntime,
  paymentId: string,
  operation: string,
  allowed: readonly PaymentStatus[],
  alreadyDone: ((payment: StoredPayment) => boolean) | null,
  call: (payment: StoredPayment, context: { idempotencyKey: string }) => Promise<ProviderPaymentState>,
): Promise<Payment> {
  return runtime.exclusive(`payment:${paymentId}`, async () => {
    const { payments } = runtime.store;
    let idempotencyKey = "";
    let done = false;
    const before = await payments.get(paymentId);
    if (before === undefined) throw paymentNotFound(paymentId, `${operation}Payment`);
    const started = await payments.update(paymentId, (current) => {
      if (current === undefined) throw paymentNotFound(paymentId, `${operation}Payment`);
      // Another process finished this operation while we waited: never call the provider a second time.
      done = alreadyDone?.(current) ?? false;
      if (done) return current;
      if (!allowed.includes(current.status)) throw wrongStatus(current, operation, allowed);
      if (current.pending?.operation === operation) {
        idempotencyKey = current.pending.idempotencyKey;
        return current;
      }
      const count = current.operationCount + 1;
      idempotencyKey = `${paymentId}-${operation}-${count}`;
      return { ...current, operationCount: count, pending: { operation, idempotencyKey } };
    });
    if (started === undefined) throw paymentNotFound(paymentId, `${operation}Payment`);
    if (done) return toPublicPayment(started);
    let state: ProviderPaymentState;
    try {
      state = await call(started, { idempotencyKey });
    } catch (error) {
      await recordFailure(runtime, started, error);
      throw error;
    }
    const after = await payments.update(paymentId, (current) =>
      current === undefined ? current : applyProviderState(current, state, runtime.clock.now()),
    );
    if (after === undefined) throw paymentNotFound(paymentId, `${operation}Payment`);
    if (after.providerPaymentId !== null && before.providerPaymentId === null) {
      await runtime.store.providerIds.set(`${after.provider}:${hashKey(after.providerPaymentId)}`, { paymentId });
    }
    runtime.listener.changed(before, after, undefined);
    return toPublicPayment(after);
  });
}

// Final answers about the payment method. `authentication_required` is not among them: the customer can still act
// (PayPal's ORDER_NOT_APPROVED before the payer approved), so the payment keeps its status.
const DECLINES: ReadonlySet<string> = new Set(["card_declined", "insufficient_funds", "authentication_failed"]);

// A decline (the provider answered with a final failure) fails the payment; an uncertain failure (timeout, 5xx after
// every retry) leaves it as it was, with `pending` kept so the next attempt re-sends the same idempotency key.
async function recordFailure(runtime: PaymentRuntime, before: StoredPayment, error: unknown): Promise<void> {
  const reason = failureOf(error);
  if (reason === undefined) return;
  const retryable = PelbiotError.is(error) ? (error.details as { retryable?: unknown } | undefined)?.retryable : true;
  const final = retryable === false;
  const declined = final && DECLINES.has(reason.code);
  const after = await runtime.store.payments.update(before.id, (current) => {
    if (current === undefined) return current;
    const base = { ...current, failure: reason, updatedAt: runtime.clock.now() };
    if (declined) return { ...base, status: "failed" as const, pending: null, nextAction: null };
    return final ? { ...base, pending: null } : base;
  });
  if (after !== undefined) runtime.listener.changed(before, after, declined ? reason : undefined);
}

/**
 * The `CONFLICT` error for an operation the payment's status does not allow.
 *
 * @param payment - The payment.
 * @param operation - The operation name.
 * @param allowed - Statuses that would allow it.
 * @returns The error.
 */
export function wrongStatus(
  payment: StoredPayment,
  operation: string,
  allowed: readonly PaymentStatus[],
): PelbiotError {
  return new PelbiotError(
    "CONFLICT",
    `PaymentGatewayIntegration.${operation}Payment: payment "${payment.id}" is ${payment.status}; ${operation} needs one of ${allowed.join(", ")}.`,
    { details: { id: payment.id, status: payment.status } },
  );
}

/**
 * Reads a payment in its public form.
 *
 * @param runtime - The runtime.
 * @param paymentId - The id.
 * @returns The payment.
 */
export async function readPayment(runtime: PaymentRuntime, paymentId: string): Promise<Payment> {
  return toPublicPayment(await runtime.store.require(paymentId, "getPayment"));
}
