import { type Clock, createValidator, systemClock } from "@pelbiot/core";
import { buildFcmRequest, FCM_MAX_PAYLOAD_BYTES, fcmPayloadBytes, readFcmResponse } from "./fcm-message";
import {
  type AccessTokenSource,
  checkServiceAccount,
  createAccessTokenSource,
  type GoogleServiceAccount,
  isAccessTokenError,
} from "./google-access-token";
import type { PushMessage, PushTransport, TransportOutcome } from "./push-notification-manager-types";

export type { GoogleServiceAccount } from "./google-access-token";

/**
 * Options of {@link createFcmTransport}.
 *
 * @example
 * ```ts
 * const options: FcmTransportOptions = { serviceAccount: JSON.parse(serviceAccountJson), requestTimeoutMs: 5_000 };
 * ```
 */
export interface FcmTransportOptions {
  /** The service-account key file's content (object or JSON text); its key signs the OAuth assertion. */
  serviceAccount: GoogleServiceAccount | string;
  /** The Firebase project. @default the service account's `project_id` */
  projectId?: string | undefined;
  /** The FCM API base URL. @default "https://fcm.googleapis.com/" */
  endpoint?: string | undefined;
  /** The OAuth token endpoint. @default the service account's `token_uri`, else Google's */
  tokenUrl?: string | undefined;
  /** The `fetch` to use (a proxy-aware one, or a test double). @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Time source for token expiry, JWT timestamps and APNs expiration. @default systemClock */
  clock?: Clock | undefined;
  /** Deadline of one HTTP request, in milliseconds. @default 10_000 */
  requestTimeoutMs?: number | undefined;
  /** How many messages of a bulk send go out together (firebase-admin's `sendEach` limit). @default 500 */
  maxBatchSize?: number | undefined;
}

const FCM_OPTION_KEYS = [
  "serviceAccount",
  "projectId",
  "endpoint",
  "tokenUrl",
  "fetch",
  "clock",
  "requestTimeoutMs",
  "maxBatchSize",
] as const satisfies ReadonlyArray<keyof FcmTransportOptions>;
const TOKEN = /^[\x21-\x7e]+$/;

/**
 * Creates the Firebase Cloud Messaging transport (HTTP v1 `messages:send`). It authenticates with an OAuth access
 * token minted from the service account (a JWT signed with `jose`, exchanged at the token endpoint, cached until
 * shortly before it expires and refreshed once if FCM refuses it), sends one request per device, and maps every
 * answer through FCM's error-code table: `UNREGISTERED` prunes the token, `QUOTA_EXCEEDED` waits `Retry-After` (a
 * minute when absent), `UNAVAILABLE` and `INTERNAL` retry. Uses only `fetch` and WebCrypto, so it runs on Node,
 * Deno, Bun and edge runtimes.
 *
 * @param options - The service account and, optionally, project, endpoints, `fetch`, clock and limits.
 * @returns A transport to pass as `transports.fcm`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option (key material is never echoed).
 * @example
 * ```ts
 * const push = new PushNotificationManager({ transports: { fcm: createFcmTransport({ serviceAccount }) } });
 * ```
 */
export function createFcmTransport(options: FcmTransportOptions): PushTransport {
  const check = createValidator("createFcmTransport", { redactStrings: true });
  let account: GoogleServiceAccount | undefined;
  if (check.object("options", options)) {
    check.knownKeys("options", options, FCM_OPTION_KEYS);
    account = checkServiceAccount(check, "options.serviceAccount", options.serviceAccount);
    if (options.projectId !== undefined) check.string("options.projectId", options.projectId, { maxLength: 100 });
    for (const key of ["endpoint", "tokenUrl"] as const) {
      const url = options[key];
      if (url !== undefined && check.string(`options.${key}`, url)) {
        check.check(/^https?:\/\//.test(url) && URL.canParse(url), `options.${key}`, "must be an http(s) URL");
      }
    }
    if (options.fetch !== undefined) check.fn("options.fetch", options.fetch);
    if (options.clock !== undefined) check.clock("options.clock", options.clock);
    if (options.requestTimeoutMs !== undefined) {
      check.durationMs("options.requestTimeoutMs", options.requestTimeoutMs, { min: 1, max: 600_000 });
    }
    if (options.maxBatchSize !== undefined) {
      check.number("options.maxBatchSize", options.maxBatchSize, { integer: true, min: 1, max: 500 });
    }
  }
  check.done();
  const service = account as GoogleServiceAccount;
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = new URL(options.endpoint ?? "https://fcm.googleapis.com/");
  const sendUrl = new URL(
    `v1/projects/${encodeURIComponent(options.projectId ?? service.project_id)}/messages:send`,
    base,
  );
  const tokens = createAccessTokenSource(service, { tokenUrl: options.tokenUrl, fetch: fetchImpl, clock });
  const timeoutMs = options.requestTimeoutMs ?? 10_000;

  return {
    name: "fcm",
    maxBatchSize: options.maxBatchSize ?? 500,
    checkToken: (token) =>
      TOKEN.test(token) ? undefined : "must be an FCM registration token (printable ASCII without spaces)",
    send: (message, signal) => sendFcm(message, { sendUrl, tokens, fetch: fetchImpl, clock, timeoutMs, signal }),
  };
}

interface SendContext {
  readonly sendUrl: URL;
  readonly tokens: AccessTokenSource;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

async function sendFcm(message: PushMessage, context: SendContext): Promise<TransportOutcome> {
  const request = buildFcmRequest(message.device, message.notification, context.clock.now());
  const bytes = fcmPayloadBytes(request);
  if (bytes > FCM_MAX_PAYLOAD_BYTES) {
    return { status: "payload_too_large", reason: `${bytes} bytes of notification and data; FCM accepts 4096` };
  }
  const body = JSON.stringify(request);
  // One fresh token is worth a second try when FCM says the one we used is not (or no longer) valid.
  for (let round = 1; ; round += 1) {
    let accessToken: string;
    try {
      accessToken = await context.tokens.get(AbortSignal.any([context.signal, AbortSignal.timeout(context.timeoutMs)]));
    } catch (error) {
      return tokenFailure(error);
    }
    let response: Response;
    try {
      response = await context.fetch(context.sendUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json; charset=utf-8" },
        body,
        signal: AbortSignal.any([context.signal, AbortSignal.timeout(context.timeoutMs)]),
      });
    } catch (error) {
      return { status: "transient", reason: `FCM request failed: ${describe(error)}` };
    }
    const text = await response.text().catch(() => "");
    const outcome = readFcmResponse(response.status, text, response.headers.get("retry-after"), context.clock.now());
    if (
      outcome.providerCode === "UNAUTHENTICATED" ||
      (response.status === 401 && outcome.providerCode === "HTTP_401")
    ) {
      context.tokens.invalidate(accessToken);
      if (round === 1) continue;
    }
    return outcome;
  }
}

function tokenFailure(error: unknown): TransportOutcome {
  const status = isAccessTokenError(error) ? error.status : undefined;
  const final = isAccessTokenError(error) && error.final;
  return {
    status: final ? "auth_error" : "transient",
    providerCode: status === undefined ? "TOKEN_REQUEST_FAILED" : `TOKEN_HTTP_${status}`,
    reason: `could not get an access token: ${describe(error)}`,
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
