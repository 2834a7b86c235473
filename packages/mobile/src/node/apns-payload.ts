import type { ResolvedPushNotification, TransportOutcome } from "../push/push-notification-manager-types";

/** APNs' payload limit for a regular remote notification. */
export const APNS_MAX_PAYLOAD_BYTES = 4_096;

/** The request APNs gets for one notification: its `apns-*` headers and JSON body. */
export interface ApnsRequest {
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Builds the APNs request: an `alert` push (`aps.alert` with title and body, badge, sound) or, for a data-only
 * message, a `background` push (`content-available: 1`, priority 5 as Apple requires). Data keys sit at the top level
 * next to `aps`, where apps read custom keys; a data key named `aps` is ignored.
 *
 * @param nowMs - The current time, for the absolute `apns-expiration`.
 */
export function buildApnsRequest(notification: ResolvedPushNotification, topic: string, nowMs: number): ApnsRequest {
  const { title, body, data, ttlMs, priority, collapseKey, badge, sound } = notification;
  const background = title === undefined && body === undefined;
  const aps: Record<string, unknown> = background
    ? { "content-available": 1 }
    : { alert: Object.fromEntries(Object.entries({ title, body }).filter(([, value]) => value !== undefined)) };
  if (badge !== undefined) aps.badge = badge;
  if (sound !== undefined && !background) aps.sound = sound;
  const custom = Object.fromEntries(Object.entries(data ?? {}).filter(([key]) => key !== "aps"));
  const headers: Record<string, string> = {
    "apns-topic": topic,
    "apns-push-type": background ? "background" : "alert",
    "apns-priority": background || priority === "normal" ? "5" : "10",
    // 0 asks APNs to try once and drop the message; otherwise an absolute UNIX time in seconds.
    "apns-expiration": ttlMs === 0 ? "0" : String(Math.floor((nowMs + ttlMs) / 1000)),
  };
  if (collapseKey !== undefined) headers["apns-collapse-id"] = collapseKey;
  return { headers, body: JSON.stringify({ ...custom, aps }) };
}

// Apple's documented reasons (Handling notification responses from APNs) → our statuses.
const BY_REASON: Readonly<Record<string, TransportOutcome["status"]>> = {
  BadDeviceToken: "invalid_token",
  Unregistered: "invalid_token",
  ExpiredToken: "invalid_token",
  DeviceTokenNotForTopic: "auth_error",
  BadTopic: "auth_error",
  TopicDisallowed: "auth_error",
  BadCertificate: "auth_error",
  BadCertificateEnvironment: "auth_error",
  ExpiredProviderToken: "auth_error",
  InvalidProviderToken: "auth_error",
  MissingProviderToken: "auth_error",
  Forbidden: "auth_error",
  PayloadTooLarge: "payload_too_large",
  TooManyProviderTokenUpdates: "rate_limited",
  TooManyRequests: "rate_limited",
  InternalServerError: "transient",
  ServiceUnavailable: "transient",
  Shutdown: "transient",
};

/**
 * Turns an APNs answer into an outcome, by its `reason` first and its HTTP status otherwise.
 *
 * @param status - The `:status`.
 * @param text - The response body (`{"reason": …}` on failure).
 * @param apnsId - The `apns-id` header.
 * @param retryAfterMs - The parsed `retry-after` header, if any.
 */
export function readApnsResponse(
  status: number,
  text: string,
  apnsId: string | undefined,
  retryAfterMs: number | undefined,
): TransportOutcome {
  if (status === 200) return { status: "delivered", httpStatus: 200, providerMessageId: apnsId };
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(text) as { reason?: unknown };
    if (typeof parsed.reason === "string") reason = parsed.reason;
  } catch {
    // Not JSON: the status decides.
  }
  const byStatus: TransportOutcome["status"] =
    status === 410
      ? "invalid_token"
      : status === 413
        ? "payload_too_large"
        : status === 429
          ? "rate_limited"
          : status >= 500
            ? "transient"
            : status === 403
              ? "auth_error"
              : "invalid_request";
  const mapped = (reason === undefined ? undefined : BY_REASON[reason]) ?? byStatus;
  const retryable = mapped === "rate_limited" || mapped === "transient";
  return {
    status: mapped,
    httpStatus: status,
    providerCode: reason ?? `HTTP_${status}`,
    providerMessageId: apnsId,
    reason: reason ?? `HTTP ${status}`,
    ...(retryable && retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
