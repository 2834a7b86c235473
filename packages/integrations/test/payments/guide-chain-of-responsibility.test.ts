// The guide's Integration Pattern 2 (chain of responsibility), written as in the guide with `await` where I/O
// happens: credentials → create → confirm → analytics event → webhook. Every link is real: the Stripe key comes out
// of APICredentialsManager's envelope encryption, the payment goes to a spec-checked Stripe stand-in on 127.0.0.1,
// the event lands in the AnalyticsDataCollector, and the webhook is delivered signed to a receiver on 127.0.0.1.
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import {
  type CreatePaymentInput,
  type Payment,
  PaymentGatewayIntegration,
} from "../../src/payments/payment-gateway-integration";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { type FakeStripe, SECRET_KEY, startFakeStripe } from "./support/fake-stripe";
import { type ProviderServer, startProviderServer } from "./support/provider-server";

const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let stripe: FakeStripe;
let receiver: ProviderServer;
let webhookManager: WebhookManager;

beforeEach(async () => {
  stripe = await startFakeStripe();
  receiver = await startProviderServer(() => ({ status: 204 }));
  webhookManager = new WebhookManager({ allowedHosts: ["127.0.0.1"] });
});
afterEach(async () => {
  await webhookManager.close();
  await receiver.close();
  expect(stripe.violations).toEqual([]);
  await stripe.close();
});

describe("the guide's chain of responsibility (Integration Patterns, Pattern 2)", () => {
  it("runs credentials → create → confirm → analytics event → webhook as written", async () => {
    const credentialsManager = new APICredentialsManager({ keyProvider: createEphemeralKeyProvider() });
    const analyticsCollector = new AnalyticsDataCollector();
    await credentialsManager.storeCredentials("stripe", SECRET_KEY, "unused-secret", "user-1");
    await webhookManager.registerWebhook({
      event: "payment.confirmed",
      url: `${receiver.url}/hooks`,
      secret: WEBHOOK_SECRET,
    });

    // The guide's validatePayment (Best Practices, "Validate all inputs").
    const validatePayment = (data: CreatePaymentInput): CreatePaymentInput => {
      if (!data.amount || Number(data.amount) <= 0) throw new Error("Invalid amount");
      if (data.currency?.length !== 3) throw new Error("Invalid currency");
      return data;
    };

    async function processPayment(paymentData: CreatePaymentInput): Promise<Payment> {
      // 1. Validate
      const validPayment = validatePayment(paymentData);
      // 2. Credentials
      const creds = await credentialsManager.getCredentials("stripe", "user-1");
      const paymentGateway = new PaymentGatewayIntegration({
        provider: "stripe",
        stripe: { secretKey: creds.reveal().apiKey, baseUrl: stripe.url },
      });
      // 3. Process payment
      const paymentId = await paymentGateway.createPayment(validPayment);
      // 4. Confirm payment
      const confirmed = await paymentGateway.confirmPayment(paymentId);
      // 5. Track analytics
      analyticsCollector.trackEvent("payment_completed", confirmed);
      // 6. Trigger webhook
      await webhookManager.triggerWebhook("payment.confirmed", confirmed);
      return confirmed;
    }

    const confirmed = await processPayment({ amount: 99.99, currency: "USD", method: "pm_card_visa" });
    await webhookManager.flush({ timeoutMs: 10_000 });

    expect(confirmed).toMatchObject({ provider: "stripe", external: true, status: "captured", amountMinor: 9999 });
    expect(stripe.server.received.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${SECRET_KEY}`,
      `Bearer ${SECRET_KEY}`,
    ]);
    const [event] = analyticsCollector.getEvents();
    expect(event).toMatchObject({ name: "payment_completed", properties: { id: confirmed.id, amount: "99.99" } });
    const [delivery] = receiver.received;
    expect(delivery?.path).toBe("/hooks");
    const headers = delivery?.headers as Record<string, string>;
    const payload = new Webhook(WEBHOOK_SECRET).verify(delivery?.body ?? "", headers) as { data?: Payment } & Payment;
    expect(JSON.stringify(payload)).toContain(confirmed.id);
    expect(JSON.stringify(payload)).toContain('"status":"captured"');
  });

  it("wires the integration's events into analytics and webhooks (Pattern 1 style)", async () => {
    const analyticsCollector = new AnalyticsDataCollector();
    await webhookManager.registerWebhook({ events: ["payment.*"], url: `${receiver.url}/all`, secret: WEBHOOK_SECRET });
    const payment = new PaymentGatewayIntegration();
    const forwarded: Array<Promise<unknown>> = [];
    const forward = (name: string, record: Payment) => {
      analyticsCollector.trackEvent(name.replace(".", "_"), { id: record.id, status: record.status });
      forwarded.push(webhookManager.triggerWebhook(name, record));
    };
    payment.on("payment.created", (record) => forward("payment.created", record));
    payment.on("payment.confirmed", (record) => forward("payment.confirmed", record));
    payment.on("payment.refunded", (record) => forward("payment.refunded", record));
    const paymentId = await payment.createPayment({ amount: 99.99, currency: "USD", method: "credit_card" });
    await payment.confirmPayment(paymentId, "auth-code");
    await payment.refundPayment(paymentId, 50.0, "Partial refund");
    await Promise.all(forwarded);
    await webhookManager.flush({ timeoutMs: 10_000 });
    expect(analyticsCollector.getEvents().map((event) => event.name)).toEqual([
      "payment_created",
      "payment_confirmed",
      "payment_refunded",
    ]);
    expect(receiver.received).toHaveLength(3);
  });
});
