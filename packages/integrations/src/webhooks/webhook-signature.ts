import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createValidator, describeType, PelbiotError } from "@pelbiot/core";

/** The prefix of a Standard Webhooks symmetric secret. */
const SECRET_PREFIX = "whsec_";
/** Standard Webhooks asks for 24 to 64 random bytes in a `whsec_` secret. */
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
/** The least length of a raw (non-`whsec_`) secret, used as its UTF-8 bytes. */
const MIN_RAW_SECRET_LENGTH = 8;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
/** Message ids become part of the signed content `id.timestamp.body`, so a full stop would make it ambiguous. */
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The three headers of a Standard Webhooks delivery. A type alias, not an interface, so it can be passed wherever a
 * plain header record is expected.
 */
export type WebhookSignatureHeaders = {
  /** The message id, identical on every retry of the same event. */
  "webhook-id": string;
  /** Unix time in whole seconds of this attempt. */
  "webhook-timestamp": string;
  /** Space-separated `v1,<base64 HMAC-SHA256>` signatures, one per active secret. */
  "webhook-signature": string;
};

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  /** The message id (`webhook-id`): letters, digits, `_` and `-`, at most 256 characters. */
  id: string;
  /** The attempt time in Unix seconds (`webhook-timestamp`); a non-negative integer. */
  timestamp: number;
  /** The exact body bytes that will be sent; never re-serialise between signing and sending. */
  body: string | Uint8Array;
  /**
   * One secret, or several during a rotation (each yields one signature). `whsec_<base64>` secrets are decoded as
   * Standard Webhooks specifies; any other string is used as its raw bytes.
   */
  secrets: string | readonly string[];
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * How far, in seconds, the `webhook-timestamp` may lie in the past or the future; older or newer messages are
   * rejected as replays or clock abuse. 300 s is what every official Standard Webhooks library uses.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The current time in epoch milliseconds, for receivers that run on an injected clock.
   * @default Date.now()
   */
  now?: number;
}

/** What {@link verifyWebhook} returns for an authentic message. */
export interface VerifiedWebhook {
  /** The `webhook-id`; use it as the idempotency key, as it repeats on every retry. */
  id: string;
  /** The `webhook-timestamp` in Unix seconds. */
  timestamp: number;
  /** The raw body as UTF-8 text. */
  body: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  payload: unknown;
}

/** Header bags accepted by {@link verifyWebhook}: a fetch `Headers`, or Node's `IncomingHttpHeaders`-like record. */
export type WebhookHeadersInput =
  | {
      /** A header's value by case-insensitive name, or `null` when absent (as the Fetch API's `Headers.get`). */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Records in `check` what is wrong with a webhook secret, if anything; see {@link decodeWebhookSecret} for the
 * accepted forms.
 *
 * @param check - The validator collecting issues.
 * @param path - The dot-path used in the issue.
 * @param secret - The candidate secret.
 * @returns The key bytes, or `undefined` when the secret is malformed (an issue was recorded).
 * @example
 * ```ts
 * const check = createValidator("register");
 * checkWebhookSecret(check, "input.secret", input.secret);
 * check.done();
 * ```
 */
export function checkWebhookSecret(
  check: ReturnType<typeof createValidator>,
  path: string,
  secret: unknown,
): Buffer | undefined {
  if (!check.string(path, secret)) return undefined;
  if (secret.startsWith(SECRET_PREFIX)) {
    const encoded = secret.slice(SECRET_PREFIX.length);
    const key = Buffer.from(encoded, "base64");
    const valid = BASE64.test(encoded) && key.length >= MIN_SECRET_BYTES && key.length <= MAX_SECRET_BYTES;
    check.check(
      valid,
      path,
      `must be "whsec_" followed by the standard base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} random bytes`,
    );
    return valid ? key : undefined;
  }
  const valid = secret.length >= MIN_RAW_SECRET_LENGTH && PRINTABLE_ASCII.test(secret);
  check.check(
    valid,
    path,
    `must be a "whsec_<base64>" secret or at least ${MIN_RAW_SECRET_LENGTH} printable ASCII characters without spaces`,
  );
  return valid ? Buffer.from(secret, "ascii") : undefined;
}

/**
 * Turns a webhook secret into HMAC key bytes: `whsec_<base64>` is base64-decoded (24 to 64 bytes, as the spec
 * asks); any other string of at least 8 printable ASCII characters is used as its raw bytes (what the
 * `standardwebhooks` library calls `format: "raw"`).
 *
 * @param secret - The secret as registered.
 * @param path - The dot-path used in the validation message.
 * @returns The key bytes.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the secret is malformed.
 * @example
 * ```ts
 * decodeWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").length; // 24
 * ```
 */
export function decodeWebhookSecret(secret: unknown, path = "secret"): Buffer {
  const check = createValidator("decodeWebhookSecret");
  const key = checkWebhookSecret(check, path, secret);
  check.done();
  return key as Buffer;
}

/**
 * Generates a fresh Standard Webhooks secret: `whsec_` followed by the base64 of 32 random bytes.
 *
 * @returns The new secret; show it to the endpoint's owner once and store it only on the sending side.
 * @example
 * ```ts
 * const secret = generateWebhookSecret(); // "whsec_…"
 * ```
 */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

function toBuffer(body: string | Uint8Array): Buffer {
  return typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.length);
}

function computeSignature(key: Buffer, id: string, timestamp: number | string, body: Buffer): string {
  return createHmac("sha256", key).update(`${id}.${timestamp}.`, "utf8").update(body).digest("base64");
}

/**
 * Signs a message the Standard Webhooks way: HMAC-SHA256 with each secret over `id.timestamp.body`, as
 * `v1,<base64>` signatures joined by spaces.
 *
 * @param input - Message id, timestamp in seconds, exact body and the active secret(s).
 * @returns The three headers to send with the body.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the id, timestamp, body or a secret is malformed.
 * @example
 * ```ts
 * const headers = signWebhook({ id: "msg_1", timestamp: Math.floor(Date.now() / 1000), body, secrets: secret });
 * await fetch(url, { method: "POST", body, headers: { ...headers, "content-type": "application/json" } });
 * ```
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  const check = createValidator("signWebhook");
  let secrets: readonly unknown[] = [];
  if (check.object("input", input)) {
    check.knownKeys("input", input, ["id", "timestamp", "body", "secrets"]);
    check.string("input.id", input.id, {
      pattern: { regex: MESSAGE_ID, description: "1 to 256 letters, digits, '_' or '-'" },
    });
    check.number("input.timestamp", input.timestamp, { integer: true, min: 0 });
    check.check(
      typeof input.body === "string" || input.body instanceof Uint8Array,
      "input.body",
      `must be the raw body as a string or Uint8Array, got ${describeType(input.body)}`,
    );
    secrets = typeof input.secrets === "string" ? [input.secrets] : (input.secrets ?? []);
    if (Array.isArray(input.secrets) || typeof input.secrets === "string") {
      check.check(secrets.length > 0, "input.secrets", "must hold at least one secret");
    } else {
      check.fail("input.secrets", `must be a string or an array of strings, got ${describeType(input.secrets)}`);
    }
  }
  const checkedKeys = secrets.map((secret, index) =>
    checkWebhookSecret(check, typeof input.secrets === "string" ? "input.secrets" : `input.secrets.${index}`, secret),
  );
  check.done();
  const keys = checkedKeys as Buffer[];
  const body = toBuffer(input.body);
  const signatures = keys.map((key) => `v1,${computeSignature(key, input.id, input.timestamp, body)}`);
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(input.timestamp),
    "webhook-signature": signatures.join(" "),
  };
}

function readHeader(headers: WebhookHeadersInput, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === "string") return value;
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.join(" ");
  }
  return undefined;
}

function reject(reason: string, message: string): PelbiotError {
  return new PelbiotError("INTEGRITY_ERROR", message, { details: { reason } });
}

/**
 * Verifies an incoming Standard Webhooks message, for receivers. Pass the body exactly as received (a string,
 * `Buffer` or `Uint8Array`), never a parsed object: re-serialising changes the bytes and breaks the signature.
 * Signatures are compared in constant time, and any one `v1` signature that matches is enough, so messages signed
 * with both secrets during a rotation verify with either.
 *
 * @param rawBody - The raw request body.
 * @param headers - The request headers (a fetch `Headers` or a plain record; names are case-insensitive).
 * @param secret - The endpoint secret, or several while rotating.
 * @param options - Timestamp tolerance in seconds (default 300) and an optional current time.
 * @returns The verified id, timestamp, raw body and JSON payload.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the body is not raw (e.g. a parsed object), a header is
 * missing or malformed (a `webhook-id` containing `.` is refused, as it would make the signed content ambiguous), or
 * the secret or options are malformed.
 * @throws {PelbiotError} INTEGRITY_ERROR when the timestamp is too old or too new (`details.reason` is
 * `"timestamp_too_old"` or `"timestamp_too_new"`) or no signature matches (`"signature_mismatch"`).
 * @example
 * ```ts
 * const server = createServer(async (request, response) => {
 *   const chunks = [];
 *   for await (const chunk of request) chunks.push(chunk);
 *   const { id, payload } = verifyWebhook(Buffer.concat(chunks), request.headers, process.env.WEBHOOK_SECRET);
 *   response.writeHead(204).end();
 * });
 * ```
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeadersInput,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): VerifiedWebhook {
  const { toleranceSeconds = 300, now = Date.now() } = options;
  const check = createValidator("verifyWebhook");
  check.check(
    typeof rawBody === "string" || rawBody instanceof Uint8Array,
    "rawBody",
    `must be the raw request body as a string, Buffer or Uint8Array, got ${describeType(rawBody)}; ` +
      "a parsed body cannot be verified because re-serialising changes its bytes (read the body before any JSON parser)",
  );
  check.object("headers", headers);
  if (check.object("options", options)) check.knownKeys("options", options, ["toleranceSeconds", "now"]);
  check.number("options.toleranceSeconds", toleranceSeconds, { min: 0 });
  check.number("options.now", now);
  const secrets: readonly unknown[] = typeof secret === "string" ? [secret] : Array.isArray(secret) ? secret : [];
  check.check(secrets.length > 0, "secret", "must be a secret string or a non-empty array of secret strings");
  const checkedKeys = secrets.map((item, index) =>
    checkWebhookSecret(check, typeof secret === "string" ? "secret" : `secret.${index}`, item),
  );
  check.done();
  const keys = checkedKeys as Buffer[];

  const id = readHeader(headers, "webhook-id");
  const timestampText = readHeader(headers, "webhook-timestamp");
  const signatureHeader = readHeader(headers, "webhook-signature");
  const headerCheck = createValidator("verifyWebhook");
  if (headerCheck.check(id !== undefined && id.length > 0, "headers.webhook-id", "is required")) {
    // The signed content is `id.timestamp.body` and the timestamp is digits only, so an id without '.' makes the
    // split unambiguous: otherwise ("a", T, "T.{…}") and ("a.T", T, "{…}") would share one signature.
    headerCheck.check(
      !(id as string).includes("."),
      "headers.webhook-id",
      "must not contain '.', which would make the signed content ambiguous",
    );
  }
  headerCheck.check(
    timestampText !== undefined && /^\d{1,15}$/.test(timestampText),
    "headers.webhook-timestamp",
    "must be a Unix timestamp in whole seconds",
  );
  headerCheck.check(
    signatureHeader !== undefined && signatureHeader.length > 0,
    "headers.webhook-signature",
    "is required",
  );
  headerCheck.done();
  const messageId = id as string;
  const timestamp = Number(timestampText);

  const nowSeconds = Math.floor(now / 1000);
  if (nowSeconds - timestamp > toleranceSeconds) {
    throw reject(
      "timestamp_too_old",
      `The webhook timestamp is more than ${toleranceSeconds} s old; refusing a replay.`,
    );
  }
  if (timestamp > nowSeconds + toleranceSeconds) {
    throw reject("timestamp_too_new", `The webhook timestamp is more than ${toleranceSeconds} s in the future.`);
  }

  const body = toBuffer(rawBody);
  const expected = keys.map((key) => Buffer.from(computeSignature(key, messageId, timestampText as string, body)));
  let matched = false;
  for (const entry of (signatureHeader as string).split(" ")) {
    const comma = entry.indexOf(",");
    if (comma === -1 || entry.slice(0, comma) !== "v1") continue;
    const candidate = Buffer.from(entry.slice(comma + 1));
    for (const signature of expected) {
      // timingSafeEqual needs equal lengths; the length of a base64 HMAC-SHA256 is public, so checking it first leaks nothing.
      if (candidate.length === signature.length && timingSafeEqual(candidate, signature)) matched = true;
    }
  }
  if (!matched) {
    throw reject("signature_mismatch", "No webhook signature matches the secret; the message was altered or forged.");
  }
  const text = body.toString("utf8");
  let payload: unknown;
  try {
    payload = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    payload = undefined;
  }
  return { id: messageId, timestamp, body: text, payload };
}

/**
 * Whether a value can be a `webhook-id`: 1 to 256 letters, digits, `_` or `-` (no `.`, which would make the signed
 * content ambiguous).
 *
 * @param value - Anything.
 * @returns `true` for a valid message id.
 * @example
 * ```ts
 * isValidMessageId("msg_2b1c"); // true
 * ```
 */
export function isValidMessageId(value: unknown): value is string {
  return typeof value === "string" && MESSAGE_ID.test(value);
}
