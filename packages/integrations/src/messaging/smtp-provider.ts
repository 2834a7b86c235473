import { createValidator, PelbiotError } from "@pelbiot/core";
import type { MessageProvider, OutgoingMessage, ProviderReceipt } from "./messaging-integration-types";
import { providerFailure } from "./provider-failure";
import { checkEmailRecipient } from "./recipient";
import { checkRateLimit, type RateLimit } from "./token-bucket";

/** Options of {@link createSmtpProvider}. */
export interface SmtpProviderOptions {
  /** The SMTP server's host name or address. */
  host?: string | undefined;
  /**
   * The server port.
   * @default 465 when `secure`, else 587
   */
  port?: number | undefined;
  /**
   * Whether to connect with TLS from the start (port 465). Otherwise the connection is upgraded with STARTTLS when
   * the server offers it.
   * @default port === 465
   */
  secure?: boolean | undefined;
  /** Refuse to send unless the server upgrades to TLS with STARTTLS. @default false */
  requireTLS?: boolean | undefined;
  /** SMTP AUTH credentials. */
  auth?:
    | {
        /** The SMTP user name. */
        readonly user: string;
        /** The SMTP password or API key. */
        readonly pass: string;
      }
    | undefined;
  /** The sender, `ada@example.com` or `"Ada" <ada@example.com>`. */
  from?: string | undefined;
  /**
   * Connection, greeting and socket timeouts in milliseconds. A timeout after the message data went out may mean
   * the server took it, so it is not retried.
   * @default 30_000
   */
  timeoutMs?: number | undefined;
  /**
   * The sending rate; `null` for none.
   * @default { capacity: 20, refillPerSecond: 5 }
   */
  rateLimit?: RateLimit | null | undefined;
  /** Keep connections open and reuse them (nodemailer's pool). @default false */
  pool?: boolean | undefined;
}

/** An SMTP provider built on nodemailer; see {@link createSmtpProvider}. */
export interface SmtpProvider extends MessageProvider {
  readonly kind: "smtp";
  readonly channel: "email";
  readonly deliversExternally: true;
}

interface SentInfo {
  readonly messageId?: unknown;
  readonly rejected?: unknown;
}
interface NodemailerTransport {
  sendMail(mail: Record<string, unknown>): Promise<SentInfo>;
  close(): void;
}
interface NodemailerModule {
  createTransport(options: Record<string, unknown>): NodemailerTransport;
}

const SMTP_OPTION_KEYS = [
  "host",
  "port",
  "secure",
  "requireTLS",
  "auth",
  "from",
  "timeoutMs",
  "rateLimit",
  "pool",
] as const satisfies ReadonlyArray<keyof SmtpProviderOptions>;

const PREFIX = "MessagingIntegration.sendMessage: SMTP";

/**
 * Creates an e-mail provider that sends through an SMTP server with nodemailer (an optional peer dependency: install
 * `nodemailer` next to this package). Failures follow RFC 5321: a 4yz reply means the server did not take the
 * message and it is retried; a 5yz reply is final; a connection that cannot be opened is retried; a timeout or a
 * dropped connection after the message data went out is not, since the server may have taken it.
 *
 * @param options - Server, TLS, credentials, sender, timeouts and rate limit.
 * @returns The provider, to pass in `providers` of {@link MessagingIntegration}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option.
 * @throws {PelbiotError} CONFIGURATION_ERROR when `host` or `from` is missing.
 * @example
 * ```ts
 * const smtp = createSmtpProvider({ host: "smtp.example.com", auth: { user: "apikey", pass: "…" }, from: "shop@example.com" });
 * const messaging = new MessagingIntegration({ providers: { smtp } });
 * ```
 */
export function createSmtpProvider(options: SmtpProviderOptions = {}): SmtpProvider {
  const check = createValidator("createSmtpProvider", { redactStrings: true });
  if (!check.object("options", options) || !check.knownKeys("options", options, SMTP_OPTION_KEYS)) check.done();
  if (options.host !== undefined) check.string("options.host", options.host, { minLength: 1, maxLength: 253 });
  if (options.port !== undefined) check.number("options.port", options.port, { integer: true, min: 1, max: 65_535 });
  for (const key of ["secure", "requireTLS", "pool"] as const) {
    if (options[key] !== undefined) check.boolean(`options.${key}`, options[key]);
  }
  const { auth } = options;
  if (
    auth !== undefined &&
    check.object("options.auth", auth) &&
    check.knownKeys("options.auth", auth, ["user", "pass"])
  ) {
    check.string("options.auth.user", auth.user, { minLength: 1 });
    check.string("options.auth.pass", auth.pass, { minLength: 1 });
  }
  if (options.from !== undefined && check.string("options.from", options.from)) {
    check.check(
      Object.hasOwn(checkEmailRecipient(bareAddress(options.from)), "address"),
      "options.from",
      'must be an address such as shop@example.com or "Shop" <shop@example.com>',
    );
  }
  if (options.timeoutMs !== undefined) check.durationMs("options.timeoutMs", options.timeoutMs, { min: 1 });
  if (options.rateLimit !== undefined && options.rateLimit !== null)
    checkRateLimit(check, "options.rateLimit", options.rateLimit);
  check.done();
  const { host, from } = options;
  if (host === undefined || from === undefined) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "createSmtpProvider: SMTP needs a host and a from address. To record e-mails without sending them, use the " +
        "outbox (mockExternalAPIs: true).",
    );
  }
  const secure = options.secure ?? options.port === 465;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transportOptions: Record<string, unknown> = {
    host,
    port: options.port ?? (secure ? 465 : 587),
    secure,
    requireTLS: options.requireTLS ?? false,
    auth: auth === undefined ? undefined : { user: auth.user, pass: auth.pass },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    pool: options.pool ?? false,
  };
  let transport: Promise<NodemailerTransport> | undefined;
  const getTransport = (): Promise<NodemailerTransport> => {
    transport ??= loadNodemailer().then((nodemailer) => nodemailer.createTransport(transportOptions));
    return transport;
  };
  const domain = bareAddress(from).split("@")[1] ?? "localhost";
  return Object.freeze({
    kind: "smtp" as const,
    channel: "email" as const,
    deliversExternally: true as const,
    rateLimit: options.rateLimit === null ? undefined : (options.rateLimit ?? { capacity: 20, refillPerSecond: 5 }),
    send: async (message: OutgoingMessage): Promise<ProviderReceipt> => {
      const sender = await getTransport();
      const messageId = `<${message.messageId}@${domain}>`;
      try {
        const info = await sender.sendMail({
          from,
          to: message.recipient,
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId,
        });
        if (Array.isArray(info.rejected) && info.rejected.length > 0) {
          throw providerFailure("smtp", "rejected", `${PREFIX} server refused the recipient ${message.recipient}.`);
        }
        return { providerMessageId: typeof info.messageId === "string" ? info.messageId : messageId, status: "sent" };
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close: async () => {
      if (transport !== undefined) (await transport).close();
    },
    toJSON: () => ({ kind: "smtp", host }),
  });
}

async function loadNodemailer(): Promise<NodemailerModule> {
  try {
    const loaded = (await import("nodemailer")) as unknown as { default?: NodemailerModule } & NodemailerModule;
    return loaded.default ?? loaded;
  } catch (error) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "createSmtpProvider: the nodemailer package is not installed. Install it next to @pelbiot/integrations " +
        "(npm install nodemailer).",
      { cause: error },
    );
  }
}

function classifySmtpError(error: unknown): PelbiotError {
  if (PelbiotError.is(error)) return error;
  const { code, command, responseCode, response } = (error ?? {}) as {
    code?: unknown;
    command?: unknown;
    responseCode?: unknown;
    response?: unknown;
  };
  const reply = typeof response === "string" ? ` "${response.slice(0, 200)}"` : "";
  const details = {
    status: typeof responseCode === "number" ? responseCode : undefined,
    providerCode: typeof code === "string" ? code : undefined,
  };
  if (typeof responseCode === "number" && responseCode >= 400 && responseCode < 500) {
    return providerFailure("smtp", "not_sent", `${PREFIX} server deferred the message (${responseCode}${reply}).`, {
      details,
      cause: error,
    });
  }
  if (typeof responseCode === "number" && responseCode >= 500) {
    const final = code === "EAUTH" ? "rejected the credentials" : "refused the message";
    return providerFailure("smtp", "rejected", `${PREFIX} server ${final} (${responseCode}${reply}).`, {
      details,
      cause: error,
    });
  }
  if (neverConnected(error)) {
    const what = error instanceof Error ? error.message : String(error);
    return providerFailure("smtp", "not_sent", `${PREFIX} server could not be reached (${what}); nothing was sent.`, {
      details,
      cause: error,
    });
  }
  const what = error instanceof Error ? error.message : String(error);
  return providerFailure(
    "smtp",
    "unknown",
    `${PREFIX} connection failed during ${typeof command === "string" ? command : "the exchange"} (${what}). The ` +
      "server may have taken the message, so it is not retried.",
    { details, cause: error, code: code === "ETIMEDOUT" ? "TIMEOUT" : "PROVIDER_ERROR" },
  );
}

// nodemailer labels every socket failure with command "CONN", even a timeout after the message data went out, so
// only failures that prove no SMTP session existed count: a failed connect or DNS lookup (syscall), or one of the
// timeouts before the first command (which recent nodemailer versions name in timeoutType; without it, a timeout
// counts as ambiguous).
const BEFORE_SESSION_TIMEOUTS = new Set(["CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT"]);

function neverConnected(error: unknown): boolean {
  const { syscall, timeoutType } = (error ?? {}) as { syscall?: unknown; timeoutType?: unknown };
  if (syscall === "connect" || syscall === "getaddrinfo") return true;
  return typeof timeoutType === "string" && BEFORE_SESSION_TIMEOUTS.has(timeoutType);
}

function bareAddress(value: string): string {
  const match = /<([^<>]+)>\s*$/.exec(value);
  return (match?.[1] ?? value).trim();
}
