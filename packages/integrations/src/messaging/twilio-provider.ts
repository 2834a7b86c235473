import { type Clock, createValidator, PelbiotError, systemClock } from "@pelbiot/core";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { MessageProvider, OutgoingMessage, ProviderSendContext } from "./messaging-integration-types";
import { checkRateLimit, type RateLimit } from "./token-bucket";
import { sendTwilioMessage } from "./twilio-request";
import { type TwilioParams, verifyTwilioSignature } from "./twilio-signature";

/** Options of {@link createTwilioProvider}. */
export interface TwilioProviderOptions {
  /**
   * The Account SID (`AC` + 32 hex digits).
   * @default process.env.TWILIO_ACCOUNT_SID
   */
  accountSid?: string | undefined;
  /**
   * The auth token; signs requests (Basic auth) and status callbacks.
   * @default process.env.TWILIO_AUTH_TOKEN
   */
  authToken?: string | undefined;
  /** The sender: a Twilio number in E.164, `whatsapp:+…`, or an alphanumeric sender ID. Give this or `messagingServiceSid`. */
  from?: string | undefined;
  /** A Messaging Service SID (`MG` + 32 hex digits) to send through. Give this or `from`. */
  messagingServiceSid?: string | undefined;
  /** The URL Twilio posts status callbacks to (`StatusCallback`); verify them with `handleStatusCallback`. */
  statusCallback?: string | undefined;
  /**
   * The API origin; change it only to point at a test server.
   * @default "https://api.twilio.com"
   */
  baseUrl?: string | undefined;
  /**
   * Deadline of one request in milliseconds (twilio-node's default). A request that times out may have been sent
   * and is never retried.
   * @default 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * The sending rate (Twilio sends 1 message per second per long code and queues the rest); `null` for none.
   * @default { capacity: 10, refillPerSecond: 1 }
   */
  rateLimit?: RateLimit | null | undefined;
  /**
   * The `fetch` used for requests.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined;
  /**
   * Measures the request deadline.
   * @default systemClock
   */
  clock?: Clock | undefined;
}

/** A Twilio Messages API provider; see {@link createTwilioProvider}. */
export interface TwilioProvider extends MessageProvider {
  readonly kind: "twilio";
  readonly channel: "sms";
  readonly deliversExternally: true;
  /** The Account SID (not secret). */
  readonly accountSid: string;
  /**
   * Checks the `X-Twilio-Signature` of a request Twilio sent (a status callback) with this account's auth token.
   *
   * @param url - The full URL Twilio called.
   * @param params - The POST parameters or the raw form body.
   * @param signature - The header value.
   * @returns `true` when it matches.
   */
  verifySignature(url: string, params: TwilioParams | string, signature: string | undefined): boolean;
}

const TWILIO_OPTION_KEYS = [
  "accountSid",
  "authToken",
  "from",
  "messagingServiceSid",
  "statusCallback",
  "baseUrl",
  "timeoutMs",
  "rateLimit",
  "fetch",
  "clock",
] as const satisfies ReadonlyArray<keyof TwilioProviderOptions>;

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/**
 * Creates a provider for Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded,
 * HTTP Basic auth). It retries only what Twilio surely did not take (connection refused, `429` honouring
 * `Retry-After`, `503`), never a timeout or a dropped connection after the request went out, since Twilio has no
 * idempotency key and a retry could send a second SMS.
 *
 * @param options - Credentials (default: `TWILIO_ACCOUNT_SID` / `TWILIO_AUTH_TOKEN`), sender, callback URL, limits.
 * @returns The provider, to pass in `providers` of {@link MessagingIntegration}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option.
 * @throws {PelbiotError} CONFIGURATION_ERROR when the account SID, auth token or a sender is missing.
 * @example
 * ```ts
 * const twilio = createTwilioProvider({ accountSid: "AC…", authToken: "…", from: "+14155552345" });
 * const messaging = new MessagingIntegration({ providers: { twilio } });
 * ```
 */
export function createTwilioProvider(options: TwilioProviderOptions = {}): TwilioProvider {
  const check = createValidator("createTwilioProvider", { redactStrings: true });
  if (!check.object("options", options) || !check.knownKeys("options", options, TWILIO_OPTION_KEYS)) check.done();
  const accountSid = options.accountSid ?? process.env.TWILIO_ACCOUNT_SID;
  const authToken = options.authToken ?? process.env.TWILIO_AUTH_TOKEN;
  const pattern = (regex: RegExp, description: string) => ({ pattern: { regex, description } });
  if (accountSid !== undefined)
    check.string("options.accountSid", accountSid, pattern(ACCOUNT_SID, "AC + 32 hex digits"));
  if (authToken !== undefined) check.string("options.authToken", authToken, { minLength: 1, maxLength: 256 });
  if (options.from !== undefined && check.string("options.from", options.from)) {
    check.check(
      isTwilioSender(options.from),
      "options.from",
      "must be an E.164 number, whatsapp:+… or an alphanumeric sender ID of 1–11 characters",
    );
  }
  if (options.messagingServiceSid !== undefined) {
    check.string(
      "options.messagingServiceSid",
      options.messagingServiceSid,
      pattern(SERVICE_SID, "MG + 32 hex digits"),
    );
  }
  for (const key of ["statusCallback", "baseUrl"] as const) {
    const value = options[key];
    if (value !== undefined && check.string(`options.${key}`, value)) {
      check.check(/^https?:\/\//.test(value) && URL.canParse(value), `options.${key}`, "must be an http(s) URL");
    }
  }
  if (options.timeoutMs !== undefined) check.durationMs("options.timeoutMs", options.timeoutMs, { min: 1 });
  if (options.rateLimit !== undefined && options.rateLimit !== null)
    checkRateLimit(check, "options.rateLimit", options.rateLimit);
  if (options.fetch !== undefined) check.fn("options.fetch", options.fetch);
  if (options.clock !== undefined) check.clock("options.clock", options.clock);
  check.done();
  if (accountSid === undefined || authToken === undefined) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "createTwilioProvider: Twilio needs credentials: pass accountSid and authToken, or set TWILIO_ACCOUNT_SID and " +
        "TWILIO_AUTH_TOKEN. To record messages without sending them, use the outbox (mockExternalAPIs: true).",
    );
  }
  if (options.from === undefined && options.messagingServiceSid === undefined) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "createTwilioProvider: Twilio needs a sender: pass from or messagingServiceSid.",
    );
  }
  const config = {
    accountSid,
    authToken,
    from: options.from,
    messagingServiceSid: options.messagingServiceSid,
    statusCallback: options.statusCallback,
    baseUrl: (options.baseUrl ?? "https://api.twilio.com").replace(/\/+$/, ""),
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? systemClock,
  };
  const rateLimit =
    options.rateLimit === null ? undefined : (options.rateLimit ?? { capacity: 10, refillPerSecond: 1 });
  return Object.freeze({
    kind: "twilio" as const,
    channel: "sms" as const,
    deliversExternally: true as const,
    accountSid,
    rateLimit,
    send: (message: OutgoingMessage, context: ProviderSendContext) => sendTwilioMessage(config, message, context),
    verifySignature: (url: string, params: TwilioParams | string, signature: string | undefined) =>
      verifyTwilioSignature({ authToken, url, params, signature }),
    // The token lives only in the closures above, so logging or serialising the provider never shows it.
    toJSON: () => ({ kind: "twilio", accountSid }),
  });
}

function isTwilioSender(value: string): boolean {
  const number = value.startsWith("whatsapp:") ? value.slice("whatsapp:".length) : value;
  if (number.startsWith("+")) return parsePhoneNumberFromString(number)?.number === number;
  return !value.startsWith("whatsapp:") && ALPHANUMERIC_SENDER.test(value);
}
