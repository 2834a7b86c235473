/** The platform a device runs on; it decides which platform block (Android, APNs, Web Push) a message carries. */
export type PushPlatform = "ios" | "android" | "web";

/** Every accepted {@link PushPlatform}. */
export const PUSH_PLATFORMS: readonly PushPlatform[] = Object.freeze(["ios", "android", "web"]);

/**
 * A registered device, as stored in the registry and handed to transports.
 *
 * @example
 * ```ts
 * const device: PushDevice = { deviceId: "phone-1", token: "fcm-token", platform: "android", provider: "fcm", topics: [] };
 * ```
 */
export interface PushDevice {
  /** Your id of the device (or app installation). */
  readonly deviceId: string;
  /** The provider's address of the device: an FCM registration token, an APNs device token, a Web Push subscription as JSON text. */
  readonly token: string;
  /** `ios`, `android` or `web`: which platform block a message carries. */
  readonly platform: PushPlatform;
  /** The name of the transport that reaches this device (a key of the manager's `transports` option). */
  readonly provider: string;
  /** Topics the device is subscribed to, sorted. */
  readonly topics: readonly string[];
  /** The signed-in user, so {@link PushNotificationManager.sendToUser} reaches all of their devices. */
  readonly userId?: string | undefined;
  /** BCP 47 language tag, e.g. `"pt-BR"`. */
  readonly locale?: string | undefined;
  /** The app's version on the device, as the app reports it. */
  readonly appVersion?: string | undefined;
  /** When the device was first registered, in epoch milliseconds. */
  readonly registeredAt?: number | undefined;
  /** When the token or details last changed, in epoch milliseconds. */
  readonly updatedAt?: number | undefined;
}

/**
 * A Web Push subscription as the browser's `PushSubscription.toJSON()` gives it.
 *
 * @example
 * ```ts
 * const subscription: WebPushSubscription = { endpoint: "https://push.example.net/abc", keys: { p256dh: "B…", auth: "…" } };
 * ```
 */
export interface WebPushSubscription {
  /** The push service URL the subscription posts to. */
  readonly endpoint: string;
  /** The subscription's keys, base64url. */
  readonly keys: {
    /** The browser's P-256 public key. */
    readonly p256dh: string;
    /** The 16-byte authentication secret. */
    readonly auth: string;
  };
}

/**
 * The optional third argument of {@link PushNotificationManager.registerDevice}.
 *
 * @example
 * ```ts
 * await push.registerDevice("phone-1", "apns-device-token", { platform: "ios", provider: "apns", userId: "user-1" });
 * ```
 */
export interface RegisterDeviceDetails {
  /**
   * `ios`, `android` or `web`.
   * @default derived from the provider: `"ios"` for `apns`, `"web"` for `webpush`, otherwise `"android"`
   */
  platform?: PushPlatform | undefined;
  /** The transport that reaches the device (a key of the `transports` option). @default the manager's `defaultProvider` */
  provider?: string | undefined;
  /** The signed-in user, so `sendToUser` reaches the device. */
  userId?: string | undefined;
  /** BCP 47 language tag, e.g. `"pt-BR"`. */
  locale?: string | undefined;
  /** The app's version on the device. */
  appVersion?: string | undefined;
}

/**
 * What to send. `message` (the guide's name) and `body` are the same field; give one of them.
 *
 * @example
 * ```ts
 * const notification: PushNotification = { title: "Alert", message: "Important update", data: { orderId: "42" }, priority: "high" };
 * ```
 */
export interface PushNotification {
  /** The notification's title. */
  title?: string | undefined;
  /** The text under the title (alias of `body`). */
  message?: string | undefined;
  /** The text under the title (alias `message`). */
  body?: string | undefined;
  /** Key/value payload for the app; every value is a string (FCM's rule), reserved keys (`from`, `message_type`, `google…`, `gcm…`) are refused. */
  data?: Readonly<Record<string, string>> | undefined;
  /** How long the provider may hold the message for an offline device, in milliseconds (0 = now or never). @default 2_419_200_000 (4 weeks) */
  ttlMs?: number | undefined;
  /** `"high"` wakes the device; `"normal"` lets the OS batch delivery. @default "normal" */
  priority?: "high" | "normal" | undefined;
  /** Messages with the same key replace each other while undelivered. */
  collapseKey?: string | undefined;
  /** The app icon badge count (iOS; Android launchers that support it). */
  badge?: number | undefined;
  /** `"default"` or the name of a sound bundled with the app. */
  sound?: string | undefined;
}

/** A notification after validation: `message`/`body` merged, defaults applied. Transports receive this. */
export interface ResolvedPushNotification {
  /** The notification's title. */
  readonly title?: string | undefined;
  /** The text under the title. */
  readonly body?: string | undefined;
  /** Key/value payload for the app. */
  readonly data?: Readonly<Record<string, string>> | undefined;
  /** How long the provider may hold it for an offline device, in milliseconds. */
  readonly ttlMs: number;
  /** `high` wakes the device; `normal` lets the OS batch delivery. */
  readonly priority: "high" | "normal";
  /** Messages with the same key replace each other while undelivered. */
  readonly collapseKey?: string | undefined;
  /** The app icon badge count. */
  readonly badge?: number | undefined;
  /** `"default"` or the name of a sound bundled with the app. */
  readonly sound?: string | undefined;
}

/**
 * The normalised outcome of one (device, message) delivery, whatever the provider.
 *
 * | status | meaning | what the manager does |
 * | --- | --- | --- |
 * | `delivered` | the provider accepted the message | emits `notification_sent` |
 * | `invalid_token` | the token is unregistered, expired or malformed | removes the device, emits `device_pruned` |
 * | `rate_limited` | the provider asked to slow down (`retryAfterMs` when it said how long) | retries, honouring the wait |
 * | `transient` | a temporary provider or network failure | retries with backoff |
 * | `payload_too_large` | the message is bigger than the provider accepts | gives up |
 * | `auth_error` | our credentials (or the provider's APNs/VAPID key) were refused | gives up |
 * | `invalid_request` | the provider refused the request for another reason | gives up |
 */
export type DeliveryStatus =
  | "delivered"
  | "invalid_token"
  | "rate_limited"
  | "transient"
  | "payload_too_large"
  | "auth_error"
  | "invalid_request";

/** Every {@link DeliveryStatus}. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = Object.freeze([
  "delivered",
  "invalid_token",
  "rate_limited",
  "transient",
  "payload_too_large",
  "auth_error",
  "invalid_request",
]);

/**
 * What a transport reports for one attempt.
 *
 * @example
 * ```ts
 * const outcome: TransportOutcome = { status: "rate_limited", providerCode: "QUOTA_EXCEEDED", httpStatus: 429, retryAfterMs: 60_000 };
 * ```
 */
export interface TransportOutcome {
  /** The normalised outcome. */
  readonly status: DeliveryStatus;
  /** The provider's own code, kept as it came (`UNREGISTERED`, `BadDeviceToken`, `410`…). */
  readonly providerCode?: string | undefined;
  /** The provider's id of the accepted message (FCM `name`, `apns-id`, Web Push `Location`). */
  readonly providerMessageId?: string | undefined;
  /** The provider's HTTP status code, when there was an answer. */
  readonly httpStatus?: number | undefined;
  /** How long the provider asked us to wait (`Retry-After`), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** A short human description of a failure. */
  readonly reason?: string | undefined;
}

/**
 * The final outcome of one (device, message) delivery, after retries; also what the delivery log holds and what the
 * `notification_sent` / `notification_failed` events carry.
 *
 * @example
 * ```ts
 * push.on("notification_failed", (result: DeliveryResult) => console.log(result.deviceId, result.status, result.providerCode));
 * ```
 */
export interface DeliveryResult extends TransportOutcome {
  /** Our id of the message (one per send call, shared by every device it went to). */
  readonly notificationId: string;
  /** The device it went to. */
  readonly deviceId: string;
  /** The transport that carried it. */
  readonly provider: string;
  /** How many attempts were made, the first included. */
  readonly attempts: number;
  /** When the last attempt ended, in epoch milliseconds. */
  readonly at: number;
  /** Whether the device was removed from the registry because of this result. */
  readonly pruned: boolean;
}

/**
 * What a send to several devices (a topic, a user, a list) reports.
 *
 * @example
 * ```ts
 * const report: SendReport = await push.sendToTopic("alerts", { title: "Alert" });
 * console.log(`${report.delivered}/${report.results.length} delivered`);
 * ```
 */
export interface SendReport {
  /** Our id of the message, shared by every result. */
  readonly notificationId: string;
  /** One result per device reached, in the order the devices were listed. */
  readonly results: readonly DeliveryResult[];
  /** How many results are `delivered`. */
  readonly delivered: number;
  /** How many results are not `delivered`. */
  readonly failed: number;
  /** Requested device ids that are not registered (only for {@link PushNotificationManager.sendToDevices}). */
  readonly missing: readonly string[];
}

/** One attempt's input to a transport. */
export interface PushMessage {
  /** The device to reach. */
  readonly device: PushDevice;
  /** What to send, validated, defaults applied. */
  readonly notification: ResolvedPushNotification;
  /** Our id of the message, to correlate logs. */
  readonly notificationId: string;
}

/**
 * A way to reach devices: the in-process log transport, FCM, APNs, Web Push, or your own. A transport reports every
 * provider answer as a {@link TransportOutcome}; it throws only for failures it cannot classify (the manager then
 * treats them as `transient`).
 *
 * @example
 * ```ts
 * const silent: PushTransport = { name: "silent", maxBatchSize: 100, send: async () => ({ status: "delivered" }) };
 * const push = new PushNotificationManager({ transports: { silent } });
 * ```
 */
export interface PushTransport {
  /** A short name for logs, e.g. `"fcm"`. */
  readonly name: string;
  /** How many messages of one bulk send go out together; the provider's batch limit. */
  readonly maxBatchSize: number;
  /**
   * Checks a token at registration, before it is stored.
   *
   * @returns `undefined` when the token is acceptable, otherwise what is wrong and what is accepted.
   */
  checkToken?(token: string): string | undefined;
  /** Sends one message to one device. */
  send(message: PushMessage, signal: AbortSignal): Promise<TransportOutcome>;
}

/**
 * Why a device left the registry.
 *
 * @example
 * ```ts
 * push.on("device_pruned", (event: DevicePrunedEvent) => console.log(event.deviceId, event.providerCode));
 * ```
 */
export interface DevicePrunedEvent {
  /** The removed device. */
  readonly deviceId: string;
  /** The transport that reported the dead token. */
  readonly provider: string;
  /** The provider's code that said the token is dead. */
  readonly providerCode?: string | undefined;
  /** The message whose delivery found it dead. */
  readonly notificationId: string;
}

/**
 * Filter of {@link PushNotificationManager.getDeliveryLog}.
 *
 * @example
 * ```ts
 * const failures = push.getDeliveryLog({ status: "invalid_token", limit: 20 });
 * ```
 */
export interface DeliveryLogFilter {
  /** Only deliveries to this device. */
  deviceId?: string | undefined;
  /** Only deliveries with this final status. */
  status?: DeliveryStatus | undefined;
  /** Only deliveries of this message. */
  notificationId?: string | undefined;
  /** At most this many, the newest. @default all kept */
  limit?: number | undefined;
}

/**
 * The events of {@link PushNotificationManager}.
 *
 * @example
 * ```ts
 * push.on("notification_sent", (result) => metrics.increment(`push.${result.provider}.sent`));
 * ```
 */
export interface PushNotificationEvents {
  /** A delivery the provider accepted. */
  notification_sent: [result: DeliveryResult];
  /** A delivery that failed for good (after retries, when the failure was worth retrying). */
  notification_failed: [result: DeliveryResult];
  /** A device removed because the provider said its token is dead. */
  device_pruned: [event: DevicePrunedEvent];
}
