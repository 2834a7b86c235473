import { createHmac } from "node:crypto";
import { createManualClock } from "@pelbiot/core";
import { expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PaymentGatewayIntegration } from "../../src/payments/payment-gateway-integration";
import { verifyStripeSignature } from "../../src/payments/stripe-webhook-signature";
import { type FakeStripe, SECRET_KEY, startFakeStripe } from "./support/fake-stripe";
import { readSpec } from "./support/spec-schemas";

interface Vector {
  secret: string;
  timestamp: number;
  payload: string;
  header: string;
  verifyAt: { receivedAt: number; tolerance: number };
  tooOld: { receivedAt: number; tolerance: number };
  tamperedPayload: { payload: string };
}
const { vectors } = readSpec<{ vectors: Vector[] }>("stripe-webhooks.json");
const SECRET = "whsec_test_secret";

describe("verifyStripeSignature with Stripe's own vectors", () => {
  it.each(vectors.map((vector, index) => [index, vector] as const))(
    "vector %i: valid, too old, tampered",
    (_index, vector) => {
      const at = (seconds: number) => ({ now: seconds * 1000, toleranceMs: vector.verifyAt.tolerance * 1000 });
      expect(verifyStripeSignature(vector.payload, vector.header, vector.secret, at(vector.verifyAt.receivedAt))).toBe(
        vector.timestamp,
      );
      expect(
        verifyStripeSignature(
          Buffer.from(vector.payload),
          vector.header,
          vector.secret,
          at(vector.verifyAt.receivedAt),
        ),
      ).toBe(vector.timestamp);
      const old = expectPelbiotError(
        () => verifyStripeSignature(vector.payload, vector.header, vector.secret, at(vector.tooOld.receivedAt)),
        "INTEGRITY_ERROR",
      );
      expect(old.message).toContain("Timestamp outside the tolerance zone");
      const tampered = expectPelbiotError(
        () =>
          verifyStripeSignature(
            vector.tamperedPayload.payload,
            vector.header,
            vector.secret,
            at(vector.verifyAt.receivedAt),
          ),
        "INTEGRITY_ERROR",
      );
      expect(tampered.message).toContain("No signatures found matching the expected signature");
    },
  );

  it("accepts any matching v1 among several (secret rotation), ignores v0, rejects malformed headers and the far future", () => {
    const [vector] = vectors as [Vector];
    const now = { now: vector.verifyAt.receivedAt * 1000 };
    const other = "0".repeat(64);
    expect(
      verifyStripeSignature(
        vector.payload,
        `t=${vector.timestamp},v1=${other},${vector.header.split(",")[1]}`,
        vector.secret,
        now,
      ),
    ).toBe(vector.timestamp);
    const v0Only = `t=${vector.timestamp},v0=${vector.header.split("v1=")[1]}`;
    expectPelbiotError(() => verifyStripeSignature(vector.payload, v0Only, vector.secret, now), "INTEGRITY_ERROR");
    for (const header of ["", "garbage", `v1=${other}`, `t=abc,v1=${other}`]) {
      expectPelbiotError(() => verifyStripeSignature(vector.payload, header, vector.secret, now), "INTEGRITY_ERROR");
    }
    expectPelbiotError(
      () => verifyStripeSignature(vector.payload, vector.header, `${vector.secret}x`, now),
      "INTEGRITY_ERROR",
    );
    const future = { now: (vector.timestamp - 301) * 1000 };
    expectPelbiotError(
      () => verifyStripeSignature(vector.payload, vector.header, vector.secret, future),
      "INTEGRITY_ERROR",
    );
  });
});

describe("PaymentGatewayIntegration.handleStripeWebhook", () => {
  let stripe: FakeStripe;
  beforeEach(async () => {
    stripe = await startFakeStripe();
  });
  afterEach(async () => {
    await stripe.close();
  });

  // Signs like Stripe does (hex HMAC-SHA256 over "t.body" keyed by the whole whsec_ string), computed here with
  // node:crypto independently of the code under test.
  function sign(body: string, timestamp: number): string {
    const signature = createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex");
    return `t=${timestamp},v1=${signature}`;
  }

  it("moves the payment forward once per event id, and ignores redeliveries and late, older states", async () => {
    const clock = createManualClock(1_700_000_000_000);
    const payment = new PaymentGatewayIntegration({
      provider: "stripe",
      stripe: { secretKey: SECRET_KEY, baseUrl: stripe.url },
      stripeWebhookSecret: SECRET,
      clock,
    });
    const confirmed: string[] = [];
    payment.on("payment.confirmed", (record) => confirmed.push(record.status));
    const id = await payment.createPayment({ amount: 12, currency: "USD", method: "pm_card_visa" });
    const { providerPaymentId } = await payment.getPayment(id);
    const now = Math.floor(clock.now() / 1000);
    const succeeded = JSON.stringify({
      id: "evt_100",
      object: "event",
      type: "payment_intent.succeeded",
      data: { object: { id: providerPaymentId, object: "payment_intent", amount_received: 1200, status: "succeeded" } },
    });
    const first = await payment.handleStripeWebhook(succeeded, sign(succeeded, now));
    expect(first).toMatchObject({
      eventId: "evt_100",
      duplicate: false,
      payment: { id, status: "captured", capturedMinor: 1200 },
    });
    expect((await payment.handleStripeWebhook(succeeded, sign(succeeded, now))).duplicate).toBe(true);
    expect(confirmed).toEqual(["captured"]);

    const refunded = JSON.stringify({
      id: "evt_101",
      type: "charge.refunded",
      data: { object: { id: "ch_1", object: "charge", payment_intent: providerPaymentId, amount_refunded: 500 } },
    });
    const afterRefund = await payment.handleStripeWebhook(Buffer.from(refunded), sign(refunded, now));
    expect(afterRefund.payment).toMatchObject({ status: "partially_refunded", refundedMinor: 500 });

    const late = JSON.stringify({
      id: "evt_099",
      type: "payment_intent.amount_capturable_updated",
      data: { object: { id: providerPaymentId, object: "payment_intent" } },
    });
    expect((await payment.handleStripeWebhook(late, sign(late, now))).payment?.status).toBe("partially_refunded");
    // The refund ledger still limits what this library may refund on top of the outside refund.
    await expectPelbiotErrorAsync(() => payment.refundPayment(id, 7.01), "LIMIT_EXCEEDED");
  });

  it("fails the payment on payment_intent.payment_failed and emits payment.failed with Stripe's codes", async () => {
    const clock = createManualClock(1_700_000_000_000);
    const payment = new PaymentGatewayIntegration({
      provider: "stripe",
      stripe: { secretKey: SECRET_KEY, baseUrl: stripe.url },
      stripeWebhookSecret: SECRET,
      clock,
    });
    const failures: string[] = [];
    payment.on("payment.failed", (_record, failure) => failures.push(`${failure.code}/${failure.providerCode}`));
    const id = await payment.createPayment({ amount: 12, currency: "USD", method: "pm_card_visa" });
    const { providerPaymentId } = await payment.getPayment(id);
    const body = JSON.stringify({
      id: "evt_200",
      type: "payment_intent.payment_failed",
      data: {
        object: {
          id: providerPaymentId,
          status: "requires_payment_method",
          last_payment_error: {
            type: "card_error",
            code: "card_declined",
            decline_code: "stolen_card",
            message: "Declined",
          },
        },
      },
    });
    const result = await payment.handleStripeWebhook(body, sign(body, 1_700_000_000));
    expect(result.payment).toMatchObject({
      status: "failed",
      failure: { code: "card_declined", providerCode: "stolen_card" },
    });
    expect(failures).toEqual(["card_declined/stolen_card"]);
  });

  it("rejects bad signatures before touching state, and needs the secret configured", async () => {
    const clock = createManualClock(1_700_000_000_000);
    const payment = new PaymentGatewayIntegration({ stripeWebhookSecret: SECRET, clock });
    const body = JSON.stringify({ id: "evt_1", type: "payment_intent.succeeded", data: { object: { id: "pi_x" } } });
    await expectPelbiotErrorAsync(
      () => payment.handleStripeWebhook(body, sign(`${body} `, 1_700_000_000)),
      "INTEGRITY_ERROR",
    );
    await expectPelbiotErrorAsync(
      () => payment.handleStripeWebhook(body, sign(body, 1_699_999_000)),
      "INTEGRITY_ERROR",
    );
    await expectPelbiotErrorAsync(() => payment.handleStripeWebhook(JSON.parse(body), "t=1,v1=00"), "VALIDATION_ERROR");
    const unknown = await payment.handleStripeWebhook(body, sign(body, 1_700_000_000));
    expect(unknown).toMatchObject({ duplicate: false, payment: null });
    const unconfigured = new PaymentGatewayIntegration({ clock });
    await expectPelbiotErrorAsync(
      () => unconfigured.handleStripeWebhook(body, sign(body, 1_700_000_000)),
      "CONFIGURATION_ERROR",
    );
  });
});
