import type { Payment, PaymentRefund, PaymentStatus } from "./payment-gateway-integration-types";
import type { ProviderPaymentState } from "./providers/payment-provider";

/** A payment as stored: the public record plus what the engine needs to resume an interrupted call. */
export interface StoredPayment extends Payment {
  /** Canonical JSON of the creation parameters, compared when an idempotency key is reused. */
  readonly fingerprint: string;
  /** How many provider operations were started; numbers the derived idempotency keys. */
  readonly operationCount: number;
  /** The provider call in flight (persisted before it starts), so a repeat after a crash re-sends the same key. */
  readonly pending: { readonly operation: string; readonly idempotencyKey: string } | null;
}

// Which status may follow which. Provider reports and webhooks may arrive late or twice; a move that is not listed
// here (captured → authorized, refunded → captured) is ignored rather than applied.
const NEXT: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  created: ["requires_action", "processing", "authorized", "captured", "canceled", "failed"],
  requires_action: ["processing", "authorized", "captured", "canceled", "failed"],
  processing: ["requires_action", "authorized", "captured", "canceled", "failed"],
  authorized: ["captured", "canceled", "failed"],
  captured: ["partially_refunded", "refunded"],
  partially_refunded: ["refunded"],
  refunded: [],
  canceled: [],
  failed: [],
};

/**
 * Whether a payment may move from one status to another.
 *
 * @param from - The current status.
 * @param to - The proposed status.
 * @returns `true` for a listed forward move or no move at all.
 */
export function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

/**
 * Applies what the provider reported, keeping the refund ledger and never moving backwards.
 *
 * @param payment - The stored payment.
 * @param state - The provider's view.
 * @param now - Epoch milliseconds.
 * @returns The updated payment (the same object when nothing may change).
 */
export function applyProviderState(payment: StoredPayment, state: ProviderPaymentState, now: number): StoredPayment {
  const status = canMove(payment.status, state.status) ? state.status : payment.status;
  return {
    ...payment,
    providerPaymentId: state.providerPaymentId === "" ? payment.providerPaymentId : state.providerPaymentId,
    status,
    capturedMinor: Math.max(payment.capturedMinor, status === "captured" ? state.capturedMinor : 0),
    nextAction: status === "requires_action" ? state.nextAction : null,
    failure: state.failure ?? (status === "failed" ? payment.failure : null),
    providerData: { ...payment.providerData, ...state.providerData },
    pending: null,
    updatedAt: now,
  };
}

/**
 * Sums the minor units that are refunded or reserved by a refund still in flight.
 *
 * @param refunds - The ledger.
 * @returns Succeeded plus pending minor units.
 */
export function committedRefundMinor(refunds: readonly PaymentRefund[]): number {
  let total = 0;
  for (const refund of refunds) if (refund.status !== "failed") total += refund.amountMinor;
  return total;
}

/**
 * The status that matches the ledger of a captured payment.
 *
 * @param capturedMinor - Minor units captured.
 * @param refundedMinor - Minor units refunded (succeeded only).
 * @returns `captured`, `partially_refunded` or `refunded`.
 */
export function refundStatus(capturedMinor: number, refundedMinor: number): PaymentStatus {
  if (refundedMinor === 0) return "captured";
  return refundedMinor >= capturedMinor ? "refunded" : "partially_refunded";
}

/**
 * Removes the engine's private fields.
 *
 * @param stored - The stored payment.
 * @returns The public, frozen-shape record.
 */
export function toPublicPayment(stored: StoredPayment): Payment {
  const { fingerprint: _fingerprint, operationCount: _count, pending: _pending, ...payment } = stored;
  return payment;
}

/** Statuses from which a payment can be confirmed. */
export const CONFIRMABLE: readonly PaymentStatus[] = ["created", "requires_action", "processing"];
/** Statuses that mean a confirmation already succeeded. */
export const CONFIRMED: readonly PaymentStatus[] = ["authorized", "captured", "partially_refunded", "refunded"];
/** Statuses a refund can start from. */
export const REFUNDABLE: readonly PaymentStatus[] = ["captured", "partially_refunded"];
/** Statuses a cancel can start from. */
export const CANCELABLE: readonly PaymentStatus[] = ["created", "requires_action", "processing", "authorized"];
