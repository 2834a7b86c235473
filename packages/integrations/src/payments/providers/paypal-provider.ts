import { type Clock, createValidator, PelbiotError, systemClock } from "@pelbiot/core";
import { ISO_4217_EXPONENTS } from "../currency-exponents";
import type { PaymentFailureCode, PaymentStatus } from "../payment-gateway-integration-types";
import {
  failure,
  type PaymentProvider,
  type ProviderPaymentReference,
  type ProviderPaymentState,
  providerError,
} from "./payment-provider";
import {
  field,
  malformedAnswer,
  type ProviderHttp,
  type ProviderResponse,
  sendProviderRequest,
  stringField,
} from "./provider-http";
import { checkHttpOptions } from "./stripe-provider";

/** Options of {@link createPayPalPaymentProvider}. */
export interface PayPalPaymentProviderOptions {
  /** The REST app's client id. */
  clientId: string;
  /** The REST app's secret. */
  clientSecret: string;
  /**
   * `sandbox` (api-m.sandbox.paypal.com) or `live` (api-m.paypal.com); ignored when `baseUrl` is given.
   * @default "sandbox"
   */
  environment?: "sandbox" | "live" | undefined;
  /** The API origin, e.g. a local test server. */
  baseUrl?: string | undefined;
  /**
   * Retries after the first attempt on PayPal's retryable statuses (408, 413, 429, 500, 502, 503, 504, 521, 522, 524,
   * and 409 on refunds: a previous call is still in progress) and network failures; POSTs re-send the same
   * `PayPal-Request-Id`. Waits 1 s doubling, jittered.
   * @default 2
   */
  maxRetries?: number | undefined;
  /** Deadline of one attempt in milliseconds. @default 30_000 */
  requestTimeoutMs?: number | undefined;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Drives timeouts, retry waits and token expiry. @default systemClock */
  clock?: Clock | undefined;
  /** Uniform numbers in [0, 1) for retry jitter. @default Math.random */
  random?: (() => number) | undefined;
}

const OPTION_KEYS = [
  "clientId",
  "clientSecret",
  "environment",
  "baseUrl",
  "maxRetries",
  "requestTimeoutMs",
  "fetch",
  "clock",
  "random",
] as const satisfies ReadonlyArray<keyof PayPalPaymentProviderOptions>;

const NAME = "paypal";
const RETRY_STATUSES = new Set([408, 413, 429, 500, 502, 503, 504, 521, 522, 524]);
// Renew a token this long before PayPal says it expires, so a request never leaves with a token about to lapse.
const TOKEN_SKEW_MS = 60_000;

/**
 * Creates the PayPal provider: Orders v2 (create with intent `CAPTURE`, capture on confirm, read back), refunds of
 * the capture, an OAuth2 client-credentials token cached until shortly before `expires_in`, and a
 * `PayPal-Request-Id` on every POST that stays the same across retries. Manual capture (intent `AUTHORIZE`) is not
 * offered; canceling an order that was not captured is local (PayPal lets unapproved orders expire).
 *
 * @param options - Client credentials and HTTP settings.
 * @returns The provider.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for missing credentials or a malformed or unknown option.
 * @example
 * ```ts
 * const provider = createPayPalPaymentProvider({ clientId: "id", clientSecret: "secret", environment: "sandbox" });
 * ```
 */
export function createPayPalPaymentProvider(options: PayPalPaymentProviderOptions): PaymentProvider {
  const check = createValidator("createPayPalPaymentProvider", { redactStrings: true });
  if (check.object("options", options)) {
    check.knownKeys("options", options as unknown as Record<string, unknown>, OPTION_KEYS);
    check.string("options.clientId", options.clientId, { maxLength: 500 });
    check.string("options.clientSecret", options.clientSecret, { maxLength: 500 });
    if (options.environment !== undefined) check.oneOf("options.environment", options.environment, ["sandbox", "live"]);
    if (options.maxRetries !== undefined) {
      check.number("options.maxRetries", options.maxRetries, { integer: true, min: 0, max: 10 });
    }
    checkHttpOptions(check, options);
  }
  check.done();
  const live = options.environment === "live";
  const baseUrl = (options.baseUrl ?? `https://api-m.${live ? "" : "sandbox."}paypal.com`).replace(/\/+$/, "");
  const clock = options.clock ?? systemClock;
  const http = (retryConflicts: boolean): ProviderHttp => ({
    provider: NAME,
    fetch: options.fetch ?? globalThis.fetch,
    clock,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 2,
    random: options.random ?? Math.random,
    shouldRetry: (response) => RETRY_STATUSES.has(response.status) || (retryConflicts && response.status === 409),
    backoffMs: (attempt, random) => 1_000 * 2 ** (attempt - 1) * (0.5 + random() / 2),
    toError: paypalError,
  });
  const plain = http(false);
  const refunds = http(true);

  let token: { value: string; expiresAt: number } | undefined;
  let pendingToken: Promise<string> | undefined;
  const accessToken = async (): Promise<string> => {
    if (token !== undefined && clock.now() < token.expiresAt) return token.value;
    pendingToken ??= fetchToken().finally(() => {
      pendingToken = undefined;
    });
    return pendingToken;
  };
  const fetchToken = async (): Promise<string> => {
    const basic = Buffer.from(`${options.clientId}:${options.clientSecret}`, "utf8").toString("base64");
    const response = await sendProviderRequest(plain, {
      method: "POST",
      url: `${baseUrl}/v1/oauth2/token`,
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ grant_type: "client_credentials" }).toString(),
    });
    const value = stringField(response.body, "access_token");
    const expiresIn = field(response.body, "expires_in");
    if (value === null) throw malformedAnswer(NAME, "an access_token");
    const lifetimeMs = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1000 : 0;
    token = { value, expiresAt: clock.now() + Math.max(0, lifetimeMs - TOKEN_SKEW_MS) };
    return value;
  };
  const call = async (
    method: "GET" | "POST",
    path: string,
    body: unknown,
    requestId: string | null,
    settings = plain,
  ): Promise<unknown> => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await accessToken()}`,
      accept: "application/json",
      ...(method === "POST" ? { "content-type": "application/json", prefer: "return=representation" } : {}),
      ...(requestId === null ? {} : { "paypal-request-id": requestId }),
    };
    const response = await sendProviderRequest(settings, {
      method,
      url: `${baseUrl}${path}`,
      headers,
      body: method === "POST" ? JSON.stringify(body) : undefined,
    });
    return response.body;
  };
  const orderPath = (reference: ProviderPaymentReference) =>
    `/v2/checkout/orders/${encodeURIComponent(reference.providerPaymentId)}`;

  return {
    name: NAME,
    external: true,
    async createPayment(request, context) {
      if (request.captureMethod === "manual") {
        throw new PelbiotError(
          "UNSUPPORTED",
          "The PayPal provider captures on confirmation; captureMethod manual is not offered.",
        );
      }
      const unit = {
        reference_id: request.paymentId,
        custom_id: request.paymentId,
        amount: { currency_code: request.currency, value: request.amount },
        ...(request.description === null ? {} : { description: request.description.slice(0, 127) }),
      };
      const body = await call(
        "POST",
        "/v2/checkout/orders",
        { intent: "CAPTURE", purchase_units: [unit] },
        context.idempotencyKey,
      );
      return toState(body);
    },
    async confirmPayment(reference, _authorization, context) {
      return toState(await call("POST", `${orderPath(reference)}/capture`, {}, context.idempotencyKey));
    },
    async capturePayment() {
      throw new PelbiotError(
        "UNSUPPORTED",
        "The PayPal provider captures on confirmation; there is no separate capture.",
      );
    },
    async cancelPayment(reference) {
      return {
        providerPaymentId: reference.providerPaymentId,
        status: "canceled",
        capturedMinor: 0,
        nextAction: null,
        failure: null,
      };
    },
    async retrievePayment(reference) {
      return toState(await call("GET", orderPath(reference), undefined, null));
    },
    async refundPayment(reference, refund, context) {
      const captureId = reference.providerData.captureId;
      if (captureId === undefined) throw malformedAnswer(NAME, "a capture id for this payment");
      const body = await call(
        "POST",
        `/v2/payments/captures/${encodeURIComponent(captureId)}/refund`,
        {
          amount: { currency_code: reference.currency, value: refund.amount },
          ...(refund.reason === null ? {} : { note_to_payer: refund.reason.slice(0, 255) }),
        },
        context.idempotencyKey,
        refunds,
      );
      const id = stringField(body, "id");
      const status = stringField(body, "status");
      if (id === null || status === null) throw malformedAnswer(NAME, "a refund id and status");
      if (status === "CANCELLED" || status === "FAILED") {
        return {
          providerRefundId: id,
          status: "failed",
          failure: failure("provider_error", status, "PayPal did not refund."),
        };
      }
      return { providerRefundId: id, status: status === "COMPLETED" ? "succeeded" : "pending", failure: null };
    },
  };
}

const ORDER_STATUS: Readonly<Record<string, PaymentStatus>> = {
  CREATED: "requires_action",
  PAYER_ACTION_REQUIRED: "requires_action",
  SAVED: "created",
  APPROVED: "created",
  VOIDED: "canceled",
  COMPLETED: "captured",
};

function toState(body: unknown): ProviderPaymentState {
  const id = stringField(body, "id");
  const orderStatus = stringField(body, "status");
  let status = ORDER_STATUS[orderStatus ?? ""];
  if (id === null || status === undefined) throw malformedAnswer(NAME, "an order id and status");
  const links = field(body, "links");
  const approve = Array.isArray(links)
    ? links.find((link) => ["approve", "payer-action"].includes(stringField(link, "rel") ?? ""))
    : undefined;
  const units = field(body, "purchase_units");
  const captures = field(field(Array.isArray(units) ? units[0] : undefined, "payments"), "captures");
  const capture: unknown = Array.isArray(captures) ? captures[0] : undefined;
  const captureId = stringField(capture, "id");
  const captureStatus = stringField(capture, "status");
  let capturedMinor = 0;
  let reason = null;
  if (status === "captured") {
    if (captureStatus === "DECLINED" || captureStatus === "FAILED") {
      status = "failed";
      reason = failure("card_declined", captureStatus, "PayPal declined the capture.");
    } else if (captureStatus === "PENDING") status = "processing";
    else capturedMinor = minorOf(field(capture, "amount"));
  }
  return {
    providerPaymentId: id,
    status,
    capturedMinor,
    nextAction: status === "requires_action" ? { type: "redirect", url: stringField(approve, "href") } : null,
    failure: reason,
    ...(captureId === null ? {} : { providerData: { captureId } }),
  };
}

// PayPal money is a decimal string; the capture amount is read back digit by digit, never through a float.
function minorOf(money: unknown): number {
  const value = stringField(money, "value");
  const exponent = ISO_4217_EXPONENTS[stringField(money, "currency_code") ?? ""] ?? 0;
  const match = value === null ? null : /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (match === null || (match[2] ?? "").length > exponent) return 0;
  return Number(`${match[1]}${(match[2] ?? "").padEnd(exponent, "0")}`);
}

function paypalError(response: ProviderResponse, retryable: boolean): PelbiotError {
  const details = field(response.body, "details");
  const issue = Array.isArray(details) ? stringField(details[0], "issue") : null;
  const name = stringField(response.body, "name") ?? stringField(response.body, "error");
  const message =
    stringField(response.body, "message") ??
    stringField(response.body, "error_description") ??
    `PayPal answered ${response.status}.`;
  const raw = issue ?? name;
  let code: PaymentFailureCode = "provider_error";
  if (response.status === 429 || raw === "RATE_LIMIT_REACHED") code = "rate_limited";
  else if (response.status === 401 || raw === "invalid_client") code = "authentication_failed";
  else if (raw === "INSTRUMENT_DECLINED" || raw === "TRANSACTION_REFUSED" || raw === "CARD_CLOSED")
    code = "card_declined";
  else if (raw === "PAYER_ACTION_REQUIRED" || raw === "ORDER_NOT_APPROVED") code = "authentication_required";
  else if (response.status >= 500 || response.status === 409) code = "provider_unavailable";
  else if (response.status >= 400) code = "invalid_request";
  return providerError(NAME, failure(code, raw, message), { status: response.status, retryable });
}
