import { createManualClock, createMemoryStorage, type ManualClock, PelbiotError } from "@pelbiot/core";
import { expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PaymentGatewayIntegration } from "../../src/payments/payment-gateway-integration";
import { createStripePaymentProvider } from "../../src/payments/providers/stripe-provider";
import { type FakeStripe, SECRET_KEY, startFakeStripe, stripeErrorBody } from "./support/fake-stripe";

const START = Date.UTC(2026, 0, 1);
let stripe: FakeStripe;
let clock: ManualClock;

beforeEach(async () => {
  stripe = await startFakeStripe();
  clock = createManualClock(START);
});
afterEach(async () => {
  expect(stripe.violations).toEqual([]);
  await stripe.close();
});

function gateway(maxNetworkRetries = 2, storage = createMemoryStorage()): PaymentGatewayIntegration {
  return new PaymentGatewayIntegration({
    provider: "stripe",
    stripe: {
      secretKey: SECRET_KEY,
      baseUrl: stripe.url,
      maxNetworkRetries,
      random: () => 1,
      requestTimeoutMs: 10_000,
    },
    storage,
    clock,
  });
}

// Lets the retry waits (0.5 s, 1 s, 2 s … with the jitter pinned to the ceiling) elapse as each request arrives.
async function settleRetries<T>(operation: Promise<T>, requests: number): Promise<T> {
  const start = stripe.server.received.length;
  operation.catch(() => undefined); // the caller asserts the outcome; this only keeps an early rejection handled
  for (let index = 1; index < requests; index += 1) {
    await stripe.server.waitForRequests(start + index);
    await clock.advanceAsync(5_000);
  }
  return operation;
}

describe("Stripe adapter against Stripe's OpenAPI spec", () => {
  it("creates, confirms and refunds with spec-valid form bodies, Bearer auth and an Idempotency-Key on every POST", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: 99.99, currency: "USD", metadata: { order_id: "6735" } });
    const confirmed = await payment.confirmPayment(id, "pm_card_visa");
    const partial = await payment.refundPayment(id, 50, "requested_by_customer");
    const rest = await payment.refundPayment(id, undefined, "Partial refund");

    expect(payment.external).toBe(true);
    expect(confirmed).toMatchObject({
      provider: "stripe",
      status: "captured",
      capturedMinor: 9999,
      providerPaymentId: "pi_000001",
    });
    expect([partial.amountMinor, rest.amountMinor]).toEqual([5000, 4999]);
    expect(partial.providerRefundId).toMatch(/^re_/);
    expect((await payment.getPayment(id)).status).toBe("refunded");

    const [create, confirm, refund, refundRest] = stripe.bodies;
    expect(create).toEqual({
      route: "POST /v1/payment_intents",
      body: {
        amount: "9999",
        currency: "usd",
        capture_method: "automatic",
        metadata: { order_id: "6735", pelbiot_payment_id: id },
        payment_method_types: ["card"],
      },
    });
    expect(confirm?.body).toEqual({ payment_method: "pm_card_visa" });
    expect(refund?.body).toEqual({
      payment_intent: "pi_000001",
      amount: "5000",
      reason: "requested_by_customer",
      metadata: { pelbiot_payment_id: id, reason: "requested_by_customer" },
    });
    expect(refundRest?.body).toMatchObject({ amount: "4999", metadata: { reason: "Partial refund" } }); // free text stays out of Stripe's enum
    expect(refundRest?.body).not.toHaveProperty("reason");
    const raw = stripe.server.received[0]?.body ?? "";
    expect(raw).toContain("metadata%5Border_id%5D=6735");
    expect(raw).toContain("payment_method_types%5B0%5D=card");
    const keys = stripe.server.received.map((request) => request.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(4);
    expect(stripe.server.received.every((request) => request.headers["stripe-version"] === "2023-08-16")).toBe(true);
  });

  it("sends zero-decimal and three-decimal amounts in minor units", async () => {
    const payment = gateway();
    await payment.createPayment({ amount: 1500, currency: "jpy", method: "pm_card_visa" });
    await payment.createPayment({ amount: 1.234, currency: "KWD", method: "pm_card_visa" });
    expect(stripe.bodies.map((entry) => [entry.body.amount, entry.body.currency, entry.body.payment_method])).toEqual([
      ["1500", "jpy", "pm_card_visa"],
      ["1234", "kwd", "pm_card_visa"],
    ]);
  });

  it("captures manually and cancels", async () => {
    const payment = gateway();
    const id = await payment.createPayment({
      amount: 20,
      currency: "EUR",
      method: "pm_card_visa",
      captureMethod: "manual",
    });
    expect((await payment.confirmPayment(id)).status).toBe("authorized");
    expect(await payment.capturePayment(id, 15)).toMatchObject({ status: "captured", capturedMinor: 1500 });
    const other = await payment.createPayment({
      amount: 20,
      currency: "EUR",
      method: "pm_card_visa",
      captureMethod: "manual",
    });
    expect((await payment.cancelPayment(other)).status).toBe("canceled");
    expect(stripe.bodies.at(-1)?.route).toBe("POST /v1/payment_intents/{id}/cancel");
  });

  it("reads a payment back with GET and applies it", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: 5, currency: "USD", method: "pm_card_visa" });
    expect((await payment.syncPayment(id)).status).toBe("created");
    expect(stripe.server.received.at(-1)).toMatchObject({ method: "GET", path: "/v1/payment_intents/pi_000001" });
    expect(stripe.server.received.at(-1)?.headers["idempotency-key"]).toBeUndefined();
  });
});

describe("Stripe adapter failure paths", () => {
  it("normalises 402 declines and keeps Stripe's codes; the payment fails", async () => {
    const payment = gateway();
    const declined = await payment.createPayment({ amount: 5, currency: "USD", method: "pm_card_chargeDeclined" });
    const error = await expectPelbiotErrorAsync(() => payment.confirmPayment(declined), "PROVIDER_ERROR");
    expect(error.details).toMatchObject({
      status: 402,
      failure: { code: "card_declined", providerCode: "generic_decline" },
    });
    expect((await payment.getPayment(declined)).status).toBe("failed");
    const poor = await payment.createPayment({
      amount: 5,
      currency: "USD",
      method: "pm_card_chargeDeclinedInsufficientFunds",
    });
    const second = await expectPelbiotErrorAsync(() => payment.confirmPayment(poor), "PROVIDER_ERROR");
    expect(second.details).toMatchObject({
      failure: { code: "insufficient_funds", providerCode: "insufficient_funds" },
    });
    expect(stripe.server.received.filter((request) => request.path.endsWith("/confirm"))).toHaveLength(2); // 402 is never retried
  });

  it("retries 5xx and 409 with the same Idempotency-Key", async () => {
    const payment = gateway();
    stripe.faults.push({
      route: "POST /v1/payment_intents",
      reply: { status: 500, body: stripeErrorBody("api_error", "internal", "boom") },
      times: 1,
    });
    stripe.faults.push({
      route: "POST /v1/payment_intents",
      reply: { status: 409, body: stripeErrorBody("invalid_request_error", "lock_timeout", "locked") },
      times: 1,
    });
    const paymentId = await settleRetries(payment.createPayment({ amount: 1, currency: "USD" }), 3);
    const keys = stripe.server.received.map((request) => request.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe(`${paymentId}-create-1`);
    expect((await payment.getPayment(paymentId)).providerPaymentId).toBe("pi_000001");
  });

  it("does not retry 429 unless Stripe-Should-Retry says so, and never retries when it says false", async () => {
    const payment = gateway();
    stripe.faults.push({
      route: "POST /v1/payment_intents",
      reply: { status: 429, body: stripeErrorBody("invalid_request_error", "rate_limit", "Too many requests") },
      times: 1,
    });
    const limited = await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1, currency: "USD" }),
      "PROVIDER_ERROR",
    );
    expect(limited.details).toMatchObject({
      status: 429,
      retryable: false,
      failure: { code: "rate_limited", providerCode: "rate_limit" },
    });
    expect(stripe.server.received).toHaveLength(1);

    stripe.faults.push({
      route: "POST /v1/payment_intents",
      reply: {
        status: 429,
        headers: { "stripe-should-retry": "true" },
        body: stripeErrorBody("invalid_request_error", "rate_limit", "Too many requests"),
      },
      times: 1,
    });
    await settleRetries(payment.createPayment({ amount: 1, currency: "USD" }), 2);
    expect(stripe.server.received).toHaveLength(3);

    stripe.faults.push({
      route: "POST /v1/payment_intents",
      reply: {
        status: 503,
        headers: { "stripe-should-retry": "false" },
        body: stripeErrorBody("api_error", "unavailable", "down"),
      },
      times: 1,
    });
    const down = await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1, currency: "USD" }),
      "PROVIDER_ERROR",
    );
    expect(down.details).toMatchObject({ failure: { code: "provider_unavailable" } });
    expect(stripe.server.received).toHaveLength(4);
  });

  it("times out on the injected clock and resumes the confirmation with the same key", async () => {
    const payment = gateway(0);
    const id = await payment.createPayment({ amount: 8, currency: "USD", method: "pm_card_visa" });
    stripe.faults.push({ route: "POST /v1/payment_intents/{id}/confirm", reply: "hang", times: 1 });
    const hanging = payment.confirmPayment(id);
    hanging.catch(() => undefined); // asserted below, after the clock has fired the deadline
    await stripe.server.waitForRequests(2);
    await clock.advanceAsync(10_000);
    const error = await expectPelbiotErrorAsync(() => hanging, "PROVIDER_ERROR");
    expect(error.details).toMatchObject({
      failure: { code: "provider_unavailable", providerCode: "timeout" },
      retryable: true,
    });
    expect((await payment.getPayment(id)).status).toBe("created");
    expect((await payment.confirmPayment(id)).status).toBe("captured");
    const confirms = stripe.server.received.filter((request) => request.path.endsWith("/confirm"));
    expect(confirms.map((request) => request.headers["idempotency-key"])).toEqual([
      `${id}-confirm-2`,
      `${id}-confirm-2`,
    ]);
  });

  it("keeps a refund that hit 5xx on every attempt reserved, and finishes it with the same key", async () => {
    const payment = gateway(1);
    const id = await payment.createPayment({ amount: 10, currency: "USD", method: "pm_card_visa" });
    await payment.confirmPayment(id);
    stripe.faults.push({
      route: "POST /v1/refunds",
      reply: { status: 502, body: stripeErrorBody("api_error", "bad_gateway", "bad gateway") },
      times: 2,
    });
    const failing = settleRetries(
      payment.refundPayment(id, 10, "requested_by_customer", { idempotencyKey: "rf-9" }),
      2,
    );
    await expectPelbiotErrorAsync(() => failing, "PROVIDER_ERROR");
    const reserved = await payment.getPayment(id);
    expect(reserved.refunds).toMatchObject([{ status: "pending", amountMinor: 1000 }]);
    await expectPelbiotErrorAsync(() => payment.refundPayment(id, 1), "LIMIT_EXCEEDED"); // the reservation holds
    const done = await payment.refundPayment(id, 10, "requested_by_customer", { idempotencyKey: "rf-9" });
    expect(done.status).toBe("succeeded");
    const refundKeys = stripe.server.received
      .filter((request) => request.path === "/v1/refunds")
      .map((request) => request.headers["idempotency-key"]);
    expect(refundKeys).toHaveLength(3);
    expect(new Set(refundKeys).size).toBe(1);
    expect((await payment.getPayment(id)).refundedMinor).toBe(1000);
  });

  it("marks a refund Stripe refuses as failed, emits refund.failed and releases its reserved amount", async () => {
    const payment = gateway();
    const failedRefunds: string[] = [];
    payment.on("refund.failed", (_record, refund) => failedRefunds.push(`${refund.amount}:${refund.failure?.code}`));
    const id = await payment.createPayment({ amount: 10, currency: "USD", method: "pm_card_visa" });
    await payment.confirmPayment(id);
    stripe.faults.push({
      route: "POST /v1/refunds",
      reply: { status: 400, body: stripeErrorBody("invalid_request_error", "charge_disputed", "Disputed") },
      times: 1,
    });
    const error = await expectPelbiotErrorAsync(() => payment.refundPayment(id, 10), "PROVIDER_ERROR");
    expect(error.details).toMatchObject({ failure: { code: "invalid_request", providerCode: "charge_disputed" } });
    expect(failedRefunds).toEqual(["10.00:invalid_request"]);
    expect((await payment.getPayment(id)).refunds).toMatchObject([{ status: "failed" }]);
    expect((await payment.refundPayment(id, 10)).status).toBe("succeeded"); // the amount was released
    expect(await payment.getPayment(id)).toMatchObject({ status: "refunded", refundedMinor: 1000 });
  });

  it("reports a reused key with other parameters as idempotency_conflict, and 401 as authentication_failed", async () => {
    const provider = createStripePaymentProvider({
      secretKey: SECRET_KEY,
      baseUrl: stripe.url,
      clock,
      maxNetworkRetries: 0,
    });
    const request = {
      paymentId: "pay_1",
      amountMinor: 100,
      amount: "1.00",
      currency: "USD",
      method: "credit_card",
      captureMethod: "automatic" as const,
      description: null,
      metadata: {},
    };
    await provider.createPayment(request, { idempotencyKey: "same" });
    const conflict = await expectPelbiotErrorAsync(
      () => provider.createPayment({ ...request, amountMinor: 200 }, { idempotencyKey: "same" }),
      "PROVIDER_ERROR",
    );
    expect(conflict.details).toMatchObject({
      status: 400,
      failure: { code: "idempotency_conflict", providerCode: "idempotency_key_in_use" },
    });
    stripe.faults.push({
      route: "POST /v1/payment_intents",
      reply: { status: 401, body: stripeErrorBody("invalid_request_error", "api_key_invalid", "Invalid API Key") },
      times: 1,
    });
    const denied = await expectPelbiotErrorAsync(
      () => provider.createPayment(request, { idempotencyKey: "other" }),
      "PROVIDER_ERROR",
    );
    expect(denied.details).toMatchObject({ failure: { code: "authentication_failed" } });
    expect(PelbiotError.is(denied)).toBe(true);
  });

  it("reports a refused connection as provider_unavailable, retryable, and stores nothing at the provider", async () => {
    const gone = await startFakeStripe();
    const url = gone.url;
    await gone.close();
    const payment = new PaymentGatewayIntegration({
      provider: "stripe",
      stripe: { secretKey: SECRET_KEY, baseUrl: url, maxNetworkRetries: 0 },
      clock,
    });
    const error = await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1, currency: "USD" }),
      "PROVIDER_ERROR",
    );
    expect(error.details).toMatchObject({
      retryable: true,
      failure: { code: "provider_unavailable", providerCode: "network_error" },
    });
  });

  it("validates its own options", () => {
    expectPelbiotError(() => createStripePaymentProvider({ secretKey: "pk_test_public" }), "VALIDATION_ERROR");
    expectPelbiotError(
      () => createStripePaymentProvider({ secretKey: SECRET_KEY, retries: 2 } as never),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(
      () => createStripePaymentProvider({ secretKey: SECRET_KEY, baseUrl: "ftp://x" }),
      "VALIDATION_ERROR",
    );
  });
});
