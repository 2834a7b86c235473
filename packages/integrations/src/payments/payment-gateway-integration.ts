import { createValidator, PelbiotError, TypedEventEmitter, toPelbiotError } from "@pelbiot/core";
import { checkAmount } from "./money";
import {
  type PaymentGatewayIntegrationOptions,
  type ResolvedPaymentGatewayOptions,
  resolvePaymentGatewayOptions,
} from "./payment-gateway-integration-options";
import type {
  CreatePaymentInput,
  Payment,
  PaymentFailure,
  PaymentGatewayIntegrationEvents,
  PaymentRefund,
  RefundPaymentOptions,
  StripeWebhookResult,
} from "./payment-gateway-integration-types";
import { checkCreateInput, checkOptionalText, checkPaymentId, checkRawBody, checkRefundOptions } from "./payment-input";
import {
  createPayment,
  createPaymentRuntime,
  type PaymentRuntime,
  readPayment,
  referenceOf,
  runOperation,
} from "./payment-lifecycle";
import { refundPayment } from "./payment-refunds";
import { CANCELABLE, CONFIRMABLE, CONFIRMED, type StoredPayment, toPublicPayment } from "./payment-state";
import { createPaymentStore } from "./payment-store";
import { applyStripeEvent } from "./stripe-webhook-events";
import { verifyStripeSignature } from "./stripe-webhook-signature";

export type { PaymentGatewayIntegrationOptions } from "./payment-gateway-integration-options";
// Every public type of the integration, so callers can import them next to the class.
export type * from "./payment-gateway-integration-types";

/**
 * Takes payments through one provider interface: the in-process sandbox by default (nothing is charged; every
 * payment says `external: false`), Stripe or PayPal when configured. Amounts are converted exactly to minor units
 * with the ISO 4217 exponent (99.99 USD → 9999; 1.5 JPY is an error), payments follow one state machine
 * (`created` → `requires_action` → `authorized` → `captured` → `partially_refunded` → `refunded`; `canceled`;
 * `failed`), every mutating provider call carries an idempotency key derived from the operation and persisted before
 * the call, and the refund ledger never lets Σ refunds pass the capture, also under concurrent calls from several
 * processes sharing one storage. Every call does I/O, so every call is awaited.
 *
 * @example
 * ```ts
 * const payment = new PaymentGatewayIntegration();
 * const paymentId = await payment.createPayment({ amount: 99.99, currency: "USD", method: "credit_card" });
 * await payment.confirmPayment(paymentId, "auth-code");
 * await payment.refundPayment(paymentId, 50.0, "Partial refund");
 * ```
 */
export class PaymentGatewayIntegration extends TypedEventEmitter<PaymentGatewayIntegrationEvents> {
  readonly #options: ResolvedPaymentGatewayOptions;
  readonly #runtime: PaymentRuntime;

  /**
   * Creates the integration; nothing is sent until a payment is created.
   *
   * @param options - Provider choice and credentials, storage, clock, logger, webhook secret.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option.
   * @throws {PelbiotError} CONFIGURATION_ERROR when Stripe or PayPal is named without credentials (unless
   *   `mockExternalAPIs` is `true`).
   */
  constructor(options: PaymentGatewayIntegrationOptions = {}) {
    super();
    this.#options = resolvePaymentGatewayOptions(options);
    const { provider, clock, logger, storage, keyPrefix } = this.#options;
    this.#runtime = createPaymentRuntime({
      store: createPaymentStore(storage, keyPrefix),
      provider,
      clock,
      logger,
      listener: {
        changed: (before, after, failure) => this.#reportChange(before, after, failure),
        refunded: (_before, after, refund) => {
          const payment = toPublicPayment(after);
          if (refund.status === "succeeded") this.emit("payment.refunded", payment, refund);
          else if (refund.status === "failed") this.emit("refund.failed", payment, refund);
        },
      },
    });
  }

  /** The provider's name (`sandbox`, `stripe`, `paypal`, …). */
  get providerName(): string {
    return this.#options.provider.name;
  }

  /** `false` for the in-process sandbox: payments are not delivered to any external provider. */
  get external(): boolean {
    return this.#options.provider.external;
  }

  /**
   * Creates a payment at the provider.
   *
   * @param input - `amount` (99.99, `"99.99"` or `{ minor: 9999 }`), `currency`, optional `method`, `captureMethod`,
   *   `description`, `metadata` and `idempotencyKey`.
   * @returns Our payment id; with an `idempotencyKey` used before, the id of that first payment (no new request).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad amount (more decimals than the currency has, zero,
   *   negative), an unknown currency or a malformed field; nothing is stored then.
   * @throws {PelbiotError} CONFLICT when the `idempotencyKey` was used with different parameters; PROVIDER_ERROR
   *   when the provider refuses or cannot be reached (a repeat with the same key resumes safely).
   * @example
   * ```ts
   * const id = await payment.createPayment({ amount: "1500", currency: "JPY", idempotencyKey: "order-42" });
   * ```
   */
  async createPayment(input: CreatePaymentInput): Promise<string> {
    const check = createValidator("PaymentGatewayIntegration.createPayment");
    const checked = checkCreateInput(check, input);
    check.done();
    return this.#guard(() => createPayment(this.#runtime, checked as NonNullable<typeof checked>));
  }

  /**
   * Confirms a payment: authorises it, and with automatic capture captures it. Confirming a payment that is already
   * confirmed returns it unchanged.
   *
   * @param paymentId - The id from `createPayment`.
   * @param authorization - Provider-specific: the sandbox's 3-D Secure code, a Stripe PaymentMethod id (`pm_…`).
   * @returns The payment, `authorized`, `captured` or `requires_action`.
   * @throws {PelbiotError} NOT_FOUND for an unknown id; CONFLICT when the payment is canceled or failed;
   *   PROVIDER_ERROR for a decline (the payment is then `failed` and `payment.failed` is emitted).
   * @example
   * ```ts
   * const confirmed = await payment.confirmPayment(paymentId, "auth-code");
   * ```
   */
  async confirmPayment(paymentId: string, authorization?: string): Promise<Payment> {
    const check = createValidator("PaymentGatewayIntegration.confirmPayment");
    checkPaymentId(check, paymentId);
    const code = checkOptionalText(check, "authorization", authorization);
    check.done();
    return this.#guard(async () => {
      const current = await this.#runtime.store.require(paymentId, "confirmPayment");
      if (CONFIRMED.includes(current.status)) return toPublicPayment(current);
      return runOperation(this.#runtime, paymentId, "confirm", CONFIRMABLE, isConfirmed, (payment, context) =>
        this.#runtime.provider.confirmPayment(referenceOf(payment), code, context),
      );
    });
  }

  /**
   * Captures an `authorized` payment (created with `captureMethod: "manual"`).
   *
   * @param paymentId - The payment id.
   * @param amount - How much to capture, at most the authorised amount; all of it when omitted.
   * @returns The `captured` payment.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed amount.
   * @throws {PelbiotError} NOT_FOUND, CONFLICT when not `authorized`, LIMIT_EXCEEDED above the authorised amount,
   *   PROVIDER_ERROR.
   * @example
   * ```ts
   * await payment.capturePayment(paymentId, 80);
   * ```
   */
  async capturePayment(paymentId: string, amount?: CreatePaymentInput["amount"]): Promise<Payment> {
    const check = createValidator("PaymentGatewayIntegration.capturePayment");
    checkPaymentId(check, paymentId);
    check.done();
    return this.#guard(async () => {
      const current = await this.#runtime.store.require(paymentId, "capturePayment");
      const minor = amount === undefined ? current.amountMinor : this.#checkAmount("capturePayment", amount, current);
      if (minor > current.amountMinor) {
        throw new PelbiotError(
          "LIMIT_EXCEEDED",
          `PaymentGatewayIntegration.capturePayment: cannot capture more than the ${current.amount} ${current.currency} authorised.`,
          { details: { limit: current.amountMinor, got: minor, id: paymentId } },
        );
      }
      return runOperation(this.#runtime, paymentId, "capture", ["authorized"], null, (payment, context) =>
        this.#runtime.provider.capturePayment(referenceOf(payment), minor, context),
      );
    });
  }

  /**
   * Cancels a payment that was not captured (to give money back after capture, refund it).
   *
   * @param paymentId - The payment id.
   * @returns The `canceled` payment.
   * @throws {PelbiotError} NOT_FOUND; CONFLICT when it is captured, refunded, failed or already canceled.
   * @example
   * ```ts
   * await payment.cancelPayment(paymentId);
   * ```
   */
  async cancelPayment(paymentId: string): Promise<Payment> {
    const check = createValidator("PaymentGatewayIntegration.cancelPayment");
    checkPaymentId(check, paymentId);
    check.done();
    return this.#guard(() =>
      runOperation(this.#runtime, paymentId, "cancel", CANCELABLE, null, (payment, context) =>
        payment.providerPaymentId === null
          ? Promise.resolve({
              providerPaymentId: "",
              status: "canceled",
              capturedMinor: 0,
              nextAction: null,
              failure: null,
            })
          : this.#runtime.provider.cancelPayment(referenceOf(payment), context),
      ),
    );
  }

  /**
   * Refunds part or all of a captured payment; repeated partial refunds are fine while Σ refunds ≤ captured.
   *
   * @param paymentId - The payment id.
   * @param amount - How much (`50.00`, `"50.00"`, `{ minor: 5000 }`); whatever is left when omitted.
   * @param reason - Why (kept in the ledger; Stripe's `duplicate`, `fraudulent`, `requested_by_customer` are also
   *   sent as Stripe's `reason`).
   * @param options - `idempotencyKey`: a repeat with the same key returns the first refund and never refunds twice.
   * @returns The refund from the ledger.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed amount (e.g. more decimals than the currency).
   * @throws {PelbiotError} NOT_FOUND; CONFLICT when the payment is not captured or the key was used for a different
   *   amount; LIMIT_EXCEEDED `{ limit, got }` when the refund would pass what is left; PROVIDER_ERROR.
   * @example
   * ```ts
   * await payment.refundPayment(paymentId, 50.0, "Partial refund", { idempotencyKey: "refund-order-42-1" });
   * ```
   */
  async refundPayment(
    paymentId: string,
    amount?: CreatePaymentInput["amount"],
    reason?: string,
    options?: RefundPaymentOptions,
  ): Promise<PaymentRefund> {
    const check = createValidator("PaymentGatewayIntegration.refundPayment");
    checkPaymentId(check, paymentId);
    const text = checkOptionalText(check, "reason", reason);
    const idempotencyKey = checkRefundOptions(check, options);
    check.done();
    return this.#guard(async () => {
      const current = await this.#runtime.store.require(paymentId, "refundPayment");
      const amountMinor = amount === undefined ? null : this.#checkAmount("refundPayment", amount, current);
      return refundPayment(this.#runtime, { paymentId, amountMinor, reason: text, idempotencyKey });
    });
  }

  /**
   * Reads a payment.
   *
   * @param paymentId - The payment id.
   * @returns The payment with its refund ledger.
   * @throws {PelbiotError} NOT_FOUND for an unknown id.
   * @example
   * ```ts
   * const { status, refundedMinor } = await payment.getPayment(paymentId);
   * ```
   */
  async getPayment(paymentId: string): Promise<Payment> {
    const check = createValidator("PaymentGatewayIntegration.getPayment");
    checkPaymentId(check, paymentId);
    check.done();
    return this.#guard(() => readPayment(this.#runtime, paymentId));
  }

  /**
   * Re-reads a payment from its provider (after the customer finished 3-D Secure or a PayPal approval, say) and
   * applies what changed, forward only.
   *
   * @param paymentId - The payment id.
   * @returns The updated payment.
   * @throws {PelbiotError} NOT_FOUND; UNSUPPORTED when the provider cannot be read back; PROVIDER_ERROR.
   * @example
   * ```ts
   * const fresh = await payment.syncPayment(paymentId);
   * ```
   */
  async syncPayment(paymentId: string): Promise<Payment> {
    const check = createValidator("PaymentGatewayIntegration.syncPayment");
    checkPaymentId(check, paymentId);
    check.done();
    const { provider } = this.#runtime;
    const retrieve = provider.retrievePayment?.bind(provider);
    if (retrieve === undefined) {
      throw new PelbiotError(
        "UNSUPPORTED",
        `PaymentGatewayIntegration.syncPayment: ${provider.name} cannot be read back.`,
      );
    }
    return this.#guard(async () => {
      const current = await this.#runtime.store.require(paymentId, "syncPayment");
      if (current.providerPaymentId === null) return toPublicPayment(current);
      return runOperation(this.#runtime, paymentId, "sync", [current.status], null, (payment) =>
        retrieve(referenceOf(payment)),
      );
    });
  }

  /**
   * Verifies and applies a Stripe webhook: checks `Stripe-Signature` against `stripeWebhookSecret`
   * (HMAC-SHA256, constant-time, timestamp within `webhookToleranceMs`), then moves the payment forward
   * (`payment_intent.succeeded`, `…amount_capturable_updated`, `…payment_failed`, `…canceled`,
   * `…requires_action`, `…processing`, `charge.refunded`) and emits the usual events. Each event id is applied once.
   *
   * @param rawBody - The request body exactly as received, as a string or bytes (never parsed JSON).
   * @param signatureHeader - The `Stripe-Signature` header.
   * @returns The event id and type, whether it was a duplicate, and the payment it changed.
   * @throws {PelbiotError} CONFIGURATION_ERROR without `stripeWebhookSecret`; INTEGRITY_ERROR for a bad signature or
   *   a stale timestamp (nothing changes then).
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the body is not a Stripe event.
   * @example
   * ```ts
   * const result = await payment.handleStripeWebhook(rawBody, request.headers["stripe-signature"]);
   * ```
   */
  async handleStripeWebhook(rawBody: string | Uint8Array, signatureHeader: string): Promise<StripeWebhookResult> {
    const check = createValidator("PaymentGatewayIntegration.handleStripeWebhook");
    checkRawBody(check, rawBody);
    check.string("signatureHeader", signatureHeader, { maxLength: 4096 });
    check.done();
    const secret = this.#options.stripeWebhookSecret;
    if (secret === undefined) {
      throw new PelbiotError(
        "CONFIGURATION_ERROR",
        "PaymentGatewayIntegration.handleStripeWebhook: set options.stripeWebhookSecret (whsec_…) to verify Stripe webhooks.",
      );
    }
    verifyStripeSignature(rawBody, signatureHeader, secret, {
      now: this.#options.clock.now(),
      toleranceMs: this.#options.webhookToleranceMs,
    });
    const text = typeof rawBody === "string" ? rawBody : Buffer.from(rawBody).toString("utf8");
    return this.#guard(() => applyStripeEvent(this.#runtime, text));
  }

  #checkAmount(method: string, amount: unknown, payment: StoredPayment): number {
    const check = createValidator(`PaymentGatewayIntegration.${method}`);
    const minor = checkAmount(check, "amount", amount, payment.currency);
    check.done();
    return minor as number;
  }

  #reportChange(before: StoredPayment | undefined, after: StoredPayment, failure: PaymentFailure | undefined): void {
    const payment = toPublicPayment(after);
    if (before?.providerPaymentId === null && after.providerPaymentId !== null) this.emit("payment.created", payment);
    if (before?.status === after.status) return;
    if (after.status === "failed") this.emit("payment.failed", payment, failure ?? failureOrUnknown(after));
    else if (after.status === "requires_action") this.emit("payment.requires_action", payment);
    else if (after.status === "canceled") this.emit("payment.canceled", payment);
    else if (after.status === "captured" && before?.status === "authorized") this.emit("payment.captured", payment);
    else if (after.status === "authorized" || after.status === "captured") this.emit("payment.confirmed", payment);
  }

  async #guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toPelbiotError(error);
    }
  }
}

function isConfirmed(payment: StoredPayment): boolean {
  return CONFIRMED.includes(payment.status);
}

function failureOrUnknown(payment: StoredPayment): PaymentFailure {
  return payment.failure ?? { code: "provider_error", providerCode: null, message: "The payment failed." };
}
