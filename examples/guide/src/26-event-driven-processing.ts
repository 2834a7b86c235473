/**
 * Guide, "Integration Patterns":
 * "Pattern 1: Event-Driven Processing"
 *
 * Runs as written once the three objects exist: the push manager emits `notification_sent` and
 * `notification_failed`, the collector records events, and the anomaly engine's `trackEvent` counts events per
 * interval so a burst of failures becomes an anomaly. A delivery result carries more than an event's flat properties
 * hold, so the listener passes the fields worth counting. The log transport answers "invalid_token" for one device
 * so that both events fire.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import { AnomalyDetectionEngine } from "@pelbiot/ml";
import { createLogPushTransport, PushNotificationManager } from "@pelbiot/mobile/server";

export const title = "Pattern 1: Event-Driven Processing";

export async function run() {
  const analyticsCollector = new AnalyticsDataCollector();
  const anomalyDetector = new AnomalyDetectionEngine();
  const log = createLogPushTransport({
    respond: (message) =>
      message.device.token === "expired-token" ? { status: "invalid_token" } : { status: "delivered" },
  });

  // Module emits events
  const pushManager = new PushNotificationManager({ transports: { log } });

  pushManager.on("notification_sent", (data) => {
    analyticsCollector.trackEvent("notification_sent", { deviceId: data.deviceId, status: data.status });
  });

  pushManager.on("notification_failed", (data) => {
    anomalyDetector.trackEvent("notification_failure", data);
  });

  await pushManager.registerDevice("phone-1", "valid-token");
  await pushManager.registerDevice("phone-2", "expired-token");
  await pushManager.sendToDevices(["phone-1", "phone-2"], { title: "Hello" });

  const sent = analyticsCollector.getEventStats("notification_sent").totalEvents;
  await analyticsCollector.shutdown();
  return { sent, failures: pushManager.getDeliveryLog({ status: "invalid_token" }).length };
}
