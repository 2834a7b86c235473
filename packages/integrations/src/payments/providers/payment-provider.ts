import { PelbiotError } from "@pelbiot/core";
import type {
  PaymentFailure,
  PaymentFailureCode,
  PaymentNextAction,
  PaymentStatus,
} from "../payment-gateway-integration-types";

/** What every provider call receives besides its request. */
export interface ProviderCallContext {
  /**
   * Derived from the operation (payment id + operation, or the caller's key), persisted before the call and re-sent
   * unchanged on every retry, so the provider can never act twice on one operation.
   */
  readonly idempotencyKey: string;
}

/** The payment fields a provider needs to create it. */
export interface ProviderCreateRequest {
  /** Our payment id, to store at the provider (metadata, `custom_id`) for reconciliation. */
  readonly paymentId: string;
  /** The amount in minor units of `currency`. */
  readonly amountMinor: number;
  /** The amount as a decimal string (`"99.99"`). */
  readonly amount: string;
  /** Upper-case ISO 4217. */
  readonly currency: string;
  /** The caller's payment method (`credit_card`, `pm_…`, `paypal`, a sandbox test card). */
  readonly method: string;
  /** Whether confirmation also captures. */
  readonly captureMethod: "automatic" | "manual";
  /** Free text, or `null`. */
  readonly description: string | null;
  /** The caller's string metadata. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A payment as the provider last reported it. */
export interface ProviderPaymentState {
  /** The provider's id of the payment. */
  readonly providerPaymentId: string;
  /** The provider's status, mapped to ours. */
  readonly status: PaymentStatus;
  /** Minor units captured at the provider. */
  readonly capturedMinor: number;
  /** What the customer must do, for `requires_action`. */
  readonly nextAction: PaymentNextAction | null;
  /** The provider's last failure (a decline), or `null`. */
  readonly failure: PaymentFailure | null;
  /** Ids needed by later calls (PayPal's capture id). */
  readonly providerData?: Readonly<Record<string, string>> | undefined;
}

/** Identifies a payment at its provider in later calls. */
export interface ProviderPaymentReference {
  /** Our payment id. */
  readonly paymentId: string;
  /** The provider's id. */
  readonly providerPaymentId: string;
  /** The payment's amount in minor units. */
  readonly amountMinor: number;
  /** Upper-case ISO 4217. */
  readonly currency: string;
  /** The payment method given at creation. */
  readonly method: string;
  /** What the provider's earlier answers left for later calls. */
  readonly providerData: Readonly<Record<string, string>>;
}

/** A refund as the provider reported it. */
export interface ProviderRefundResult {
  /** The provider's refund id. */
  readonly providerRefundId: string;
  /** `pending` refunds (still processing at the provider) count as made; the ledger already reserved them. */
  readonly status: "succeeded" | "pending" | "failed";
  /** Why it failed, for `failed`. */
  readonly failure: PaymentFailure | null;
}

/**
 * One payment provider behind {@link PaymentGatewayIntegration}. Built-in: `createSandboxPaymentProvider`,
 * `createStripePaymentProvider`, `createPayPalPaymentProvider`. A provider throws a `PROVIDER_ERROR`
 * {@link PelbiotError} built by {@link providerError} for declines and failures.
 */
export interface PaymentProvider {
  /** A short name stored on every payment (`stripe`). */
  readonly name: string;
  /** `false` when nothing leaves the process (the sandbox). */
  readonly external: boolean;
  /** Creates the payment at the provider. */
  createPayment(request: ProviderCreateRequest, context: ProviderCallContext): Promise<ProviderPaymentState>;
  /** Confirms (authorises, and with automatic capture, captures) it; `authorization` is provider-specific. */
  confirmPayment(
    reference: ProviderPaymentReference,
    authorization: string | null,
    context: ProviderCallContext,
  ): Promise<ProviderPaymentState>;
  /** Captures `amountMinor` of an authorised payment. */
  capturePayment(
    reference: ProviderPaymentReference,
    amountMinor: number,
    context: ProviderCallContext,
  ): Promise<ProviderPaymentState>;
  /** Reads the payment's current state at the provider (optional; used by `syncPayment`). */
  retrievePayment?(reference: ProviderPaymentReference): Promise<ProviderPaymentState>;
  /** Cancels a payment that was not captured. */
  cancelPayment(reference: ProviderPaymentReference, context: ProviderCallContext): Promise<ProviderPaymentState>;
  /** Refunds part or all of a captured payment. */
  refundPayment(
    reference: ProviderPaymentReference,
    refund: { readonly amountMinor: number; readonly amount: string; readonly reason: string | null },
    context: ProviderCallContext,
  ): Promise<ProviderRefundResult>;
}

/** What {@link providerError} puts into `details`. */
export interface ProviderErrorDetails {
  /** The provider name. */
  readonly provider: string;
  /** The normalised failure with the provider's own code. */
  readonly failure: PaymentFailure;
  /** The HTTP status, or `null` when no answer came. */
  readonly status: number | null;
  /** Read by core's `retry`: `false` for declines and bad requests. */
  readonly retryable: boolean;
  /** A wait the provider asked for, in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  readonly [extra: string]: unknown;
}

/**
 * Builds the `PROVIDER_ERROR` a provider throws: the normalised failure and the raw provider code in `details`.
 *
 * @param provider - The provider name.
 * @param failure - The normalised failure.
 * @param options - HTTP status, whether another attempt may help, `Retry-After` and the cause.
 * @returns The error.
 * @example
 * ```ts
 * throw providerError("acme", { code: "card_declined", providerCode: "do_not_honor", message: "Declined" }, { status: 402 });
 * ```
 */
export function providerError(
  provider: string,
  failure: PaymentFailure,
  options: { status?: number | null; retryable?: boolean; retryAfterMs?: number | undefined; cause?: unknown } = {},
): PelbiotError {
  const details: ProviderErrorDetails = {
    provider,
    failure,
    status: options.status ?? null,
    retryable: options.retryable ?? false,
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
  };
  const where = options.status == null ? "" : ` (HTTP ${options.status})`;
  return new PelbiotError(
    "PROVIDER_ERROR",
    `${provider} failed the request${where}: ${failure.code}${failure.providerCode ? ` [${failure.providerCode}]` : ""}: ${failure.message}`,
    { details, cause: options.cause },
  );
}

/**
 * Reads the normalised failure out of an error thrown by a provider.
 *
 * @param error - Anything a provider threw.
 * @returns The failure, or `undefined` when the error carries none.
 */
export function failureOf(error: unknown): PaymentFailure | undefined {
  if (!PelbiotError.is(error, "PROVIDER_ERROR")) return undefined;
  const failure = (error.details as Partial<ProviderErrorDetails> | undefined)?.failure;
  return failure ?? undefined;
}

/**
 * Builds a failure record.
 *
 * @param code - The normalised code.
 * @param providerCode - The provider's own code, or `null`.
 * @param message - A human message.
 * @returns The failure.
 */
export function failure(code: PaymentFailureCode, providerCode: string | null, message: string): PaymentFailure {
  return { code, providerCode, message: message.slice(0, 500) };
}
