import { createHmac, timingSafeEqual } from "node:crypto";
import { createValidator } from "@pelbiot/core";

/** Parameters of a Twilio request: a value or, for repeated keys, every value. */
export type TwilioParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * Parses an `application/x-www-form-urlencoded` body into Twilio parameters (repeated keys keep every value).
 *
 * @param body - The raw request body.
 * @returns The parameters.
 */
export function parseTwilioForm(body: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else params[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

function signedContent(url: string, params: TwilioParams): string {
  let content = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const values = typeof value === "string" ? [value] : [...(value ?? [])].sort();
    for (const item of values) content += key + item;
  }
  return content;
}

/**
 * Computes the `X-Twilio-Signature` of a request, as Twilio documents it: HMAC-SHA1 keyed with the auth token over
 * the full URL followed by every POST parameter as name + value, sorted by name; base64.
 *
 * @param authToken - The account's auth token.
 * @param url - The full URL Twilio called (with query string).
 * @param params - The POST parameters (none for a GET).
 * @returns The base64 signature.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
 * @example
 * ```ts
 * const signature = computeTwilioSignature(authToken, "https://example.com/sms/status", { MessageStatus: "delivered" });
 * ```
 */
export function computeTwilioSignature(authToken: string, url: string, params: TwilioParams = {}): string {
  const check = createValidator("computeTwilioSignature", { redactStrings: true });
  checkSignatureArguments(check, authToken, url, params);
  check.done();
  return createHmac("sha1", authToken).update(signedContent(url, params), "utf8").digest("base64");
}

/** The argument of {@link verifyTwilioSignature}. */
export interface VerifyTwilioSignatureInput {
  /** The account's auth token. */
  readonly authToken: string;
  /** The full URL Twilio called, as configured (scheme, host, port, path and query). */
  readonly url: string;
  /** The POST parameters, or the raw form body. */
  readonly params: TwilioParams | string;
  /** The `X-Twilio-Signature` header; a missing header fails. */
  readonly signature: string | undefined;
}

/**
 * Checks an `X-Twilio-Signature` header in constant time. Like Twilio's own helpers it also accepts the URL with the
 * default port added or removed, since proxies differ in whether they keep it.
 *
 * @param input - Auth token, URL, parameters and the header.
 * @returns `true` when the signature matches.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the token, URL or parameters are malformed.
 * @example
 * ```ts
 * const ok = verifyTwilioSignature({ authToken, url, params: rawBody, signature: request.headers["x-twilio-signature"] });
 * ```
 */
export function verifyTwilioSignature(input: VerifyTwilioSignatureInput): boolean {
  const check = createValidator("verifyTwilioSignature", { redactStrings: true });
  if (!check.object("input", input)) check.done();
  const params = typeof input.params === "string" ? parseTwilioForm(input.params) : input.params;
  checkSignatureArguments(check, input.authToken, input.url, params, "input.");
  check.done();
  if (typeof input.signature !== "string" || input.signature === "") return false;
  const given = Buffer.from(input.signature, "utf8");
  return urlVariants(input.url).some((url) => {
    const expected = Buffer.from(
      createHmac("sha1", input.authToken).update(signedContent(url, params), "utf8").digest("base64"),
      "utf8",
    );
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : "";
  if (defaultPort === "") return [url];
  const withoutPort = new URL(url);
  withoutPort.port = "";
  const withPort = `${parsed.protocol}//${parsed.username ? `${parsed.username}:${parsed.password}@` : ""}${parsed.hostname}:${parsed.port || defaultPort}${parsed.pathname}${parsed.search}`;
  return [...new Set([url, withoutPort.href, withPort])];
}

function checkSignatureArguments(
  check: ReturnType<typeof createValidator>,
  authToken: unknown,
  url: unknown,
  params: unknown,
  prefix = "",
): void {
  check.string(`${prefix}authToken`, authToken, { minLength: 1 });
  if (check.string(`${prefix}url`, url, { minLength: 1 })) {
    check.check(URL.canParse(url), `${prefix}url`, "must be an absolute URL such as https://example.com/sms/status");
  }
  if (check.object(`${prefix}params`, params)) {
    for (const [key, value] of Object.entries(params)) {
      const ok = typeof value === "string" || (Array.isArray(value) && value.every((item) => typeof item === "string"));
      check.check(ok, `${prefix}params.${key}`, "must be a string or an array of strings");
    }
  }
}
