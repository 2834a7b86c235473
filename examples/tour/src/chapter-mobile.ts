/**
 * Chapter: two devices edit the same order offline and sync through one coordinator, with a conflict the app
 * resolves; a push goes out through the in-process log transport (its events feed analytics, the guide's
 * event-driven pattern); and a passkey is registered and verified with the software authenticator.
 */
import type { AnalyticsDataCollector } from "@pelbiot/analytics";
import { createInMemorySyncTransport, OfflineSyncManager } from "@pelbiot/mobile";
import {
  BiometricAuthManager,
  createLogPushTransport,
  createSyncCoordinator,
  PushNotificationManager,
} from "@pelbiot/mobile/server";
import { SoftwareAuthenticator } from "@pelbiot/mobile/testing";
import { chapter, say, verify } from "./story";

/** Runs the mobile chapter; push outcomes are tracked in `analytics`. */
export async function mobileChapter(analytics: AnalyticsDataCollector): Promise<void> {
  chapter("Mobile: offline sync, push and passkeys (@pelbiot/mobile)");
  await syncWithConflict();
  await pushThroughLogTransport(analytics);
  await passkeyLogin();
}

async function syncWithConflict(): Promise<void> {
  const coordinator = createSyncCoordinator();
  const transport = createInMemorySyncTransport(coordinator);
  // "manual" holds a conflicting field for the app to decide; fields only one side changed merge by themselves.
  const phone = new OfflineSyncManager({ conflictStrategy: "manual" });
  const tablet = new OfflineSyncManager({ conflictStrategy: "manual" });

  const order = await phone.saveOfflineData("ada-phone", {
    type: "create",
    entity: "order",
    data: { order: "order-1001", status: "paid", deliveryNote: "" },
  });
  await phone.sync("ada-phone", transport);
  await tablet.sync("store-tablet", transport);

  // Both offline: Ada writes a delivery note on her phone; the store packs the order and notes something else.
  const edit = (data: Record<string, string>) => ({
    type: "update" as const,
    entity: "order",
    recordId: order.recordId,
    data,
  });
  await phone.saveOfflineData("ada-phone", edit({ deliveryNote: "Leave it at the back door" }));
  await tablet.saveOfflineData("store-tablet", edit({ status: "packed", deliveryNote: "Ring twice" }));
  say("the phone and the store tablet both edit order-1001 offline; the tablet syncs first");
  await tablet.sync("store-tablet", transport);
  const report = await phone.sync("ada-phone", transport);
  for (const conflict of report.conflicts) {
    say(
      `conflict on ${conflict.fields.join(", ")}: phone ${JSON.stringify(conflict.local?.deliveryNote)}, tablet ${JSON.stringify(conflict.remote.data?.deliveryNote)}`,
    );
    await phone.resolveConflict("ada-phone", conflict.recordId, {
      data: { ...(conflict.remote.data ?? {}), deliveryNote: "Ring twice, or leave it at the back door" },
    });
  }
  verify(
    report.conflicts.length === 1 && report.conflicts[0]?.fields.join() === "deliveryNote",
    "exactly one conflict, on the one field both changed",
    report.conflicts.map((conflict) => conflict.fields),
  );
  await phone.sync("ada-phone", transport); // pushes the resolution
  await tablet.sync("store-tablet", transport); // and the tablet pulls it
  const onPhone = await phone.getRecord("ada-phone", order.recordId);
  const onTablet = await tablet.getRecord("store-tablet", order.recordId);
  const onServer = await coordinator.getRecord(order.recordId);
  say(`resolved everywhere: ${JSON.stringify(onServer?.data)}`);
  verify(
    JSON.stringify(onPhone) === JSON.stringify(onTablet) &&
      JSON.stringify(onTablet) === JSON.stringify(onServer?.data) &&
      onServer?.data?.status === "packed",
    "phone, tablet and server hold the same order, with the tablet's status and the merged note",
  );
}

async function pushThroughLogTransport(analytics: AnalyticsDataCollector): Promise<void> {
  // The log transport records instead of sending; the old tablet's token is dead, as a provider would say.
  const log = createLogPushTransport({
    respond: (message) =>
      message.device.token === "expired-token" ? { status: "invalid_token" } : { status: "delivered" },
  });
  const push = new PushNotificationManager({ transports: { log } });
  push.on("notification_sent", (result) =>
    analytics.trackEvent("notification_sent", { provider: result.provider }, "ada"),
  );
  push.on("notification_failed", (result) =>
    analytics.trackEvent("notification_failed", { status: result.status }, "ada"),
  );
  await push.registerDevice("ada-phone", "fcm-token-ada-phone", { userId: "ada" });
  await push.registerDevice("ada-old-tablet", "expired-token", { userId: "ada" });
  const report = await push.sendToUser("ada", { title: "Refund on its way", message: "24.95 USD for the camp stove" });
  say(
    `push to ada's ${report.results.length} devices: ${report.delivered} delivered, ${report.failed} dead token pruned`,
  );
  const outcomes = log
    .entries()
    .map((entry) => `${entry.device.deviceId} ${entry.notification.title}: ${entry.outcome.status}`)
    .sort();
  verify(
    outcomes.join("; ") === "ada-old-tablet Refund on its way: invalid_token; ada-phone Refund on its way: delivered",
    "the log transport recorded the push to each device with its outcome",
    outcomes,
  );
  verify((await push.getDevice("ada-old-tablet")) === undefined, "the device with the dead token was unregistered");
  const events = Object.fromEntries(analytics.getEventStats().byName.map((entry) => [entry.name, entry.count]));
  verify(
    events.notification_sent === 1 && events.notification_failed === 1,
    "both outcomes reached analytics through the push events",
    events,
  );
}

async function passkeyLogin(): Promise<void> {
  const origin = "https://shop.example.com";
  const bio = new BiometricAuthManager({ rpId: "shop.example.com", rpName: "Pelbiot Outfitters", origins: [origin] });
  // In the app, these options go to the platform passkey API; here a software authenticator plays the phone.
  const phone = new SoftwareAuthenticator({ origin });
  const registration = await phone.createCredential(await bio.generateRegistrationOptions("ada", "fingerprint"));
  const credential = await bio.registerBiometric("ada", "fingerprint", registration);
  say(`passkey registered for ada (${credential.modality}, user verified: ${credential.userVerified})`);
  const assertion = await phone.getAssertion(await bio.generateAuthenticationOptions("ada"));
  const verified = await bio.verifyBiometric("ada", "fingerprint", assertion);
  verify(verified, "the passkey login was verified");
  const replay = await bio.verifyBiometricDetailed("ada", "fingerprint", assertion);
  verify(
    !replay.verified && replay.reason === "challenge_replayed",
    "a replay of the same login is refused (challenge_replayed)",
    replay.verified ? "accepted" : replay.reason,
  );
}
