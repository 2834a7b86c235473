/**
 * Guide, "Module Details › 2. Third-Party Integrations":
 * "WebhookManager - Event Delivery"
 *
 * The guide's URL is a placeholder, and deliveries go over the network; this example delivers to a receiver on
 * 127.0.0.1 instead (allowed with `allowedHosts`, since the SSRF guard refuses loopback addresses by default), which
 * verifies the signature. Registering and triggering write to storage, so they take `await`; delivery happens in
 * the background, so `flush()` waits for it before reading the logs.
 */
import { WebhookManager } from "@pelbiot/integrations";
import { startLocalReceiver } from "./support/local-receiver";

export const title = "WebhookManager - Event Delivery";

export async function run() {
  const receiver = await startLocalReceiver("webhook-secret");
  try {
    // Initialize
    const webhooks = new WebhookManager({ allowedHosts: ["127.0.0.1"] });

    // Register webhook
    await webhooks.registerWebhook({
      event: "payment.confirmed",
      url: receiver.url, // "https://example.com/webhooks" in production
      secret: "webhook-secret",
    });

    // Trigger webhook
    await webhooks.triggerWebhook("payment.confirmed", {
      paymentId: "pay-123",
      amount: 99.99,
    });

    // Get delivery logs
    await webhooks.flush({ timeoutMs: 10_000 });
    const logs = webhooks.getDeliveryLogs();
    await webhooks.close();

    return { statusCodes: logs.map((log) => log.statusCode), received: receiver.received };
  } finally {
    await receiver.close();
  }
}
