import { PelbiotError } from "@pelbiot/core";
import { ISO_4217_EXPONENTS } from "./currency-exponents";
import { minorToDecimal } from "./money";
import type { PaymentRefund, StripeWebhookResult } from "./payment-gateway-integration-types";
import type { PaymentRuntime } from "./payment-lifecycle";
import { applyProviderState, committedRefundMinor, refundStatus, toPublicPayment } from "./payment-state";
import { hashKey } from "./payment-store";
import { failure, type ProviderPaymentState } from "./providers/payment-provider";
import { field, stringField } from "./providers/provider-http";

// The PaymentIntent status each event type reports.
const INTENT_EVENTS: Readonly<Record<string, ProviderPaymentState["status"]>> = {
  "payment_intent.succeeded": "captured",
  "payment_intent.amount_capturable_updated": "authorized",
  "payment_intent.payment_failed": "failed",
  "payment_intent.canceled": "canceled",
  "payment_intent.requires_action": "requires_action",
  "payment_intent.processing": "processing",
};

/**
 * Applies a verified Stripe event once: event ids are remembered after they were applied, so a redelivery changes
 * nothing; state moves only forward (a late `payment_intent.succeeded` never undoes a refund).
 *
 * @param runtime - The runtime.
 * @param rawBody - The verified body.
 * @returns What happened.
 * @throws {PelbiotError} VALIDATION_ERROR when the body is not a Stripe event.
 */
export async function applyStripeEvent(runtime: PaymentRuntime, rawBody: string): Promise<StripeWebhookResult> {
  let event: unknown;
  try {
    event = JSON.parse(rawBody);
  } catch (error) {
    throw notAnEvent("the body is not JSON", error);
  }
  const eventId = stringField(event, "id");
  const type = stringField(event, "type");
  const object = field(field(event, "data"), "object");
  if (eventId === null || type === null || typeof object !== "object" || object === null) {
    throw notAnEvent("expected { id, type, data: { object } }");
  }
  return runtime.exclusive(`stripe-event:${eventId}`, async () => {
    const seenKey = hashKey(`stripe:${eventId}`);
    if ((await runtime.store.webhookEvents.get(seenKey)) !== undefined) {
      return { eventId, type, duplicate: true, payment: null };
    }
    const intentId = type.startsWith("charge.") ? stringField(object, "payment_intent") : stringField(object, "id");
    const link = intentId === null ? undefined : await runtime.store.providerIds.get(`stripe:${hashKey(intentId)}`);
    let payment: StripeWebhookResult["payment"] = null;
    if (link !== undefined) {
      payment = await runtime.exclusive(`payment:${link.paymentId}`, () =>
        apply(runtime, link.paymentId, eventId, type, object),
      );
    } else if (intentId !== null) {
      runtime.logger.warn("Stripe webhook names no known payment", { eventId, type });
    }
    await runtime.store.webhookEvents.set(seenKey, { handledAt: runtime.clock.now() });
    return { eventId, type, duplicate: false, payment };
  });
}

async function apply(
  runtime: PaymentRuntime,
  paymentId: string,
  eventId: string,
  type: string,
  object: object,
): Promise<StripeWebhookResult["payment"]> {
  const status = INTENT_EVENTS[type];
  const before = await runtime.store.payments.get(paymentId);
  if (before === undefined) return null;
  const now = runtime.clock.now();
  const after = await runtime.store.payments.update(paymentId, (current) => {
    if (current === undefined) return current;
    if (status !== undefined) {
      const received = field(object, "amount_received");
      const lastError = field(object, "last_payment_error");
      const state: ProviderPaymentState = {
        providerPaymentId: current.providerPaymentId ?? "",
        status,
        capturedMinor: typeof received === "number" && Number.isSafeInteger(received) ? received : 0,
        nextAction: status === "requires_action" ? { type: "authenticate", url: null } : null,
        failure:
          lastError == null
            ? null
            : failure(
                stringField(lastError, "code") === "insufficient_funds" ? "insufficient_funds" : "card_declined",
                stringField(lastError, "decline_code") ?? stringField(lastError, "code"),
                stringField(lastError, "message") ?? "The payment failed.",
              ),
      };
      return { ...applyProviderState(current, state, now), pending: current.pending };
    }
    if (type === "charge.refunded") {
      // A refund made outside this library (the Stripe dashboard) still counts against the capture.
      const refunded = field(object, "amount_refunded");
      // Our own refunds, settled or still in flight, are already in the ledger; only the rest came from outside.
      const committed = committedRefundMinor(current.refunds);
      if (typeof refunded !== "number" || !Number.isSafeInteger(refunded) || refunded <= committed) return current;
      // Recorded in the ledger like our own refunds, so Σ ledger = refundedMinor and later reservations count it.
      const extra = Math.min(refunded, current.capturedMinor) - committed;
      const refundedMinor = current.refundedMinor + extra;
      const outside: PaymentRefund = {
        id: `re_outside_${hashKey(eventId).slice(0, 24)}`,
        amountMinor: extra,
        amount: minorToDecimal(extra, ISO_4217_EXPONENTS[current.currency] ?? 0),
        reason: "refunded at Stripe",
        status: "succeeded",
        providerRefundId: null,
        idempotencyKey: `${current.id}-stripe-${eventId}`,
        createdAt: now,
        failure: null,
      };
      return {
        ...current,
        refunds: [...current.refunds, outside],
        refundedMinor,
        status: refundStatus(current.capturedMinor, refundedMinor),
        updatedAt: now,
      };
    }
    return current;
  });
  if (after === undefined) return null;
  runtime.listener.changed(before, after, after.status === "failed" ? (after.failure ?? undefined) : undefined);
  return toPublicPayment(after);
}

function notAnEvent(what: string, cause?: unknown): PelbiotError {
  return new PelbiotError("VALIDATION_ERROR", `PaymentGatewayIntegration.handleStripeWebhook: ${what}.`, { cause });
}
