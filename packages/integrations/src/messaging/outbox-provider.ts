import { type Clock, createValidator, systemClock, uuidv7 } from "@pelbiot/core";
import type { MessageProvider, OutgoingMessage, ProviderReceipt } from "./messaging-integration-types";

/** Options of {@link createOutboxProvider}. */
export interface OutboxProviderOptions {
  /**
   * How many messages the outbox keeps; the oldest are dropped first.
   * @default 1_000
   */
  maxMessages?: number | undefined;
  /**
   * Stamps `recordedAt`.
   * @default systemClock
   */
  clock?: Clock | undefined;
}

/** A message the outbox recorded. */
export interface OutboxMessage extends OutgoingMessage {
  /** The outbox's id for it (`outbox_…`). */
  readonly providerMessageId: string;
  /** Epoch milliseconds. */
  readonly recordedAt: number;
}

/** The in-process outbox: a {@link MessageProvider} that records messages instead of sending them. */
export interface OutboxProvider extends MessageProvider {
  readonly kind: "outbox";
  readonly deliversExternally: false;
  /** The recorded messages, oldest first (a copy). */
  readonly messages: readonly OutboxMessage[];
  /** Forgets every recorded message. */
  clear(): void;
}

const OUTBOX_OPTION_KEYS = ["maxMessages", "clock"] as const satisfies ReadonlyArray<keyof OutboxProviderOptions>;

/**
 * Creates an in-process outbox: messages are rendered, checked and recorded exactly as they would be sent, and nothing
 * leaves the process (`deliveredExternally: false`, status `recorded`). It is what {@link MessagingIntegration} uses
 * when no provider is configured, and a test double for your own code.
 *
 * @param options - `maxMessages` and `clock`.
 * @returns The outbox.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option.
 * @example
 * ```ts
 * const outbox = createOutboxProvider();
 * const messaging = new MessagingIntegration({ providers: { outbox }, defaultProvider: "outbox" });
 * await messaging.sendMessage({ recipient: "+14155552345", message: "Hello" });
 * outbox.messages[0]?.text; // "Hello"
 * ```
 */
export function createOutboxProvider(options: OutboxProviderOptions = {}): OutboxProvider {
  const check = createValidator("createOutboxProvider");
  let maxMessages = 1_000;
  let clock: Clock = systemClock;
  if (check.object("options", options) && check.knownKeys("options", options, OUTBOX_OPTION_KEYS)) {
    if (
      options.maxMessages !== undefined &&
      check.number("options.maxMessages", options.maxMessages, { integer: true, min: 1 })
    ) {
      maxMessages = options.maxMessages;
    }
    if (options.clock !== undefined && check.clock("options.clock", options.clock)) clock = options.clock;
  }
  check.done();
  let messages: OutboxMessage[] = [];
  return {
    kind: "outbox",
    channel: "any",
    deliversExternally: false,
    get messages() {
      return [...messages];
    },
    clear() {
      messages = [];
    },
    async send(message): Promise<ProviderReceipt> {
      const providerMessageId = `outbox_${uuidv7()}`;
      messages.push({ ...message, providerMessageId, recordedAt: clock.now() });
      if (messages.length > maxMessages) messages = messages.slice(messages.length - maxMessages);
      return { providerMessageId, status: "recorded" };
    },
  };
}
