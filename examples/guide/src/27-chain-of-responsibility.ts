/**
 * Guide, "Integration Patterns":
 * "Pattern 2: Chain of Responsibility"
 *
 * Runs with three changes. The payment, credential and webhook calls do I/O, so each takes `await`. A credential
 * belongs to an owner, so `getCredentials` names one (`"merchant"`; the guide leaves it out). And the guide calls
 * `validatePayment` from its security section, which returns nothing; this one returns the payment it checked. The
 * set-up creates the five objects the chain uses, a stored Stripe key and a webhook receiver on 127.0.0.1.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import {
  APICredentialsManager,
  type CreatePaymentInput,
  PaymentGatewayIntegration,
  WebhookManager,
} from "@pelbiot/integrations";
import { exampleKeyProvider } from "./support/example-key-provider";
import { startLocalReceiver } from "./support/local-receiver";

export const title = "Pattern 2: Chain of Responsibility";

export async function run() {
  const receiver = await startLocalReceiver("webhook-secret");
  const credentialsManager = new APICredentialsManager({ keyProvider: exampleKeyProvider() });
  const paymentGateway = new PaymentGatewayIntegration();
  const analyticsCollector = new AnalyticsDataCollector();
  const webhookManager = new WebhookManager({ allowedHosts: ["127.0.0.1"] });
  await credentialsManager.storeCredentials("stripe", "sk_live_xxx", "secret", "merchant");
  await webhookManager.registerWebhook({ event: "payment.confirmed", url: receiver.url, secret: "webhook-secret" });

  const validatePayment = (data: CreatePaymentInput): CreatePaymentInput => {
    if (!data.amount || Number(data.amount) <= 0) throw new Error("Invalid amount");
    // biome-ignore lint/complexity/useOptionalChain: the guide\'s check, kept as written
    if (!data.currency || data.currency.length !== 3) throw new Error("Invalid currency");
    return data;
  };

  // Process payment through multiple handlers
  async function processPayment(paymentData: CreatePaymentInput) {
    // 1. Validate
    const validPayment = validatePayment(paymentData);

    // 2. Store credentials
    const creds = await credentialsManager.getCredentials("stripe", "merchant");

    // 3. Process payment
    const paymentId = await paymentGateway.createPayment(validPayment);

    // 4. Confirm payment
    const confirmed = await paymentGateway.confirmPayment(paymentId);

    // 5. Track analytics
    analyticsCollector.trackEvent("payment_completed", confirmed);

    // 6. Trigger webhook
    await webhookManager.triggerWebhook("payment.confirmed", confirmed);

    return { ...confirmed, credentialProvider: creds.provider };
  }

  try {
    const confirmed = await processPayment({ amount: 99.99, currency: "USD", method: "credit_card" });
    await webhookManager.flush({ timeoutMs: 10_000 });
    await webhookManager.close();
    const completed = analyticsCollector.getEventStats("payment_completed").totalEvents;
    await analyticsCollector.shutdown();
    return { status: confirmed.status, completed, delivered: receiver.received.length };
  } finally {
    await receiver.close();
  }
}
