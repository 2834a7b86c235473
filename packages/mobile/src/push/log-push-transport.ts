import { createValidator } from "@pelbiot/core";
import type { PushMessage, PushTransport, TransportOutcome } from "./push-notification-manager-types";

/**
 * Options of {@link createLogPushTransport}.
 *
 * @example
 * ```ts
 * const transport = createLogPushTransport({ maxEntries: 100, respond: () => ({ status: "delivered" }) });
 * ```
 */
export interface LogPushTransportOptions {
  /** How many sent messages {@link LogPushTransport.entries} keeps (oldest dropped first). @default 1_000 */
  maxEntries?: number | undefined;
  /**
   * Decides each attempt's outcome, to rehearse failures (dead tokens, rate limits) in tests and demos.
   * @default every message is delivered
   */
  respond?: ((message: PushMessage) => TransportOutcome) | undefined;
}

/**
 * The in-process log transport: records every message in memory and sends nothing anywhere. The default transport
 * of {@link PushNotificationManager}, for development, tests and demos.
 *
 * @example
 * ```ts
 * const log = createLogPushTransport();
 * const push = new PushNotificationManager({ transports: { log } });
 * await push.registerDevice("device-id", "token");
 * await push.sendNotification("device-id", { title: "Hi" });
 * log.entries()[0]?.notification.title; // "Hi"
 * ```
 */
export interface LogPushTransport extends PushTransport {
  readonly name: "log";
  /** The messages attempted so far, oldest first, each with the outcome it got. */
  entries(): Array<
    PushMessage & {
      /** What the transport reported for the message. */
      readonly outcome: TransportOutcome;
    }
  >;
  /** Forgets the recorded messages. */
  clear(): void;
}

const LOG_OPTION_KEYS = ["maxEntries", "respond"] as const satisfies ReadonlyArray<keyof LogPushTransportOptions>;

/**
 * Creates the in-process log transport (see {@link LogPushTransport}).
 *
 * @param options - How many messages to keep, and optionally how to answer each attempt.
 * @returns A transport whose `entries()` shows what was "sent".
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option.
 * @example
 * ```ts
 * const log = createLogPushTransport({ respond: (message) => message.device.token === "dead"
 *   ? { status: "invalid_token", providerCode: "UNREGISTERED" } : { status: "delivered" } });
 * ```
 */
export function createLogPushTransport(options: LogPushTransportOptions = {}): LogPushTransport {
  const check = createValidator("createLogPushTransport");
  if (check.object("options", options)) {
    check.knownKeys("options", options, LOG_OPTION_KEYS);
    if (options.maxEntries !== undefined) {
      check.number("options.maxEntries", options.maxEntries, { integer: true, min: 0, max: 1_000_000 });
    }
    if (options.respond !== undefined) check.fn("options.respond", options.respond);
  }
  check.done();
  const maxEntries = options.maxEntries ?? 1_000;
  const respond = options.respond ?? ((): TransportOutcome => ({ status: "delivered" }));
  let recorded: Array<PushMessage & { readonly outcome: TransportOutcome }> = [];
  let counter = 0;

  return {
    name: "log",
    maxBatchSize: 1_000,
    async send(message) {
      counter += 1;
      const answer = respond(message);
      const outcome: TransportOutcome =
        answer.status === "delivered" && answer.providerMessageId === undefined
          ? { ...answer, providerMessageId: `log-${counter}` }
          : answer;
      if (maxEntries > 0) {
        recorded.push({ ...message, outcome });
        // Trim in bulk, so a steady stream of sends does not copy the whole log every time.
        if (recorded.length >= 2 * maxEntries) recorded = recorded.slice(-maxEntries);
      }
      return outcome;
    },
    entries: () => recorded.slice(-maxEntries),
    clear() {
      recorded = [];
    },
  };
}
