import { createManualClock, type ManualClock } from "@pelbiot/core";
import { expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PaymentGatewayIntegration } from "../../src/payments/payment-gateway-integration";
import { createPayPalPaymentProvider } from "../../src/payments/providers/paypal-provider";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type FakePayPal,
  paypalError,
  startFakePayPal,
  TOKEN_LIFETIME_S,
} from "./support/fake-paypal";

const START = Date.UTC(2026, 0, 1);
let paypal: FakePayPal;
let clock: ManualClock;

beforeEach(async () => {
  paypal = await startFakePayPal();
  clock = createManualClock(START);
});
afterEach(async () => {
  expect(paypal.violations).toEqual([]);
  await paypal.close();
});

function gateway(maxRetries = 2): PaymentGatewayIntegration {
  return new PaymentGatewayIntegration({
    provider: "paypal",
    paypal: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseUrl: paypal.url, maxRetries, random: () => 1 },
    clock,
  });
}

async function settleRetries<T>(operation: Promise<T>, requests: number): Promise<T> {
  operation.catch(() => undefined); // asserted by the caller
  const start = paypal.server.received.length;
  for (let index = 1; index < requests; index += 1) {
    await paypal.server.waitForRequests(start + index);
    await clock.advanceAsync(10_000);
  }
  return operation;
}

describe("PayPal adapter against PayPal's OpenAPI spec", () => {
  it("creates an order, sends the payer to approve it, and captures on confirm once approved", async () => {
    const payment = gateway();
    const id = await payment.createPayment({
      amount: 99.99,
      currency: "USD",
      method: "paypal",
      description: "Order 42",
    });
    const created = await payment.getPayment(id);
    expect(created).toMatchObject({
      provider: "paypal",
      external: true,
      status: "requires_action",
      nextAction: { type: "redirect" },
    });
    expect(created.nextAction?.url).toContain(`token=${created.providerPaymentId}`);

    const early = await expectPelbiotErrorAsync(() => payment.confirmPayment(id), "PROVIDER_ERROR");
    expect(early.details).toMatchObject({
      status: 422,
      failure: { code: "authentication_required", providerCode: "ORDER_NOT_APPROVED" },
    });
    // Confirming before the payer approved does not kill the payment: it waits for the payer, then captures.
    expect(await payment.getPayment(id)).toMatchObject({
      status: "requires_action",
      failure: { code: "authentication_required" },
    });
    paypal.approved.add(created.providerPaymentId as string);
    expect(await payment.confirmPayment(id)).toMatchObject({ status: "captured", capturedMinor: 9999, failure: null });
  });

  it("runs the approved flow end to end with PayPal-Request-Id on every POST and one cached token", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: "1500", currency: "JPY", method: "paypal" });
    const order = (await payment.getPayment(id)).providerPaymentId as string;
    paypal.approved.add(order);
    const captured = await payment.confirmPayment(id);
    expect(captured).toMatchObject({
      status: "captured",
      capturedMinor: 1500,
      providerData: { captureId: expect.stringMatching(/^3C/) },
    });
    const refund = await payment.refundPayment(id, 500, "Partial refund");
    expect(refund).toMatchObject({
      status: "succeeded",
      amount: "500",
      providerRefundId: expect.stringMatching(/^1JU/),
    });

    const [token, create, capture, refundCall] = paypal.server.received;
    expect(token?.path).toBe("/v1/oauth2/token");
    expect(JSON.parse(create?.body ?? "")).toEqual({
      intent: "CAPTURE",
      purchase_units: [{ reference_id: id, custom_id: id, amount: { currency_code: "JPY", value: "1500" } }],
    });
    expect(capture?.path).toBe(`/v2/checkout/orders/${order}/capture`);
    expect(JSON.parse(refundCall?.body ?? "")).toEqual({
      amount: { currency_code: "JPY", value: "500" },
      note_to_payer: "Partial refund",
    });
    const requestIds = paypal.server.received.slice(1).map((request) => request.headers["paypal-request-id"]);
    expect(new Set(requestIds).size).toBe(3);
    expect(paypal.tokensIssued).toBe(1);
  });

  it("formats decimal values exactly for two- and three-decimal currencies", async () => {
    const payment = gateway();
    await payment.createPayment({ amount: 0.1 + 0.2, currency: "EUR", method: "paypal" });
    await payment.createPayment({ amount: "1.234", currency: "BHD", method: "paypal" });
    const values = paypal.server.received
      .filter((request) => request.path === "/v2/checkout/orders")
      .map((request) => JSON.parse(request.body).purchase_units[0].amount);
    expect(values).toEqual([
      { currency_code: "EUR", value: "0.30" },
      { currency_code: "BHD", value: "1.234" },
    ]);
  });

  it("renews the token only after expires_in (minus a minute) has run out on the clock", async () => {
    const payment = gateway();
    await payment.createPayment({ amount: 1, currency: "USD", method: "paypal" });
    await clock.advanceAsync((TOKEN_LIFETIME_S - 61) * 1000);
    await payment.createPayment({ amount: 1, currency: "USD", method: "paypal" });
    expect(paypal.tokensIssued).toBe(1);
    await clock.advanceAsync(2_000);
    await payment.createPayment({ amount: 1, currency: "USD", method: "paypal" });
    expect(paypal.tokensIssued).toBe(2);
  });

  it("shares one token request between concurrent calls", async () => {
    const payment = gateway();
    await Promise.all(
      Array.from({ length: 5 }, () => payment.createPayment({ amount: 1, currency: "USD", method: "paypal" })),
    );
    expect(paypal.tokensIssued).toBe(1);
  });
});

describe("PayPal adapter failure paths", () => {
  it("retries 429, 503 and a refund's 409 with the same PayPal-Request-Id", async () => {
    const payment = gateway();
    paypal.faults.push({
      route: "POST /v2/checkout/orders",
      reply: paypalError(429, "RATE_LIMIT_REACHED", "RATE_LIMIT_REACHED"),
      times: 1,
    });
    paypal.faults.push({
      route: "POST /v2/checkout/orders",
      reply: paypalError(503, "SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE"),
      times: 1,
    });
    const id = await settleRetries(payment.createPayment({ amount: 10, currency: "USD", method: "paypal" }), 4);
    const creates = paypal.server.received.filter((request) => request.path === "/v2/checkout/orders");
    expect(creates).toHaveLength(3);
    expect(new Set(creates.map((request) => request.headers["paypal-request-id"]))).toEqual(
      new Set([`${id}-create-1`]),
    );

    paypal.approved.add((await payment.getPayment(id)).providerPaymentId as string);
    await payment.confirmPayment(id);
    paypal.faults.push({
      route: "POST /v2/payments/captures/{id}/refund",
      reply: paypalError(409, "RESOURCE_CONFLICT", "PREVIOUS_REQUEST_IN_PROGRESS"),
      times: 1,
    });
    const refund = await settleRetries(payment.refundPayment(id, 10), 2);
    expect(refund.status).toBe("succeeded");
    const refunds = paypal.server.received.filter((request) => request.path.endsWith("/refund"));
    expect(refunds.map((request) => request.headers["paypal-request-id"])).toEqual([
      refund.idempotencyKey,
      refund.idempotencyKey,
    ]);
  });

  it("normalises a declined instrument and a bad request, and does not retry them", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: 10, currency: "USD", method: "paypal" });
    paypal.faults.push({
      route: "POST /v2/checkout/orders/{id}/capture",
      reply: paypalError(422, "UNPROCESSABLE_ENTITY", "INSTRUMENT_DECLINED"),
      times: 1,
    });
    const declined = await expectPelbiotErrorAsync(() => payment.confirmPayment(id), "PROVIDER_ERROR");
    expect(declined.details).toMatchObject({
      status: 422,
      retryable: false,
      failure: { code: "card_declined", providerCode: "INSTRUMENT_DECLINED" },
    });
    expect((await payment.getPayment(id)).status).toBe("failed");
    paypal.faults.push({
      route: "POST /v2/checkout/orders",
      reply: paypalError(400, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE"),
      times: 1,
    });
    const invalid = await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1, currency: "USD", method: "paypal" }),
      "PROVIDER_ERROR",
    );
    expect(invalid.details).toMatchObject({
      failure: { code: "invalid_request", providerCode: "INVALID_PARAMETER_VALUE" },
    });
    expect(paypal.server.received.filter((request) => request.path.endsWith("/capture"))).toHaveLength(1);
  });

  it("reports wrong client credentials as authentication_failed", async () => {
    const payment = new PaymentGatewayIntegration({
      provider: "paypal",
      paypal: { clientId: CLIENT_ID, clientSecret: "wrong", baseUrl: paypal.url },
      clock,
    });
    const error = await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1, currency: "USD" }),
      "PROVIDER_ERROR",
    );
    expect(error.details).toMatchObject({
      status: 401,
      failure: { code: "authentication_failed", providerCode: "invalid_client" },
    });
  });

  it("times out on the injected clock", async () => {
    const payment = gateway(0);
    paypal.faults.push({ route: "POST /v2/checkout/orders", reply: "hang", times: 1 });
    const hanging = payment.createPayment({ amount: 1, currency: "USD", method: "paypal" });
    hanging.catch(() => undefined); // asserted below
    await paypal.server.waitForRequests(2);
    await clock.advanceAsync(30_000);
    const error = await expectPelbiotErrorAsync(() => hanging, "PROVIDER_ERROR");
    expect(error.details).toMatchObject({ failure: { code: "provider_unavailable", providerCode: "timeout" } });
  });

  it("refuses manual capture and validates its options", async () => {
    const payment = gateway();
    await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1, currency: "USD", captureMethod: "manual" }),
      "UNSUPPORTED",
    );
    expectPelbiotError(
      () => createPayPalPaymentProvider({ clientId: "a", clientSecret: "b", environment: "prod" as never }),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(() => createPayPalPaymentProvider({ clientId: "", clientSecret: "b" }), "VALIDATION_ERROR");
  });
});
