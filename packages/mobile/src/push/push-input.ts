import type { Validator } from "@pelbiot/core";
import {
  PUSH_PLATFORMS,
  type PushNotification,
  type PushPlatform,
  type RegisterDeviceDetails,
  type ResolvedPushNotification,
} from "./push-notification-manager-types";

/** Longest device or user id, in UTF-16 units. */
export const MAX_ID_LENGTH = 256;
/** Longest token: a Web Push subscription as JSON text fits easily. */
export const MAX_TOKEN_LENGTH = 4_096;
/** FCM's longest time to live: 4 weeks. */
export const MAX_TTL_MS = 2_419_200_000;

// FCM's topic rule (firebase-admin-node), used for every provider so topics stay portable.
const TOPIC = /^[a-zA-Z0-9\-_.~%]{1,256}$/;
const DETAIL_KEYS = ["platform", "provider", "userId", "locale", "appVersion"] as const;
const NOTIFICATION_KEYS = [
  "title",
  "message",
  "body",
  "data",
  "ttlMs",
  "priority",
  "collapseKey",
  "badge",
  "sound",
] as const satisfies ReadonlyArray<keyof PushNotification>;
// Data keys FCM refuses (discovery document: "from", "message_type", anything starting with "google" or "gcm").
const RESERVED_DATA_KEY = /^(from|message_type|google.*|gcm.*)$/i;

/** Checks a device or user id. */
export function checkId(check: Validator, path: string, value: unknown): value is string {
  return check.string(path, value, { maxLength: MAX_ID_LENGTH });
}

/** Checks a topic name against FCM's rule (letters, digits and `-_.~%`, no `/topics/` prefix). */
export function checkTopic(check: Validator, path: string, value: unknown): value is string {
  if (!check.string(path, value, { maxLength: 256 })) return false;
  return check.check(
    TOPIC.test(value),
    path,
    "must be 1-256 characters of letters, digits and - _ . ~ % (FCM's topic rule; no /topics/ prefix)",
  );
}

/**
 * Checks the token argument of `registerDevice`: a string, or a Web Push subscription object (stored as its JSON).
 *
 * @returns The token as it will be stored, or `undefined` when it is malformed.
 */
export function checkToken(check: Validator, path: string, value: unknown): string | undefined {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const text = JSON.stringify(value);
    return check.string(path, text, { maxLength: MAX_TOKEN_LENGTH }) ? text : undefined;
  }
  if (!check.string(path, value, { maxLength: MAX_TOKEN_LENGTH })) return undefined;
  return check.check(value.trim() === value, path, "must not start or end with white space") ? value : undefined;
}

/** The registration details after validation (`undefined` for each detail not given). */
export type CheckedDetails = { readonly [K in keyof RegisterDeviceDetails]-?: RegisterDeviceDetails[K] };

/** Checks the optional third argument of `registerDevice`. */
export function checkDetails(check: Validator, path: string, value: unknown): CheckedDetails {
  const empty: CheckedDetails = {
    platform: undefined,
    provider: undefined,
    userId: undefined,
    locale: undefined,
    appVersion: undefined,
  };
  if (value === undefined || !check.object(path, value)) return empty;
  check.knownKeys(path, value, DETAIL_KEYS);
  const { platform, provider, userId, locale, appVersion } = value;
  if (platform !== undefined) check.oneOf(`${path}.platform`, platform, PUSH_PLATFORMS);
  if (provider !== undefined) check.string(`${path}.provider`, provider, { maxLength: 32 });
  if (userId !== undefined) checkId(check, `${path}.userId`, userId);
  if (locale !== undefined && check.string(`${path}.locale`, locale, { maxLength: 35 })) {
    check.check(isLanguageTag(locale), `${path}.locale`, 'must be a BCP 47 language tag such as "en" or "pt-BR"');
  }
  if (appVersion !== undefined) check.string(`${path}.appVersion`, appVersion, { maxLength: 64 });
  return {
    platform: platform as PushPlatform | undefined,
    provider: provider as string | undefined,
    userId: userId as string | undefined,
    locale: locale as string | undefined,
    appVersion: appVersion as string | undefined,
  };
}

function isLanguageTag(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

/**
 * Checks a notification and resolves it: `message`/`body` merged, defaults applied.
 *
 * @returns The resolved notification, or `undefined` when it is malformed (the issues are in `check`).
 */
export function checkNotification(
  check: Validator,
  path: string,
  value: unknown,
): ResolvedPushNotification | undefined {
  if (!check.object(path, value)) return undefined;
  const before = check.issues.length;
  check.knownKeys(path, value, NOTIFICATION_KEYS);
  const { title, message, body, data, ttlMs, priority, collapseKey, badge, sound } = value;
  const text = { minLength: 0, maxLength: 4_096 };
  if (title !== undefined) check.string(`${path}.title`, title, text);
  if (message !== undefined) check.string(`${path}.message`, message, text);
  if (body !== undefined) check.string(`${path}.body`, body, text);
  check.check(
    message === undefined || body === undefined,
    `${path}.body`,
    "must not be given together with message: they are the same field (give one)",
  );
  if (data !== undefined) checkData(check, `${path}.data`, data);
  check.check(
    title !== undefined || message !== undefined || body !== undefined || data !== undefined,
    path,
    "must have a title, a message (or body) or data",
  );
  if (ttlMs !== undefined) check.durationMs(`${path}.ttlMs`, ttlMs, { max: MAX_TTL_MS });
  if (priority !== undefined) check.oneOf(`${path}.priority`, priority, ["high", "normal"] as const);
  if (collapseKey !== undefined) check.string(`${path}.collapseKey`, collapseKey, { maxLength: 64 });
  if (badge !== undefined) check.number(`${path}.badge`, badge, { integer: true, min: 0, max: 2_147_483_647 });
  if (sound !== undefined) check.string(`${path}.sound`, sound, { maxLength: 256 });
  if (check.issues.length > before) return undefined;
  const resolved: ResolvedPushNotification = {
    title: title as string | undefined,
    body: (message ?? body) as string | undefined,
    data: data === undefined ? undefined : Object.freeze({ ...(data as Record<string, string>) }),
    ttlMs: (ttlMs as number | undefined) ?? MAX_TTL_MS,
    priority: (priority as "high" | "normal" | undefined) ?? "normal",
    collapseKey: collapseKey as string | undefined,
    badge: badge as number | undefined,
    sound: sound as string | undefined,
  };
  // Absent fields are left out, so transports and logs see only what was given.
  return Object.freeze(
    Object.fromEntries(Object.entries(resolved).filter(([, entry]) => entry !== undefined)),
  ) as ResolvedPushNotification;
}

function checkData(check: Validator, path: string, data: unknown): void {
  if (!check.object(path, data)) return;
  for (const [key, entry] of Object.entries(data)) {
    check.check(
      !RESERVED_DATA_KEY.test(key),
      `${path}.${key}`,
      "is a reserved key (from, message_type, google…, gcm…); choose another name",
    );
    check.check(
      typeof entry === "string",
      `${path}.${key}`,
      "must be a string (push providers carry data as strings; stringify numbers and objects)",
    );
  }
}
