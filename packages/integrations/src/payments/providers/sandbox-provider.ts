import type { PaymentFailure } from "../payment-gateway-integration-types";
import {
  failure,
  type PaymentProvider,
  type ProviderCallContext,
  type ProviderPaymentReference,
  type ProviderPaymentState,
  type ProviderRefundResult,
  providerError,
} from "./payment-provider";

/**
 * The sandbox's test payment methods, named and numbered like Stripe's test cards so the same values work in both.
 * Any other method (the guide's `credit_card` included) behaves like `visa`.
 *
 * | method | outcome on confirm |
 * | --- | --- |
 * | `pm_card_visa`, `4242424242424242`, `credit_card` | succeeds |
 * | `pm_card_chargeDeclined`, `4000000000000002` | fails with `card_declined` |
 * | `pm_card_chargeDeclinedInsufficientFunds`, `4000000000009995` | fails with `insufficient_funds` |
 * | `pm_card_authenticationRequired`, `4000002500003155` | `requires_action`; confirm again with an authorization code to succeed (the code `"fail"` fails with `authentication_failed`) |
 *
 * @example
 * ```ts
 * const id = await payment.createPayment({ amount: 10, currency: "EUR", method: SANDBOX_TEST_CARDS.declined });
 * ```
 */
export const SANDBOX_TEST_CARDS = Object.freeze({
  /** Succeeds. */
  visa: "pm_card_visa",
  /** Fails with `card_declined`. */
  declined: "pm_card_chargeDeclined",
  /** Fails with `insufficient_funds`. */
  insufficientFunds: "pm_card_chargeDeclinedInsufficientFunds",
  /** Needs 3-D Secure: `requires_action` until confirmed with an authorization code. */
  authenticationRequired: "pm_card_authenticationRequired",
} as const);

/** The authorization code that fails 3-D Secure in the sandbox. */
export const SANDBOX_FAILING_AUTH_CODE = "fail";

type Outcome = "succeed" | "decline" | "insufficient" | "authenticate";

const OUTCOMES: Readonly<Record<string, Outcome>> = {
  pm_card_chargeDeclined: "decline",
  "4000000000000002": "decline",
  pm_card_chargeDeclinedInsufficientFunds: "insufficient",
  "4000000000009995": "insufficient",
  pm_card_authenticationRequired: "authenticate",
  "4000002500003155": "authenticate",
};

interface SandboxPayment {
  state: ProviderPaymentState;
  authenticated: boolean;
  refundedMinor: number;
}

const NAME = "sandbox";

/**
 * Creates the in-process sandbox provider, the default of {@link PaymentGatewayIntegration}: nothing leaves the
 * process and every payment carries `external: false`. It follows its own state machine and honours idempotency keys
 * like a real provider (a repeated key returns the first result), so code written against it behaves the same
 * against Stripe or PayPal. Outcomes follow {@link SANDBOX_TEST_CARDS}.
 *
 * @returns A fresh provider with no payments.
 * @example
 * ```ts
 * const payment = new PaymentGatewayIntegration({ provider: createSandboxPaymentProvider() });
 * ```
 */
export function createSandboxPaymentProvider(): PaymentProvider {
  const payments = new Map<string, SandboxPayment>();
  const replies = new Map<string, unknown>();
  let sequence = 0;

  // The same key returns the first reply, like Stripe's and PayPal's idempotency layers.
  async function once<T>(context: ProviderCallContext, action: () => T): Promise<T> {
    await Promise.resolve();
    if (replies.has(context.idempotencyKey)) return replies.get(context.idempotencyKey) as T;
    const reply = action();
    replies.set(context.idempotencyKey, reply);
    return reply;
  }

  function find(reference: ProviderPaymentReference): SandboxPayment {
    const found = payments.get(reference.providerPaymentId);
    if (found === undefined) {
      throw providerError(NAME, failure("invalid_request", "resource_missing", "No such sandbox payment."), {
        status: 404,
      });
    }
    return found;
  }

  function decline(entry: SandboxPayment, reason: PaymentFailure): never {
    entry.state = { ...entry.state, status: "failed", failure: reason, nextAction: null };
    throw providerError(NAME, reason, { status: 402 });
  }

  function settle(entry: SandboxPayment, amountMinor: number, manual: boolean): ProviderPaymentState {
    entry.state = manual
      ? { ...entry.state, status: "authorized", nextAction: null, failure: null }
      : { ...entry.state, status: "captured", capturedMinor: amountMinor, nextAction: null, failure: null };
    return entry.state;
  }

  const manualCapture = new Set<string>();

  return {
    name: NAME,
    external: false,
    createPayment: (request, context) =>
      once(context, () => {
        sequence += 1;
        const providerPaymentId = `sbx_${String(sequence).padStart(8, "0")}`;
        const state: ProviderPaymentState = {
          providerPaymentId,
          status: "created",
          capturedMinor: 0,
          nextAction: null,
          failure: null,
        };
        if (request.captureMethod === "manual") manualCapture.add(providerPaymentId);
        payments.set(providerPaymentId, { state, authenticated: false, refundedMinor: 0 });
        return state;
      }),
    confirmPayment: (reference, authorization, context) =>
      once(context, () => {
        const entry = find(reference);
        const outcome = OUTCOMES[reference.method] ?? "succeed";
        if (outcome === "decline") decline(entry, failure("card_declined", "card_declined", "Your card was declined."));
        if (outcome === "insufficient") {
          decline(entry, failure("insufficient_funds", "insufficient_funds", "Your card has insufficient funds."));
        }
        if (outcome === "authenticate" && !entry.authenticated) {
          if (authorization === null) {
            entry.state = {
              ...entry.state,
              status: "requires_action",
              nextAction: { type: "authenticate", url: null },
            };
            return entry.state;
          }
          if (authorization === SANDBOX_FAILING_AUTH_CODE) {
            decline(entry, failure("authentication_failed", "authentication_failed", "3-D Secure failed."));
          }
          entry.authenticated = true;
        }
        return settle(entry, reference.amountMinor, manualCapture.has(reference.providerPaymentId));
      }),
    retrievePayment: async (reference) => find(reference).state,
    capturePayment: (reference, amountMinor, context) =>
      once(context, () => {
        const entry = find(reference);
        entry.state = { ...entry.state, status: "captured", capturedMinor: amountMinor };
        return entry.state;
      }),
    cancelPayment: (reference, context) =>
      once(context, () => {
        const entry = find(reference);
        entry.state = { ...entry.state, status: "canceled", nextAction: null };
        return entry.state;
      }),
    refundPayment: (reference, refund, context) =>
      once(context, (): ProviderRefundResult => {
        const entry = find(reference);
        if (entry.refundedMinor + refund.amountMinor > entry.state.capturedMinor) {
          throw providerError(
            NAME,
            failure("invalid_request", "charge_already_refunded", "Refund exceeds the captured amount."),
            { status: 400 },
          );
        }
        entry.refundedMinor += refund.amountMinor;
        sequence += 1;
        return { providerRefundId: `sbx_re_${String(sequence).padStart(8, "0")}`, status: "succeeded", failure: null };
      }),
  };
}
