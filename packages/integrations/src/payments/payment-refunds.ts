import { PelbiotError, type PelbiotErrorDetailsOf, uuidv7 } from "@pelbiot/core";
import { ISO_4217_EXPONENTS } from "./currency-exponents";
import { minorToDecimal } from "./money";
import type { PaymentFailure, PaymentRefund } from "./payment-gateway-integration-types";
import { type PaymentRuntime, referenceOf, wrongStatus } from "./payment-lifecycle";
import { committedRefundMinor, REFUNDABLE, refundStatus, type StoredPayment } from "./payment-state";
import { hashKey, paymentNotFound } from "./payment-store";
import { failureOf, providerError } from "./providers/payment-provider";

/** A checked refund request; `amountMinor` `null` refunds whatever is left. */
export interface CheckedRefund {
  readonly paymentId: string;
  readonly amountMinor: number | null;
  readonly reason: string | null;
  readonly idempotencyKey: string | null;
}

/**
 * Refunds part or all of a captured payment. The amount is reserved in the ledger with compare-and-set before the
 * provider is called, counting refunds still in flight, so Σ refunds ≤ captured holds under concurrent calls from
 * any number of processes sharing the storage. The provider key is derived from the payment and the refund's place
 * in the ledger (or the caller's key) and persisted with the reservation; an uncertain failure keeps the reservation
 * and the key, and a repeat with the same `idempotencyKey` finishes it without ever refunding twice.
 *
 * @param runtime - The runtime.
 * @param request - The checked request.
 * @returns The refund, `succeeded` (also when the provider accepted it and is still processing it).
 */
export async function refundPayment(runtime: PaymentRuntime, request: CheckedRefund): Promise<PaymentRefund> {
  return runtime.exclusive(`payment:${request.paymentId}`, async () => {
    const reserved = await reserve(runtime, request);
    const { payment, refund } = reserved;
    if (refund.status === "succeeded") return refund;
    if (refund.status === "failed") throw refundFailed(payment, refund.failure);
    let result: Awaited<ReturnType<typeof runtime.provider.refundPayment>>;
    try {
      result = await runtime.provider.refundPayment(
        referenceOf(payment),
        { amountMinor: refund.amountMinor, amount: refund.amount, reason: refund.reason },
        { idempotencyKey: refund.idempotencyKey },
      );
    } catch (error) {
      const reason = failureOf(error);
      const final = PelbiotError.is(error) && (error.details as { retryable?: unknown })?.retryable === false;
      if (reason !== undefined && final) await settle(runtime, payment.id, refund.id, "failed", null, reason);
      throw error;
    }
    const status = result.status === "failed" ? "failed" : "succeeded";
    const settled = await settle(runtime, payment.id, refund.id, status, result.providerRefundId, result.failure);
    if (status === "failed") throw refundFailed(payment, result.failure);
    return settled;
  });
}

async function reserve(
  runtime: PaymentRuntime,
  request: CheckedRefund,
): Promise<{ payment: StoredPayment; refund: PaymentRefund }> {
  const refundId = `re_${uuidv7({ clock: runtime.clock }).replaceAll("-", "")}`;
  const now = runtime.clock.now();
  let refund: PaymentRefund | undefined;
  const payment = await runtime.store.payments.update(request.paymentId, (current) => {
    if (current === undefined) throw paymentNotFound(request.paymentId, "refundPayment");
    const callerKey =
      request.idempotencyKey === null ? null : `${current.id}-refund-${hashKey(request.idempotencyKey)}`;
    const earlier =
      callerKey === null ? undefined : current.refunds.find((entry) => entry.idempotencyKey === callerKey);
    if (earlier !== undefined) {
      if (request.amountMinor !== null && earlier.amountMinor !== request.amountMinor) {
        throw new PelbiotError(
          "CONFLICT",
          `PaymentGatewayIntegration.refundPayment: idempotencyKey was already used for a refund of ${earlier.amount} ${current.currency}; use a new key for a new refund.`,
          { details: { id: current.id, refundId: earlier.id } },
        );
      }
      refund = earlier;
      return current;
    }
    // A fully refunded payment has nothing left: the same LIMIT_EXCEEDED a racing refund gets from the ledger, so the
    // caller sees one error whichever write won.
    if (!REFUNDABLE.includes(current.status) && current.status !== "refunded") {
      throw wrongStatus(current, "refund", REFUNDABLE);
    }
    const left = current.capturedMinor - committedRefundMinor(current.refunds);
    const amountMinor = request.amountMinor ?? left;
    if (amountMinor > left || amountMinor <= 0) {
      const exponent = ISO_4217_EXPONENTS[current.currency] ?? 0;
      const details = {
        limit: left,
        got: amountMinor,
        id: current.id,
      } satisfies PelbiotErrorDetailsOf<"LIMIT_EXCEEDED">;
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `PaymentGatewayIntegration.refundPayment: refunding ${minorToDecimal(amountMinor, exponent)} ${current.currency} would pass the captured amount; at most ${minorToDecimal(left, exponent)} ${current.currency} is left to refund.`,
        { details },
      );
    }
    refund = {
      id: refundId,
      amountMinor,
      amount: minorToDecimal(amountMinor, ISO_4217_EXPONENTS[current.currency] ?? 0),
      reason: request.reason,
      status: "pending",
      providerRefundId: null,
      idempotencyKey: callerKey ?? `${current.id}-refund-${current.refunds.length + 1}`,
      createdAt: now,
      failure: null,
    };
    return { ...current, refunds: [...current.refunds, refund], updatedAt: now };
  });
  if (payment === undefined || refund === undefined) throw paymentNotFound(request.paymentId, "refundPayment");
  return { payment, refund };
}

async function settle(
  runtime: PaymentRuntime,
  paymentId: string,
  refundId: string,
  status: "succeeded" | "failed",
  providerRefundId: string | null,
  reason: PaymentFailure | null,
): Promise<PaymentRefund> {
  let before: StoredPayment | undefined;
  let settled: PaymentRefund | undefined;
  const after = await runtime.store.payments.update(paymentId, (current) => {
    if (current === undefined) return current;
    before = current;
    const refunds = current.refunds.map((entry) => {
      if (entry.id !== refundId || entry.status !== "pending") return entry;
      settled = { ...entry, status, providerRefundId, failure: status === "failed" ? reason : null };
      return settled;
    });
    const refundedMinor = refunds.reduce(
      (sum, entry) => sum + (entry.status === "succeeded" ? entry.amountMinor : 0),
      0,
    );
    return {
      ...current,
      refunds,
      refundedMinor,
      status: refundStatus(current.capturedMinor, refundedMinor),
      updatedAt: runtime.clock.now(),
    };
  });
  const refund = settled ?? after?.refunds.find((entry) => entry.id === refundId);
  if (after === undefined || refund === undefined) throw paymentNotFound(paymentId, "refundPayment");
  if (settled !== undefined) runtime.listener.refunded(before, after, refund);
  return refund;
}

function refundFailed(payment: StoredPayment, reason: PaymentFailure | null): PelbiotError {
  return providerError(
    payment.provider,
    reason ?? { code: "provider_error", providerCode: null, message: "The refund failed." },
  );
}
