import { type Clock, createValidator, PelbiotError, parseRetryAfter, systemClock } from "@pelbiot/core";
import type {
  PushMessage,
  PushTransport,
  TransportOutcome,
  WebPushSubscription,
} from "../push/push-notification-manager-types";

/** The part of the `web-push` module this transport uses (web-push ≥ 3.6); typed here so its types are optional. */
export interface WebPushModule {
  /**
   * Encrypts `payload` for the subscription and signs the request with VAPID, without sending it.
   *
   * @param subscription - The browser's subscription.
   * @param payload - The message text, or `null` for none.
   * @param options - `vapidDetails`, `TTL`, `urgency`, `topic` and the like, as `web-push` names them.
   * @returns The HTTP request to make.
   */
  generateRequestDetails(
    subscription: WebPushSubscription,
    payload: string | null,
    options: Record<string, unknown>,
  ): {
    /** The HTTP method, `POST`. */
    method: string;
    /** The request headers (encryption, VAPID `Authorization`, `TTL`, …). */
    headers: Record<string, string | number>;
    /** The encrypted payload, or `null`. */
    body: Uint8Array | null;
    /** The URL to post to, the subscription's endpoint. */
    endpoint: string;
  };
}

/**
 * VAPID (RFC 8292) identification of your server; generate a key pair once with `npx web-push generate-vapid-keys`.
 *
 * @example
 * ```ts
 * const vapid: VapidDetails = { subject: "mailto:ops@example.com", publicKey: process.env.VAPID_PUBLIC!, privateKey: process.env.VAPID_PRIVATE! };
 * ```
 */
export interface VapidDetails {
  /** A `mailto:` address or `https:` URL where the push service can reach you. */
  subject: string;
  /** The 65-byte uncompressed P-256 public key, base64url (what the browser's `applicationServerKey` gets). */
  publicKey: string;
  /** The 32-byte P-256 private key, base64url. */
  privateKey: string;
}

/**
 * Options of {@link createWebPushTransport}.
 *
 * @example
 * ```ts
 * const options: WebPushTransportOptions = { vapid, requestTimeoutMs: 5_000 };
 * ```
 */
export interface WebPushTransportOptions {
  /** Your server's VAPID identification and key pair. */
  vapid: VapidDetails;
  /** The `web-push` module (an optional peer dependency). @default the installed `web-push`, loaded on first send */
  webPush?: WebPushModule | undefined;
  /** The `fetch` that posts to push services. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Time source for `Retry-After` dates. @default systemClock */
  clock?: Clock | undefined;
  /** Deadline of one request, in milliseconds. @default 10_000 */
  requestTimeoutMs?: number | undefined;
  /** How many messages of a bulk send go out together. @default 1_000 */
  maxBatchSize?: number | undefined;
  /**
   * Accepts `http:` endpoints and IP-literal or `localhost` hosts; for local testing only. Subscriptions come from
   * browsers, that is from users, so by default only `https:` endpoints on named hosts are stored.
   * @default false
   */
  allowInsecureEndpoints?: boolean | undefined;
}

const OPTION_KEYS = [
  "vapid",
  "webPush",
  "fetch",
  "clock",
  "requestTimeoutMs",
  "maxBatchSize",
  "allowInsecureEndpoints",
] as const satisfies ReadonlyArray<keyof WebPushTransportOptions>;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// RFC 8291 section 4: 4096 - 86 header bytes - 1 delimiter - 16 tag.
const MAX_PLAINTEXT_BYTES = 3_993;
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const encoder = new TextEncoder();

/**
 * Creates the Web Push transport: each message is a JSON payload (`title`, `body`, `data`, `badge`, `sound`)
 * encrypted for the subscription (RFC 8291, aes128gcm) and signed with your VAPID key (RFC 8292) by the `web-push`
 * library, then POSTed to the subscription's endpoint with `TTL`, `Urgency` and (from `collapseKey`, when it is at
 * most 32 URL-safe characters) `Topic`. 404 and 410 prune the subscription, 429 and 5xx retry honouring
 * `Retry-After`, 413 reports `payload_too_large`. Register devices with `provider: "webpush"` and the browser's
 * `PushSubscription.toJSON()` as the token.
 *
 * @param options - VAPID details and, optionally, the `web-push` module, `fetch`, clock and limits.
 * @returns A transport to pass as `transports.webpush`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option (key material is never echoed).
 * @example
 * ```ts
 * const push = new PushNotificationManager({ transports: { webpush: createWebPushTransport({ vapid }) } });
 * await push.registerDevice("browser-1", subscription, { provider: "webpush" });
 * ```
 */
export function createWebPushTransport(options: WebPushTransportOptions): PushTransport {
  const check = createValidator("createWebPushTransport", { redactStrings: true });
  if (check.object("options", options)) {
    check.knownKeys("options", options, OPTION_KEYS);
    if (check.object("options.vapid", options.vapid)) {
      const { subject, publicKey, privateKey } = options.vapid;
      if (check.string("options.vapid.subject", subject)) {
        check.check(/^(mailto:|https:)/.test(subject), "options.vapid.subject", "must be a mailto: or https: URL");
      }
      check.check(isKey(publicKey, 65), "options.vapid.publicKey", "must be a 65-byte P-256 public key in base64url");
      check.check(
        isKey(privateKey, 32),
        "options.vapid.privateKey",
        "must be a 32-byte P-256 private key in base64url",
      );
    }
    if (options.webPush !== undefined && check.object("options.webPush", options.webPush)) {
      check.fn("options.webPush.generateRequestDetails", options.webPush.generateRequestDetails);
    }
    if (options.fetch !== undefined) check.fn("options.fetch", options.fetch);
    if (options.clock !== undefined) check.clock("options.clock", options.clock);
    if (options.requestTimeoutMs !== undefined) {
      check.durationMs("options.requestTimeoutMs", options.requestTimeoutMs, { min: 1, max: 600_000 });
    }
    if (options.maxBatchSize !== undefined) {
      check.number("options.maxBatchSize", options.maxBatchSize, { integer: true, min: 1 });
    }
    if (options.allowInsecureEndpoints !== undefined) {
      check.boolean("options.allowInsecureEndpoints", options.allowInsecureEndpoints);
    }
  }
  check.done();
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const insecure = options.allowInsecureEndpoints ?? false;
  let module: Promise<WebPushModule> | undefined = options.webPush && Promise.resolve(options.webPush);

  return {
    name: "webpush",
    maxBatchSize: options.maxBatchSize ?? 1_000,
    checkToken: (token) => checkSubscription(token, insecure),
    async send(message, signal) {
      module ??= loadWebPush();
      let webPush: WebPushModule;
      try {
        webPush = await module;
      } catch (error) {
        module = undefined;
        // Retrying cannot install a package: report the setup problem on this delivery and stop.
        return { status: "invalid_request", providerCode: "WEB_PUSH_MISSING", reason: (error as Error).message };
      }
      return sendWebPush(webPush, message, { vapid: options.vapid, fetch: fetchImpl, clock, timeoutMs, signal });
    },
  };
}

interface SendContext {
  readonly vapid: VapidDetails;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

async function sendWebPush(
  webPush: WebPushModule,
  message: PushMessage,
  context: SendContext,
): Promise<TransportOutcome> {
  const { title, body, data, badge, sound, ttlMs, priority, collapseKey } = message.notification;
  const payload = JSON.stringify({ title, body, data, badge, sound });
  const bytes = encoder.encode(payload).byteLength;
  if (bytes > MAX_PLAINTEXT_BYTES) {
    return { status: "payload_too_large", reason: `${bytes} bytes of payload; Web Push carries at most 3993` };
  }
  const subscription = JSON.parse(message.device.token) as WebPushSubscription;
  const request = webPush.generateRequestDetails(subscription, payload, {
    vapidDetails: context.vapid,
    TTL: Math.floor(ttlMs / 1000),
    urgency: priority === "high" ? "high" : "normal",
    contentEncoding: "aes128gcm",
    ...(collapseKey !== undefined && TOPIC.test(collapseKey) ? { topic: collapseKey } : {}),
  });
  const headers = Object.fromEntries(
    Object.entries(request.headers)
      .filter(([name]) => name.toLowerCase() !== "content-length")
      .map(([name, value]) => [name, String(value)]),
  );
  let response: Response;
  try {
    response = await context.fetch(request.endpoint, {
      method: request.method,
      headers,
      body: request.body === null ? null : new Uint8Array(request.body),
      redirect: "manual",
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(context.timeoutMs)]),
    });
  } catch (error) {
    return {
      status: "transient",
      reason: `push service unreachable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const text = await response.text().catch(() => "");
  return readWebPushResponse(response, text, context.clock.now());
}

function readWebPushResponse(response: Response, text: string, nowMs: number): TransportOutcome {
  const { status } = response;
  const base = { httpStatus: status, providerCode: String(status) };
  if (status >= 200 && status < 300) {
    return { ...base, status: "delivered", providerMessageId: response.headers.get("location") ?? undefined };
  }
  const reason = text.slice(0, 200) || `HTTP ${status}`;
  const waitMs = parseRetryAfter(response.headers.get("retry-after"), nowMs);
  const wait = waitMs === undefined ? {} : { retryAfterMs: waitMs };
  if (status === 404 || status === 410) return { ...base, status: "invalid_token", reason };
  if (status === 413) return { ...base, status: "payload_too_large", reason };
  if (status === 429) return { ...base, status: "rate_limited", reason, ...wait };
  if (status >= 500) return { ...base, status: "transient", reason, ...wait };
  if (status === 401 || status === 403) return { ...base, status: "auth_error", reason };
  return { ...base, status: "invalid_request", reason };
}

function checkSubscription(token: string, insecure: boolean): string | undefined {
  const accepted = "must be a Web Push subscription (PushSubscription.toJSON(): endpoint and keys.p256dh, keys.auth)";
  let subscription: { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  try {
    subscription = JSON.parse(token);
  } catch {
    return accepted;
  }
  if (typeof subscription !== "object" || subscription === null || typeof subscription.endpoint !== "string") {
    return accepted;
  }
  if (!URL.canParse(subscription.endpoint)) return `${accepted}; the endpoint is not a URL`;
  const endpoint = new URL(subscription.endpoint);
  if (!insecure && (endpoint.protocol !== "https:" || isLocalHost(endpoint.hostname))) {
    return "must have an https: endpoint on a named public host (set allowInsecureEndpoints for local tests)";
  }
  if (!isKey(subscription.keys?.p256dh, 65)) return `${accepted}; keys.p256dh is not a 65-byte P-256 key`;
  if (!isKey(subscription.keys?.auth, 16)) return `${accepted}; keys.auth is not a 16-byte secret`;
  return undefined;
}

// IP literals and localhost: a browser-made subscription never points there, a forged one might (SSRF).
function isLocalHost(hostname: string): boolean {
  return (
    hostname === "localhost" || hostname.endsWith(".localhost") || /^[\d.]+$/.test(hostname) || hostname.startsWith("[")
  );
}

function isKey(value: unknown, bytes: number): boolean {
  if (typeof value !== "string" || !BASE64URL.test(value)) return false;
  return Buffer.from(value, "base64url").byteLength === bytes;
}

async function loadWebPush(): Promise<WebPushModule> {
  try {
    const loaded = (await import("web-push")) as unknown as { default?: WebPushModule } & WebPushModule;
    const candidate = typeof loaded.generateRequestDetails === "function" ? loaded : loaded.default;
    if (candidate !== undefined && typeof candidate.generateRequestDetails === "function") return candidate;
  } catch (error) {
    throw new PelbiotError(
      "UNSUPPORTED",
      "createWebPushTransport needs the optional peer dependency web-push: run `npm install web-push`, or pass options.webPush",
      { cause: error },
    );
  }
  throw new PelbiotError(
    "UNSUPPORTED",
    "The installed web-push module has no generateRequestDetails; pass options.webPush",
  );
}
