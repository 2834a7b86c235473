/**
 * Guide, "Module Details › 1. Mobile App Enhancement":
 * "PushNotificationManager - Notification Delivery"
 *
 * Push is the server half, so the class comes from `@pelbiot/mobile/server`. Without `transports` it sends through
 * the in-process log transport: nothing leaves the process, and every delivery is still reported. The registry lives
 * in storage, so every call takes `await`.
 */
import { PushNotificationManager } from "@pelbiot/mobile/server";

export const title = "PushNotificationManager - Notification Delivery";

export async function run() {
  // Initialize
  const push = new PushNotificationManager();

  // Register device
  await push.registerDevice("device-id", "firebase-token");

  // Subscribe to topic
  await push.subscribeToTopic("device-id", "alerts");

  // Send notification
  const delivery = await push.sendNotification("device-id", {
    title: "Alert",
    message: "Important update",
  });

  return { status: delivery.status, topics: (await push.getDevice("device-id"))?.topics };
}
