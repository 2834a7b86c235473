/**
 * Guide, "Troubleshooting":
 * "Issue: Webhook Delivery Failed"
 *
 * Runs as written with the set-up it needs: a manager whose endpoint (on 127.0.0.1) answers 500, one trigger, and
 * `flush()` so the first attempt is logged before the logs are read. Standard Webhooks receivers may answer any 2xx,
 * so `log.success` is the better test than `statusCode !== 200`; the failed attempt stays queued for its retry,
 * which `close()` leaves in storage.
 */
import { WebhookManager } from "@pelbiot/integrations";
import { startLocalReceiver } from "./support/local-receiver";

export const title = "Issue: Webhook Delivery Failed";

export async function run() {
  const receiver = await startLocalReceiver("webhook-secret", 500);
  const webhookManager = new WebhookManager({ allowedHosts: ["127.0.0.1"] });
  try {
    await webhookManager.registerWebhook({ event: "user.registered", url: receiver.url, secret: "webhook-secret" });
    await webhookManager.triggerWebhook("user.registered", { userId: "user-1" });
    const { scheduled } = await webhookManager.flush({ timeoutMs: 10_000 });

    const failed: unknown[] = [];
    // Webhook manager implements automatic retry
    // Check delivery logs
    const logs = webhookManager.getDeliveryLogs();
    logs.forEach((log) => {
      if (log.statusCode !== 200) {
        console.log("Failed delivery:", log);
        failed.push(log);
      }
    });

    return {
      failed: failed.length,
      statusCodes: logs.map((log) => log.statusCode),
      retryScheduled: scheduled,
      nextAttempt: logs[0]?.nextAttemptAt !== null,
    };
  } finally {
    await webhookManager.close();
    await receiver.close();
  }
}
