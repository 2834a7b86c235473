import { type ClientHttp2Session, connect, constants } from "node:http2";
import { type Clock, createValidator, parseRetryAfter, systemClock } from "@pelbiot/core";
import type { PushMessage, PushTransport, TransportOutcome } from "../push/push-notification-manager-types";
import { APNS_MAX_PAYLOAD_BYTES, buildApnsRequest, readApnsResponse } from "./apns-payload";

/**
 * Options of {@link createApnsTransport}: a token-based (`.p8` key) connection to APNs.
 *
 * @example
 * ```ts
 * const options: ApnsTransportOptions = { teamId: "ABCDE12345", keyId: "KEY1234567", signingKey: p8Text, bundleId: "com.example.app" };
 * ```
 */
export interface ApnsTransportOptions {
  /** Your Apple Developer team id (the JWT's `iss`). */
  teamId: string;
  /** The id of the signing key (the JWT's `kid`). */
  keyId: string;
  /** The `.p8` key file's text: a PKCS #8 PEM P-256 key. */
  signingKey: string;
  /** The app's bundle id, sent as `apns-topic`. */
  bundleId: string;
  /** `true` for App Store/TestFlight builds, `false` for development builds. @default true */
  production?: boolean | undefined;
  /** The APNs origin; overrides `production` (e.g. a local test server). */
  endpoint?: string | undefined;
  /** Extra PEM certificate authorities to trust for `endpoint` (a test server's self-signed certificate). */
  ca?: string | undefined;
  /** Time source for provider-token age and `apns-expiration`. @default systemClock */
  clock?: Clock | undefined;
  /** Deadline of one request, in milliseconds. @default 10_000 */
  requestTimeoutMs?: number | undefined;
  /** How many messages of a bulk send go out together over the one HTTP/2 connection. @default 1_000 */
  maxBatchSize?: number | undefined;
}

/**
 * The APNs transport: a {@link PushTransport} plus `close()`, which ends its HTTP/2 connection.
 *
 * @example
 * ```ts
 * const apns: ApnsTransport = createApnsTransport(options);
 * process.on("SIGTERM", () => apns.close());
 * ```
 */
export interface ApnsTransport extends PushTransport {
  /** Closes the HTTP/2 connection; a later send opens a new one. */
  close(): Promise<void>;
}

const OPTION_KEYS = [
  "teamId",
  "keyId",
  "signingKey",
  "bundleId",
  "production",
  "endpoint",
  "ca",
  "clock",
  "requestTimeoutMs",
  "maxBatchSize",
] as const satisfies ReadonlyArray<keyof ApnsTransportOptions>;
// Apple refuses provider tokens older than an hour and refreshes more often than every 20 minutes.
const TOKEN_LIFETIME_MS = 50 * 60_000;
const DEVICE_TOKEN = /^[0-9a-fA-F]{64,200}$/;

/**
 * Creates the Apple Push Notification service transport: HTTP/2 over TLS (`node:http2`, one multiplexed connection,
 * reopened when APNs closes it), authenticated with an ES256 provider token signed by `jose` from your `.p8` key and
 * reused for 50 minutes (Apple wants it refreshed at most every 20 minutes and refuses it after an hour; an
 * `ExpiredProviderToken` answer mints a new one and retries once). Answers map by Apple's `reason`: `Unregistered`,
 * `BadDeviceToken` and `ExpiredToken` prune the device; `TooManyRequests` and 5xx retry.
 *
 * @param options - Team id, key id, `.p8` key, bundle id, environment and limits.
 * @returns The transport; pass it as `transports.apns`, and `close()` it on shutdown.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option (key material is never echoed).
 * @example
 * ```ts
 * const apns = createApnsTransport({ teamId, keyId, signingKey, bundleId: "com.example.app", production: false });
 * const push = new PushNotificationManager({ transports: { apns } });
 * await push.registerDevice("iphone-1", deviceTokenHex, { provider: "apns" });
 * ```
 */
export function createApnsTransport(options: ApnsTransportOptions): ApnsTransport {
  const check = createValidator("createApnsTransport", { redactStrings: true });
  if (check.object("options", options)) {
    check.knownKeys("options", options, OPTION_KEYS);
    const { teamId, keyId, signingKey, bundleId, endpoint } = options;
    check.string("options.teamId", teamId, { maxLength: 20 });
    check.string("options.keyId", keyId, { maxLength: 20 });
    if (check.string("options.signingKey", signingKey)) {
      check.check(
        signingKey.includes("-----BEGIN PRIVATE KEY-----"),
        "options.signingKey",
        "must be the .p8 key file's text (-----BEGIN PRIVATE KEY-----)",
      );
    }
    check.string("options.bundleId", bundleId, { maxLength: 255 });
    if (options.production !== undefined) check.boolean("options.production", options.production);
    if (endpoint !== undefined && check.string("options.endpoint", endpoint)) {
      check.check(/^https:\/\//.test(endpoint) && URL.canParse(endpoint), "options.endpoint", "must be an https: URL");
    }
    if (options.ca !== undefined && check.string("options.ca", options.ca)) {
      check.check(options.ca.includes("-----BEGIN CERTIFICATE-----"), "options.ca", "must be a PEM certificate");
    }
    if (options.clock !== undefined) check.clock("options.clock", options.clock);
    if (options.requestTimeoutMs !== undefined) {
      check.durationMs("options.requestTimeoutMs", options.requestTimeoutMs, { min: 1, max: 600_000 });
    }
    if (options.maxBatchSize !== undefined) {
      check.number("options.maxBatchSize", options.maxBatchSize, { integer: true, min: 1 });
    }
  }
  check.done();
  return new ApnsConnection(options);
}

class ApnsConnection implements ApnsTransport {
  readonly name = "apns";
  readonly maxBatchSize: number;
  readonly #options: ApnsTransportOptions;
  readonly #origin: string;
  readonly #clock: Clock;
  #session: ClientHttp2Session | undefined;
  #token: { value: string; issuedAt: number } | undefined;
  #pendingToken: Promise<string> | undefined;

  constructor(options: ApnsTransportOptions) {
    this.#options = options;
    this.maxBatchSize = options.maxBatchSize ?? 1_000;
    this.#clock = options.clock ?? systemClock;
    const host = options.production === false ? "api.sandbox.push.apple.com" : "api.push.apple.com";
    this.#origin = options.endpoint ?? `https://${host}`;
  }

  checkToken(token: string): string | undefined {
    return DEVICE_TOKEN.test(token) ? undefined : "must be an APNs device token (64 or more hexadecimal digits)";
  }

  async send(message: PushMessage, signal: AbortSignal): Promise<TransportOutcome> {
    const request = buildApnsRequest(message.notification, this.#options.bundleId, this.#clock.now());
    const bytes = Buffer.byteLength(request.body);
    if (bytes > APNS_MAX_PAYLOAD_BYTES) {
      return { status: "payload_too_large", reason: `${bytes} bytes of payload; APNs accepts 4096` };
    }
    for (let round = 1; ; round += 1) {
      let token: string;
      try {
        token = await this.#providerToken();
      } catch (error) {
        return {
          status: "auth_error",
          providerCode: "SIGNING_KEY",
          reason: `cannot sign the provider token: ${describe(error)}`,
        };
      }
      const outcome = await this.#post(message.device.token, token, request, signal);
      if (outcome.providerCode === "ExpiredProviderToken" && round === 1) {
        if (this.#token?.value === token) this.#token = undefined;
        continue;
      }
      return outcome;
    }
  }

  close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined || session.closed) return Promise.resolve();
    return new Promise((resolve) => session.close(() => resolve()));
  }

  #connect(): ClientHttp2Session {
    if (this.#session !== undefined && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const session = connect(this.#origin, this.#options.ca === undefined ? {} : { ca: this.#options.ca });
    // An idle connection must not keep the process alive; a failed one is replaced on the next send.
    session.unref();
    const forget = (): void => {
      if (this.#session === session) this.#session = undefined;
    };
    session.on("error", forget);
    session.on("goaway", forget);
    session.on("close", forget);
    this.#session = session;
    return session;
  }

  #post(
    deviceToken: string,
    providerToken: string,
    request: { headers: Record<string, string>; body: string },
    signal: AbortSignal,
  ): Promise<TransportOutcome> {
    return new Promise((resolve) => {
      let session: ClientHttp2Session;
      try {
        session = this.#connect();
      } catch (error) {
        resolve({ status: "transient", reason: `cannot connect to APNs: ${describe(error)}` });
        return;
      }
      const stream = session.request(
        {
          [constants.HTTP2_HEADER_METHOD]: "POST",
          [constants.HTTP2_HEADER_PATH]: `/3/device/${deviceToken}`,
          authorization: `bearer ${providerToken}`,
          "content-type": "application/json",
          ...request.headers,
        },
        { signal },
      );
      const timeoutMs = this.#options.requestTimeoutMs ?? 10_000;
      stream.setTimeout(timeoutMs, () => stream.close(constants.NGHTTP2_CANCEL));
      let status = 0;
      let apnsId: string | undefined;
      let retryAfter: string | undefined;
      const chunks: Buffer[] = [];
      stream.on("response", (headers) => {
        status = Number(headers[constants.HTTP2_HEADER_STATUS]);
        apnsId = headers["apns-id"] as string | undefined;
        retryAfter = headers["retry-after"] as string | undefined;
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => resolve({ status: "transient", reason: `APNs stream failed: ${describe(error)}` }));
      stream.on("close", () => {
        if (status === 0) {
          resolve({
            status: "transient",
            reason: `APNs closed the stream without an answer (${timeoutMs} ms deadline)`,
          });
          return;
        }
        const waitMs = parseRetryAfter(retryAfter, this.#clock.now());
        resolve(readApnsResponse(status, Buffer.concat(chunks).toString("utf8"), apnsId, waitMs));
      });
      stream.end(request.body);
    });
  }

  async #providerToken(): Promise<string> {
    const now = this.#clock.now();
    if (this.#token !== undefined && now - this.#token.issuedAt < TOKEN_LIFETIME_MS) return this.#token.value;
    this.#pendingToken ??= this.#signToken(now).finally(() => {
      this.#pendingToken = undefined;
    });
    return this.#pendingToken;
  }

  async #signToken(now: number): Promise<string> {
    const { importPKCS8, SignJWT } = await import("jose");
    const key = await importPKCS8(this.#options.signingKey, "ES256");
    const value = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: this.#options.keyId })
      .setIssuer(this.#options.teamId)
      .setIssuedAt(Math.floor(now / 1000))
      .sign(key);
    this.#token = { value, issuedAt: now };
    return value;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
