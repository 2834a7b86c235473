import type { MoneyInput } from "./money";

/**
 * Where a payment stands. `created` → (`requires_action` →) `authorized` → `captured` → `partially_refunded` →
 * `refunded`; `processing` while the provider is still working; `canceled` and `failed` are final.
 * With automatic capture (the default) a successful confirmation goes straight to `captured`.
 */
export type PaymentStatus =
  | "created"
  | "requires_action"
  | "processing"
  | "authorized"
  | "captured"
  | "partially_refunded"
  | "refunded"
  | "canceled"
  | "failed";

/** Every {@link PaymentStatus}, in lifecycle order. */
export const PAYMENT_STATUSES: readonly PaymentStatus[] = Object.freeze([
  "created",
  "requires_action",
  "processing",
  "authorized",
  "captured",
  "partially_refunded",
  "refunded",
  "canceled",
  "failed",
]);

/**
 * A provider failure in one vocabulary for every provider; the provider's own code is kept in `providerCode`.
 * `provider_error` covers anything not in the list.
 */
export type PaymentFailureCode =
  | "card_declined"
  | "insufficient_funds"
  | "authentication_required"
  | "rate_limited"
  | "provider_unavailable"
  | "invalid_request"
  | "idempotency_conflict"
  | "authentication_failed"
  | "provider_error";

/** Why a payment or refund failed. */
export type PaymentFailure = {
  /** The normalised reason. */
  readonly code: PaymentFailureCode;
  /** The provider's own code (`card_declined`, `INSTRUMENT_DECLINED`, …), or `null`. */
  readonly providerCode: string | null;
  /** A human message from the provider, never holding secrets. */
  readonly message: string;
};

/** What the customer still has to do, when a payment is `requires_action`. */
export type PaymentNextAction = {
  /** `authenticate`: confirm again with an authentication code; `redirect`: send the customer to `url`. */
  readonly type: "authenticate" | "redirect";
  /** Where to send the customer (PayPal approval, Stripe 3-D Secure page), or `null`. */
  readonly url: string | null;
};

/** One refund in a payment's ledger. */
export type PaymentRefund = {
  /** Our refund id. */
  readonly id: string;
  /** Minor units refunded. */
  readonly amountMinor: number;
  /** The same amount as a decimal string in the payment's currency (`"50.00"`). */
  readonly amount: string;
  /** Why the refund was made, as given by the caller, or `null`. */
  readonly reason: string | null;
  /**
   * `pending` while the provider call runs (or after an uncertain failure, until a repeat with the same
   * `idempotencyKey` finishes it); its amount stays reserved. A refund the provider accepted but still processes is
   * `succeeded`: the money is committed. `failed` refunds release their amount.
   */
  readonly status: "pending" | "succeeded" | "failed";
  /** The provider's refund id, once known. */
  readonly providerRefundId: string | null;
  /** The idempotency key sent to the provider; the same on every retry. */
  readonly idempotencyKey: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Why it failed, for `failed` refunds. */
  readonly failure: PaymentFailure | null;
};

/** A payment as {@link PaymentGatewayIntegration} keeps it: plain JSON, safe to log, track or send as a webhook. */
export type Payment = {
  /** Our payment id (`pay_…`). */
  readonly id: string;
  /** The provider name (`sandbox`, `stripe`, `paypal` or a custom provider's name). */
  readonly provider: string;
  /** `false` for the in-process sandbox: nothing was charged outside this process. */
  readonly external: boolean;
  /** The provider's id (PaymentIntent `pi_…`, PayPal order id), once created there. */
  readonly providerPaymentId: string | null;
  /** Where the payment stands. */
  readonly status: PaymentStatus;
  /** Upper-case ISO 4217 code. */
  readonly currency: string;
  /** The amount in minor units (9999 for 99.99 USD). */
  readonly amountMinor: number;
  /** The amount as a decimal string (`"99.99"`). */
  readonly amount: string;
  /** Minor units captured so far (0 until captured). */
  readonly capturedMinor: number;
  /** Minor units refunded so far (succeeded refunds only); never more than `capturedMinor`. */
  readonly refundedMinor: number;
  /** The payment method as given (`credit_card`, a sandbox test card, a Stripe `pm_…` id). */
  readonly method: string;
  /** `automatic` captures on confirmation; `manual` stops at `authorized` until {@link PaymentGatewayIntegration.capturePayment}. */
  readonly captureMethod: "automatic" | "manual";
  /** Free text, or `null`. */
  readonly description: string | null;
  /** Caller's string metadata, sent to the provider where it supports it. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The caller's idempotency key, or `null`. */
  readonly idempotencyKey: string | null;
  /** What the customer must do next, for `requires_action`. */
  readonly nextAction: PaymentNextAction | null;
  /** Why the last provider call failed, or `null`. */
  readonly failure: PaymentFailure | null;
  /** The refund ledger, oldest first. */
  readonly refunds: PaymentRefund[];
  /** Provider-specific ids needed for later calls (PayPal capture id). */
  readonly providerData: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds of the last change. */
  readonly updatedAt: number;
};

/** What {@link PaymentGatewayIntegration.createPayment} takes; the guide's `{ amount, currency, method }` works as is. */
export interface CreatePaymentInput {
  /** A positive amount: `99.99`, `"99.99"` or `{ minor: 9999 }`; never more decimals than the currency has. */
  readonly amount: MoneyInput;
  /** An ISO 4217 code with a minor unit (any case). */
  readonly currency: string;
  /**
   * The payment method: `credit_card` (sandbox: succeeds), a sandbox test card (see `SANDBOX_TEST_CARDS`), a Stripe
   * PaymentMethod id (`pm_…`), or `paypal`.
   * @default "credit_card"
   */
  readonly method?: string | undefined;
  /** `automatic` (default) captures on confirmation; `manual` stops at `authorized`. */
  readonly captureMethod?: "automatic" | "manual" | undefined;
  /** Free text shown on the provider's dashboard. */
  readonly description?: string | undefined;
  /** Up to 20 string values, each key at most 40 characters, each value at most 500 (Stripe's limits). */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /**
   * Makes the call safe to repeat: a second call with the same key returns the same payment id and makes no second
   * provider request; the same key with different parameters is a `CONFLICT`.
   */
  readonly idempotencyKey?: string | undefined;
}

/** Options of {@link PaymentGatewayIntegration.refundPayment}. */
export interface RefundPaymentOptions {
  /**
   * Makes the refund safe to repeat: a second call with the same key returns the first refund and never refunds
   * twice. Without it, every call is a new refund.
   */
  readonly idempotencyKey?: string | undefined;
}

/** What a Stripe webhook did to the payments (see {@link PaymentGatewayIntegration.handleStripeWebhook}). */
export interface StripeWebhookResult {
  /** The Stripe event id (`evt_…`). */
  readonly eventId: string;
  /** The Stripe event type (`payment_intent.succeeded`, …). */
  readonly type: string;
  /** `true` when this event id was handled before; nothing changed then. */
  readonly duplicate: boolean;
  /** The payment the event changed, or `null` when it names none of ours or the type is not one we act on. */
  readonly payment: Payment | null;
}

/**
 * Events of {@link PaymentGatewayIntegration}, named like the webhook events they usually feed
 * (`payment.confirmed` → `webhooks.triggerWebhook("payment.confirmed", payment)`).
 */
export interface PaymentGatewayIntegrationEvents {
  /** A payment was created (at the provider, too). */
  "payment.created": [payment: Payment];
  /** A confirmation succeeded: the payment is `authorized` or `captured`. */
  "payment.confirmed": [payment: Payment];
  /** The payment needs the customer (3-D Secure, PayPal approval). */
  "payment.requires_action": [payment: Payment];
  /** A manual capture succeeded. */
  "payment.captured": [payment: Payment];
  /** The payment was canceled. */
  "payment.canceled": [payment: Payment];
  /** The provider declined or failed the payment. */
  "payment.failed": [payment: Payment, failure: PaymentFailure];
  /** A refund succeeded. */
  "payment.refunded": [payment: Payment, refund: PaymentRefund];
  /** A refund failed; its amount was released back to the refundable balance. */
  "refund.failed": [payment: Payment, refund: PaymentRefund];
}
