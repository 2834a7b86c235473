import type { PelbiotError } from "@pelbiot/core";
import type { TemplateValue } from "./message-template";
import type { SmsEncoding } from "./sms-segments";
import type { RateLimit } from "./token-bucket";

export type { TemplateValue } from "./message-template";
export type { SmsEncoding, SmsSegmentCount } from "./sms-segments";
export type { RateLimit } from "./token-bucket";

/** What a message travels as. */
export type MessageChannel = "sms" | "email";

/**
 * Where a message stands. `recorded` means the in-process outbox kept it and nothing left the process; `sent` that an
 * SMTP server accepted it; the others are Twilio's own Message statuses (`queued`, `delivered`, `undelivered`, …).
 */
export type MessageStatus =
  | "recorded"
  | "queued"
  | "sending"
  | "sent"
  | "failed"
  | "delivered"
  | "undelivered"
  | "receiving"
  | "received"
  | "accepted"
  | "scheduled"
  | "read"
  | "partially_delivered"
  | "canceled";

/** Every {@link MessageStatus}, for validation. */
export const MESSAGE_STATUSES: readonly MessageStatus[] = Object.freeze([
  "recorded",
  "queued",
  "sending",
  "sent",
  "failed",
  "delivered",
  "undelivered",
  "receiving",
  "received",
  "accepted",
  "scheduled",
  "read",
  "partially_delivered",
  "canceled",
]);

/** A rendered message as a provider receives it. */
export interface OutgoingMessage {
  /** Our id for the message (a UUID v7), the same on every attempt. */
  readonly messageId: string;
  /** `sms` or `email`. */
  readonly channel: MessageChannel;
  /** E.164 for SMS, an address for e-mail. */
  readonly recipient: string;
  /** The plain-text body (the SMS body, or the e-mail's text part). */
  readonly text: string;
  /** The e-mail subject; absent for SMS. */
  readonly subject?: string | undefined;
  /** The e-mail's HTML part, with every template value escaped. */
  readonly html?: string | undefined;
  /** The provider name the caller asked for (the outbox records it when it stands in for another provider). */
  readonly requestedProvider: string;
  /** Warnings found while checking the message (only the outbox accepts a message that has any). */
  readonly warnings: readonly string[];
}

/** What a provider reports back once it has accepted a message. */
export interface ProviderReceipt {
  /** The provider's id (Twilio's `SM…` sid, the SMTP `Message-ID`, or the outbox's id). */
  readonly providerMessageId: string;
  /** The message's status as the provider reported it on acceptance (e.g. Twilio's `queued`, SMTP's `sent`). */
  readonly status: MessageStatus;
}

/** What a provider's `send` gets besides the message. */
export interface ProviderSendContext {
  /** Aborted when the caller gives up; forward it to network calls. */
  readonly signal: AbortSignal;
  /** The attempt number, counting from 1. */
  readonly attempt: number;
}

/**
 * A message provider: the adapter between {@link MessagingIntegration} and one service. Build one with
 * `createTwilioProvider`, `createSmtpProvider` or `createOutboxProvider`, or write your own.
 *
 * A failing `send` throws a `PelbiotError` whose `details.outcome` says whether the provider surely did not take the
 * message (`not_sent`, with `details.retryable: true` when another attempt may succeed), refused it (`rejected`), or
 * may have taken it (`unknown`: a timeout or a connection lost after the request was written). Only `not_sent` with
 * `retryable: true` is ever retried, so an ambiguous failure never sends a second SMS.
 */
export interface MessageProvider {
  /** What the provider is (`twilio`, `smtp`, `outbox` or your own word), shown in results and errors. */
  readonly kind: string;
  /** The channel it sends on; the outbox takes both. */
  readonly channel: MessageChannel | "any";
  /** `false` only for providers that keep messages in the process (the outbox). */
  readonly deliversExternally: boolean;
  /** The provider's own sending rate limit; absent means unlimited. */
  readonly rateLimit?: RateLimit | undefined;
  /** Sends one message. */
  send(message: OutgoingMessage, context: ProviderSendContext): Promise<ProviderReceipt>;
  /** Releases connections (SMTP pools); called by {@link MessagingIntegration.close}. */
  close?(): Promise<void>;
}

/** Why a provider call failed, in `details.outcome` of its `PROVIDER_ERROR` / `TIMEOUT`. */
export type ProviderFailureOutcome = "not_sent" | "rejected" | "unknown";

/** The argument of {@link MessagingIntegration.sendMessage}: a `message` or a `templateId` with `data`. */
export interface SendMessageInput {
  /** An E.164 phone number (`+14155552345`) for SMS, an e-mail address for e-mail. */
  readonly recipient: string;
  /**
   * A name from the `providers` option (`twilio`, `smtp`, …) or `outbox`.
   * @default the `defaultProvider` option
   */
  readonly provider?: string | undefined;
  /** The text to send; give this or `templateId`. */
  readonly message?: string | undefined;
  /** The id of a template added with {@link MessagingIntegration.addTemplate}; give this or `message`. */
  readonly templateId?: string | undefined;
  /** The values of the template's placeholders; every placeholder needs one. */
  readonly data?: Readonly<Record<string, TemplateValue>> | undefined;
  /** The template locale to pick (`es-MX` falls back to `es`, then to the template without a locale). */
  readonly locale?: string | undefined;
  /** The e-mail subject (with `message`); a template's own subject wins. */
  readonly subject?: string | undefined;
  /** An HTML part (with `message`, e-mail only); sent as given, so never put untrusted text in it. */
  readonly html?: string | undefined;
}

/** What {@link MessagingIntegration.sendMessage} resolves with once the provider has taken the message. */
export interface SendMessageResult {
  /** Our id for the message. */
  readonly messageId: string;
  /** The status the provider reported on acceptance (`recorded` for the outbox). */
  readonly status: MessageStatus;
  /** The name of the provider that handled the message (`outbox` when the outbox stood in). */
  readonly provider: string;
  /** The provider name the caller asked for. */
  readonly requestedProvider: string;
  /** `false` when the message never left the process (the outbox): nobody received it. */
  readonly deliveredExternally: boolean;
  /** `sms` or `email`. */
  readonly channel: MessageChannel;
  /** The recipient as sent (E.164 for SMS). */
  readonly recipient: string;
  /** The provider's own id for the message. */
  readonly providerMessageId: string;
  /** SMS only: how many billable segments the body takes. */
  readonly segments?: number | undefined;
  /** SMS only: `GSM-7` or `UCS-2`. */
  readonly encoding?: SmsEncoding | undefined;
  /** How many attempts it took. */
  readonly attempts: number;
  /** Problems a real provider would have refused (only the outbox accepts them). */
  readonly warnings: readonly string[];
}

/** Options of {@link MessagingIntegration.addTemplate}. */
export interface TemplateOptions {
  /** The e-mail subject, a template too. */
  readonly subject?: string | undefined;
  /** An HTML body, a template too; every value is HTML-escaped. */
  readonly html?: string | undefined;
  /** The locale (a BCP 47 tag such as `es` or `pt-BR`); without one the template is the fallback for every locale. */
  readonly locale?: string | undefined;
}

/** A template as {@link MessagingIntegration.getTemplate} shows it. */
export interface MessageTemplateInfo {
  /** The template's id. */
  readonly id: string;
  /** Its locale, or `null` for the fallback template. */
  readonly locale: string | null;
  /** The plain-text template source, placeholders as written. */
  readonly text: string;
  /** The e-mail subject template, or `null`. */
  readonly subject: string | null;
  /** The HTML template, or `null`. */
  readonly html: string | null;
  /** Every placeholder of the text, subject and HTML, each once. */
  readonly placeholders: readonly string[];
}

/** The stored record of a message (no body: bodies often hold one-time codes). */
export interface MessageRecord {
  /** Our id for the message. */
  readonly messageId: string;
  /** The provider that handled it. */
  readonly provider: string;
  /** `sms` or `email`. */
  readonly channel: MessageChannel;
  /** The recipient as sent. */
  readonly recipient: string;
  /** The provider's own id for it. */
  readonly providerMessageId: string;
  /** Where the message stands now (status callbacks move it on). */
  readonly status: MessageStatus;
  /** `false` when the message never left the process (the outbox). */
  readonly deliveredExternally: boolean;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds of the last status change. */
  readonly updatedAt: number;
  /** The provider's error code from a status callback (Twilio `ErrorCode`), when it reported one. */
  readonly errorCode: string | null;
}

/** Payload of the `message_failed` event. */
export interface MessageFailedEvent {
  /** Our id for the message. */
  readonly messageId: string;
  /** The provider that failed. */
  readonly provider: string;
  /** `sms` or `email`. */
  readonly channel: MessageChannel;
  /** The recipient it was for. */
  readonly recipient: string;
  /** How many attempts were made. */
  readonly attempts: number;
  /** The error `sendMessage` rejected with. */
  readonly error: PelbiotError;
}

/** A status callback request as it reached your web server. */
export interface StatusCallbackRequest {
  /** The full URL Twilio called, exactly as configured in `StatusCallback` (scheme, host, port, path and query). */
  readonly url: string;
  /** The raw `application/x-www-form-urlencoded` body, or the parsed parameters. */
  readonly body: string | Readonly<Record<string, string | readonly string[]>>;
  /** The `X-Twilio-Signature` header. */
  readonly signature: string | undefined;
  /**
   * The name of the Twilio provider whose auth token signs the callbacks.
   * @default "twilio"
   */
  readonly provider?: string | undefined;
}

/** Payload of the `message_status` event. */
export interface MessageStatusEvent {
  /** Our id for the message. */
  readonly messageId: string;
  /** The provider that reported the status. */
  readonly provider: string;
  /** The provider's own id for the message. */
  readonly providerMessageId: string;
  /** The new status. */
  readonly status: MessageStatus;
  /** The status before the callback. */
  readonly previousStatus: MessageStatus;
  /** The provider's error code (Twilio `ErrorCode`), or `null`. */
  readonly errorCode: string | null;
}

/** Events of {@link MessagingIntegration}. */
export interface MessagingIntegrationEvents {
  /** A provider took the message (the outbox included: check `deliveredExternally`). */
  message_sent: [result: SendMessageResult];
  /** Sending failed for good; `sendMessage` rejects with the same error. */
  message_failed: [event: MessageFailedEvent];
  /** A verified status callback changed a message's status. */
  message_status: [event: MessageStatusEvent];
}
