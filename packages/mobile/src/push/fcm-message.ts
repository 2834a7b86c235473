import { parseRetryAfter } from "@pelbiot/core";
import type { PushDevice, ResolvedPushNotification, TransportOutcome } from "./push-notification-manager-types";

/** FCM's payload limit for a message to a token (keys and values of notification and data counted). */
export const FCM_MAX_PAYLOAD_BYTES = 4_096;

const encoder = new TextEncoder();

/**
 * Builds the `messages:send` body for one device, per FCM HTTP v1's `SendMessageRequest`: the common `notification`
 * and `data`, plus the block of the device's platform (`android`, `apns` or `webpush`) carrying TTL, priority,
 * collapse key, badge and sound in that platform's own terms.
 *
 * @param nowMs - The current time, for APNs' absolute `apns-expiration`.
 */
export function buildFcmRequest(
  device: PushDevice,
  notification: ResolvedPushNotification,
  nowMs: number,
): { message: Record<string, unknown> } {
  const { title, body, data, ttlMs, priority, collapseKey, badge, sound } = notification;
  const message: Record<string, unknown> = { token: device.token };
  if (title !== undefined || body !== undefined) message.notification = definedOnly({ title, body });
  if (data !== undefined) message.data = { ...data };
  const ttlSeconds = ttlMs / 1000;
  if (device.platform === "android") {
    const androidNotification = definedOnly({ sound, notificationCount: badge });
    message.android = definedOnly({
      priority: priority === "high" ? "HIGH" : "NORMAL",
      ttl: `${ttlSeconds}s`,
      collapseKey,
      notification: Object.keys(androidNotification).length > 0 ? androidNotification : undefined,
    });
  } else if (device.platform === "ios") {
    const aps = definedOnly({ badge, sound });
    message.apns = definedOnly({
      headers: definedOnly({
        "apns-priority": priority === "high" ? "10" : "5",
        // 0 asks APNs to try once and drop the message; otherwise an absolute time in seconds.
        "apns-expiration": ttlMs === 0 ? "0" : String(Math.floor((nowMs + ttlMs) / 1000)),
        "apns-collapse-id": collapseKey,
      }),
      payload: Object.keys(aps).length > 0 ? { aps } : undefined,
    });
  } else {
    message.webpush = {
      headers: definedOnly({
        TTL: String(Math.floor(ttlSeconds)),
        Urgency: priority === "high" ? "high" : "normal",
        Topic: collapseKey,
      }),
    };
  }
  return { message };
}

/** The bytes FCM counts against its payload limit: the notification and data of the message. */
export function fcmPayloadBytes(request: { message: Record<string, unknown> }): number {
  const { notification, data } = request.message;
  return encoder.encode(JSON.stringify({ notification, data })).byteLength;
}

interface GoogleError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly status?: unknown;
  readonly details?: unknown;
}

// FCM's ErrorCode table (and firebase-admin-node's canonical-status fallbacks) → our statuses.
const BY_ERROR_CODE: Readonly<Record<string, TransportOutcome["status"]>> = {
  UNREGISTERED: "invalid_token",
  NOT_FOUND: "invalid_token",
  SENDER_ID_MISMATCH: "auth_error",
  PERMISSION_DENIED: "auth_error",
  THIRD_PARTY_AUTH_ERROR: "auth_error",
  UNAUTHENTICATED: "auth_error",
  QUOTA_EXCEEDED: "rate_limited",
  RESOURCE_EXHAUSTED: "rate_limited",
  UNAVAILABLE: "transient",
  INTERNAL: "transient",
  INVALID_ARGUMENT: "invalid_request",
  UNSPECIFIED_ERROR: "invalid_request",
};
// FCM asks for at least a minute before retrying a quota error when it gives no Retry-After.
const QUOTA_DEFAULT_WAIT_MS = 60_000;
// Without an idempotency key only answers that mean "not accepted" are retried: 429, 500 and 503 (FCM's docs and SDK).
const BY_HTTP_STATUS: Readonly<Record<number, TransportOutcome["status"]>> = {
  400: "invalid_request",
  401: "auth_error",
  403: "auth_error",
  404: "invalid_token",
  413: "payload_too_large",
  429: "rate_limited",
  500: "transient",
  503: "transient",
};

/**
 * Turns an FCM answer into an outcome: the `FcmError` detail's `errorCode` first, the canonical `error.status`
 * next, the HTTP status for bodies that are not Google's JSON envelope (a gateway's HTML page).
 *
 * @param status - The HTTP status.
 * @param text - The response body.
 * @param retryAfter - The `Retry-After` header, if any.
 * @param nowMs - The current time, to read an HTTP-date `Retry-After`.
 */
export function readFcmResponse(
  status: number,
  text: string,
  retryAfter: string | null,
  nowMs: number,
): TransportOutcome {
  const envelope = parseJson(text);
  if (status >= 200 && status < 300) {
    const name = (envelope as { name?: unknown } | undefined)?.name;
    return { status: "delivered", httpStatus: status, providerMessageId: typeof name === "string" ? name : undefined };
  }
  const error = (envelope as { error?: GoogleError } | undefined)?.error;
  const providerCode = errorCodeOf(error) ?? `HTTP_${status}`;
  const reason = typeof error?.message === "string" ? error.message : `HTTP ${status}`;
  let mapped = BY_ERROR_CODE[providerCode] ?? BY_HTTP_STATUS[status] ?? "invalid_request";
  if (providerCode === "INVALID_ARGUMENT") mapped = classifyInvalidArgument(error, reason);
  const waitMs = retryAfter === null ? undefined : parseRetryAfter(retryAfter, nowMs);
  const retryAfterMs =
    mapped === "rate_limited" ? (waitMs ?? QUOTA_DEFAULT_WAIT_MS) : mapped === "transient" ? waitMs : undefined;
  return {
    status: mapped,
    providerCode,
    httpStatus: status,
    reason,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function errorCodeOf(error: GoogleError | undefined): string | undefined {
  if (error === undefined) return undefined;
  if (Array.isArray(error.details)) {
    for (const detail of error.details as Array<Record<string, unknown>>) {
      if (
        typeof detail === "object" &&
        detail !== null &&
        detail["@type"] === "type.googleapis.com/google.firebase.fcm.v1.FcmError" &&
        typeof detail.errorCode === "string"
      ) {
        return detail.errorCode;
      }
    }
  }
  return typeof error.status === "string" ? error.status : undefined;
}

// INVALID_ARGUMENT covers a malformed token (remove it), a message over the size limit and other bad fields.
function classifyInvalidArgument(error: GoogleError | undefined, reason: string): TransportOutcome["status"] {
  const fields = Array.isArray(error?.details)
    ? (error.details as Array<{ fieldViolations?: Array<{ field?: unknown }> }>).flatMap((detail) =>
        Array.isArray(detail?.fieldViolations) ? detail.fieldViolations.map((violation) => violation?.field) : [],
      )
    : [];
  if (fields.includes("message.token") || /registration token/i.test(reason)) return "invalid_token";
  if (/too big|too large|exceed/i.test(reason)) return "payload_too_large";
  return "invalid_request";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function definedOnly(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}
