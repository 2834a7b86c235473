import { type Clock, createValidator, type PelbiotError, systemClock } from "@pelbiot/core";
import type { PaymentFailureCode, PaymentStatus } from "../payment-gateway-integration-types";
import {
  failure,
  type PaymentProvider,
  type ProviderPaymentReference,
  type ProviderPaymentState,
  providerError,
} from "./payment-provider";
import { field, malformedAnswer, type ProviderHttp, sendProviderRequest, stringField } from "./provider-http";
import { encodeStripeForm, type StripeFormValue } from "./stripe-form-encoding";

/** Options of {@link createStripePaymentProvider}. */
export interface StripePaymentProviderOptions {
  /** A secret or restricted key (`sk_test_…`, `sk_live_…`, `rk_…`), sent as `Authorization: Bearer`. */
  secretKey: string;
  /**
   * The API origin; point it at a local test server in tests.
   * @default "https://api.stripe.com"
   */
  baseUrl?: string | undefined;
  /**
   * Sent as `Stripe-Version`, pinning the API version the request and response shapes follow.
   * @default "2023-08-16"
   */
  apiVersion?: string | undefined;
  /**
   * Retries after the first attempt, by stripe-node's rules: network failures, 409, 5xx and
   * `Stripe-Should-Retry: true` are retried (never when it says `false`); other 4xx, 429 included, are not. Waits
   * 0.5 s doubling to 5 s, jittered to [half, full]. The same `Idempotency-Key` is re-sent every time.
   * @default 2
   */
  maxNetworkRetries?: number | undefined;
  /**
   * Deadline of one attempt in milliseconds (stripe-node's default).
   * @default 80_000
   */
  requestTimeoutMs?: number | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Drives timeouts and retry waits. @default systemClock */
  clock?: Clock | undefined;
  /** Uniform numbers in [0, 1) for retry jitter. @default Math.random */
  random?: (() => number) | undefined;
}

const OPTION_KEYS = [
  "secretKey",
  "baseUrl",
  "apiVersion",
  "maxNetworkRetries",
  "requestTimeoutMs",
  "fetch",
  "clock",
  "random",
] as const satisfies ReadonlyArray<keyof StripePaymentProviderOptions>;

const NAME = "stripe";
const REFUND_REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"]);

/**
 * Creates the Stripe provider: PaymentIntents (create, confirm, capture, cancel, retrieve) and Refunds over Stripe's
 * form-encoded API, with an `Idempotency-Key` on every POST that stays the same across retries, stripe-node's retry
 * rules, and Stripe errors normalised (`card_declined`, `insufficient_funds`, `authentication_required`,
 * `rate_limited`, `provider_unavailable`, `invalid_request`) with Stripe's own `decline_code`/`code` kept.
 *
 * @param options - The secret key and HTTP settings.
 * @returns The provider.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a missing key or a malformed or unknown option.
 * @example
 * ```ts
 * const payment = new PaymentGatewayIntegration({ provider: createStripePaymentProvider({ secretKey: "sk_test_123" }) });
 * ```
 */
export function createStripePaymentProvider(options: StripePaymentProviderOptions): PaymentProvider {
  const check = createValidator("createStripePaymentProvider");
  if (check.object("options", options)) {
    check.knownKeys("options", options as unknown as Record<string, unknown>, OPTION_KEYS);
    check.string("options.secretKey", options.secretKey, {
      maxLength: 500,
      pattern: { regex: /^(sk|rk)_[A-Za-z0-9_]+$/, description: "a Stripe secret key (sk_… or rk_…)" },
    });
    checkHttpOptions(check, options);
    if (options.maxNetworkRetries !== undefined) {
      check.number("options.maxNetworkRetries", options.maxNetworkRetries, { integer: true, min: 0, max: 10 });
    }
    if (options.apiVersion !== undefined) check.string("options.apiVersion", options.apiVersion, { maxLength: 40 });
  }
  check.done();
  const baseUrl = (options.baseUrl ?? "https://api.stripe.com").replace(/\/+$/, "");
  const http: ProviderHttp = {
    provider: NAME,
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? systemClock,
    requestTimeoutMs: options.requestTimeoutMs ?? 80_000,
    maxRetries: options.maxNetworkRetries ?? 2,
    random: options.random ?? Math.random,
    shouldRetry: (response) => {
      const hint = response.headers.get("stripe-should-retry");
      if (hint === "false") return false;
      if (hint === "true") return true;
      return response.status === 409 || response.status >= 500;
    },
    backoffMs: (attempt, random) => {
      const ceiling = Math.min(500 * 2 ** (attempt - 1), 5_000);
      return Math.max(500, ceiling * (0.5 + random() / 2));
    },
    toError: stripeError,
  };
  const headers = (idempotencyKey: string | null): Record<string, string> => ({
    authorization: `Bearer ${options.secretKey}`,
    accept: "application/json",
    "stripe-version": options.apiVersion ?? "2023-08-16",
    ...(idempotencyKey === null ? {} : { "content-type": "application/x-www-form-urlencoded" }),
    ...(idempotencyKey === null ? {} : { "idempotency-key": idempotencyKey }),
  });
  const post = async (path: string, params: Record<string, StripeFormValue>, idempotencyKey: string) =>
    (
      await sendProviderRequest(http, {
        method: "POST",
        url: `${baseUrl}${path}`,
        headers: headers(idempotencyKey),
        body: encodeStripeForm(params),
      })
    ).body;
  const intentPath = (reference: ProviderPaymentReference, action = "") =>
    `/v1/payment_intents/${encodeURIComponent(reference.providerPaymentId)}${action}`;

  return {
    name: NAME,
    external: true,
    async createPayment(request, context) {
      const paymentMethod = request.method.startsWith("pm_") ? request.method : undefined;
      const body = await post(
        "/v1/payment_intents",
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          capture_method: request.captureMethod,
          description: request.description ?? undefined,
          metadata: { ...request.metadata, pelbiot_payment_id: request.paymentId },
          payment_method: paymentMethod,
          payment_method_types: paymentMethod === undefined && request.method === "credit_card" ? ["card"] : undefined,
          automatic_payment_methods:
            paymentMethod === undefined && request.method !== "credit_card" ? { enabled: true } : undefined,
        },
        context.idempotencyKey,
      );
      return toState(body);
    },
    async confirmPayment(reference, authorization, context) {
      const params = authorization?.startsWith("pm_") ? { payment_method: authorization } : {};
      return toState(await post(intentPath(reference, "/confirm"), params, context.idempotencyKey));
    },
    async capturePayment(reference, amountMinor, context) {
      return toState(
        await post(intentPath(reference, "/capture"), { amount_to_capture: amountMinor }, context.idempotencyKey),
      );
    },
    async cancelPayment(reference, context) {
      return toState(await post(intentPath(reference, "/cancel"), {}, context.idempotencyKey));
    },
    async retrievePayment(reference) {
      const response = await sendProviderRequest(http, {
        method: "GET",
        url: `${baseUrl}${intentPath(reference)}`,
        headers: headers(null),
      });
      return toState(response.body);
    },
    async refundPayment(reference, refund, context) {
      const reason = refund.reason !== null && REFUND_REASONS.has(refund.reason) ? refund.reason : undefined;
      const body = await post(
        "/v1/refunds",
        {
          payment_intent: reference.providerPaymentId,
          amount: refund.amountMinor,
          reason,
          metadata: {
            pelbiot_payment_id: reference.paymentId,
            ...(refund.reason === null ? {} : { reason: refund.reason.slice(0, 500) }),
          },
        },
        context.idempotencyKey,
      );
      const id = stringField(body, "id");
      const status = stringField(body, "status");
      if (id === null || status === null) throw malformedAnswer(NAME, "a refund id and status");
      if (status === "failed" || status === "canceled") {
        return {
          providerRefundId: id,
          status: "failed",
          failure: failure("provider_error", stringField(body, "failure_reason") ?? status, "Stripe could not refund."),
        };
      }
      return { providerRefundId: id, status: status === "succeeded" ? "succeeded" : "pending", failure: null };
    },
  };
}

/**
 * Checks the HTTP options shared by the Stripe and PayPal factories.
 *
 * @param check - The validator.
 * @param options - The options object.
 */
export function checkHttpOptions(
  check: ReturnType<typeof createValidator>,
  options: { baseUrl?: unknown; requestTimeoutMs?: unknown; fetch?: unknown; clock?: unknown; random?: unknown },
): void {
  if (options.baseUrl !== undefined && check.string("options.baseUrl", options.baseUrl, { maxLength: 2000 })) {
    check.check(
      /^https?:\/\/[^/]+/i.test(options.baseUrl),
      "options.baseUrl",
      "must be an http(s) origin such as https://api.stripe.com",
    );
  }
  if (options.requestTimeoutMs !== undefined) {
    check.durationMs("options.requestTimeoutMs", options.requestTimeoutMs, { min: 1, max: 600_000 });
  }
  if (options.fetch !== undefined) check.fn("options.fetch", options.fetch);
  if (options.clock !== undefined) check.clock("options.clock", options.clock);
  if (options.random !== undefined) check.fn("options.random", options.random);
}

const STATUS: Readonly<Record<string, PaymentStatus>> = {
  requires_payment_method: "created",
  requires_confirmation: "created",
  requires_action: "requires_action",
  processing: "processing",
  requires_capture: "authorized",
  succeeded: "captured",
  canceled: "canceled",
};

function toState(body: unknown): ProviderPaymentState {
  const id = stringField(body, "id");
  const status = STATUS[stringField(body, "status") ?? ""];
  if (id === null || status === undefined) throw malformedAnswer(NAME, "a PaymentIntent id and status");
  const received = field(body, "amount_received");
  const redirect = field(field(field(body, "next_action"), "redirect_to_url"), "url");
  const lastError = field(body, "last_payment_error");
  return {
    providerPaymentId: id,
    status,
    capturedMinor: typeof received === "number" && Number.isSafeInteger(received) ? received : 0,
    nextAction:
      status === "requires_action"
        ? {
            type: typeof redirect === "string" ? "redirect" : "authenticate",
            url: typeof redirect === "string" ? redirect : null,
          }
        : null,
    failure: lastError == null ? null : normalise(lastError, 402),
  };
}

function normalise(error: unknown, status: number): ReturnType<typeof failure> {
  const type = stringField(error, "type");
  const code = stringField(error, "code");
  const declineCode = stringField(error, "decline_code");
  const message = stringField(error, "message") ?? `Stripe answered ${status}.`;
  const raw = declineCode ?? code ?? type;
  let normalised: PaymentFailureCode = "provider_error";
  if (type === "idempotency_error") normalised = "idempotency_conflict";
  else if (status === 429 || code === "rate_limit") normalised = "rate_limited";
  else if (declineCode === "insufficient_funds" || code === "insufficient_funds") normalised = "insufficient_funds";
  else if (code === "authentication_required" || declineCode === "authentication_required") {
    normalised = "authentication_required";
  } else if (type === "card_error" || code === "card_declined") normalised = "card_declined";
  else if (status === 401 || status === 403) normalised = "authentication_failed";
  else if (status >= 500) normalised = "provider_unavailable";
  else if (type === "invalid_request_error" || status === 400 || status === 404) normalised = "invalid_request";
  return failure(normalised, raw, message);
}

function stripeError(response: { status: number; body: unknown; headers: Headers }, retryable: boolean): PelbiotError {
  const reason = normalise(field(response.body, "error"), response.status);
  return providerError(NAME, reason, { status: response.status, retryable });
}
