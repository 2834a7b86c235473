import { createValidator, PelbiotError, TypedEventEmitter, toPelbiotError, uuidv7 } from "@pelbiot/core";
import { type ChosenProvider, channelFor, checkSendMessageShape, composeMessage } from "./message-composer";
import { MessageDelivery } from "./message-delivery";
import {
  type MessagingIntegrationOptions,
  type ResolvedMessagingIntegrationOptions,
  resolveMessagingIntegrationOptions,
} from "./messaging-integration-options";
import {
  fromMessagingIntegrationSnapshot,
  type MessagingIntegrationSnapshot,
  toMessagingIntegrationSnapshot,
} from "./messaging-integration-snapshot";
import type {
  MessageRecord,
  MessageTemplateInfo,
  MessagingIntegrationEvents,
  OutgoingMessage,
  SendMessageInput,
  SendMessageResult,
  StatusCallbackRequest,
  TemplateOptions,
} from "./messaging-integration-types";
import { createOutboxProvider, type OutboxProvider } from "./outbox-provider";
import { countSmsSegments } from "./sms-segments";
import { applyStatusCallback } from "./status-callback";
import { canonicalLocale, compileTemplateParts, TemplateRegistry, toTemplateInfo } from "./template-registry";

export type { MessagingIntegrationOptions } from "./messaging-integration-options";
export type { MessagingIntegrationSnapshot, TemplateSnapshot } from "./messaging-integration-snapshot";
// Every public type of the integration, so callers can import them next to the class.
export type * from "./messaging-integration-types";

const TEMPLATE_OPTION_KEYS = ["subject", "html", "locale"] as const satisfies ReadonlyArray<keyof TemplateOptions>;

/**
 * Sends SMS and e-mail through named providers, from plain text or `{placeholder}` templates. SMS recipients are
 * checked and normalised to E.164 with libphonenumber-js and their GSM-7 / UCS-2 segments counted; every provider has
 * a token-bucket rate limit; failed sends are retried only when the provider surely did not take the message, so an
 * ambiguous failure never sends a second SMS. Providers: Twilio (`createTwilioProvider`), SMTP through nodemailer
 * (`createSmtpProvider`), and the in-process outbox, which records messages without sending them. With no
 * `providers` configured every message goes to the outbox and results say `deliveredExternally: false`.
 *
 * @example
 * ```ts
 * const messaging = new MessagingIntegration(); // in-process outbox: nothing leaves the process
 * await messaging.sendMessage({ recipient: "+1234567890", message: "Hello", provider: "twilio" });
 * messaging.addTemplate("otp", "Your OTP is {code}");
 * await messaging.sendMessage({ recipient: "+1234567890", provider: "twilio", templateId: "otp", data: { code: "123456" } });
 * ```
 */
export class MessagingIntegration extends TypedEventEmitter<MessagingIntegrationEvents> {
  /** The in-process outbox: it records messages sent to `outbox`, and stands in for unconfigured providers with `mockExternalAPIs`. */
  readonly outbox: OutboxProvider;
  readonly #options: ResolvedMessagingIntegrationOptions;
  readonly #templates = new TemplateRegistry();
  readonly #delivery: MessageDelivery;
  readonly #warnedStandIns = new Set<string>();

  /**
   * Creates the integration; nothing is sent until `sendMessage`.
   *
   * @param options - Providers, default provider, outbox stand-in, recipient checks, retries, rate-limit wait, storage.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option.
   */
  constructor(options: MessagingIntegrationOptions = {}) {
    super();
    this.#options = resolveMessagingIntegrationOptions(options);
    const configured = Object.hasOwn(this.#options.providers, "outbox") ? this.#options.providers.outbox : undefined;
    this.outbox =
      configured !== undefined && configured.kind === "outbox" && "messages" in configured
        ? (configured as OutboxProvider)
        : createOutboxProvider({ clock: this.#options.clock });
    this.#delivery = new MessageDelivery(this.#options);
  }

  /**
   * Adds (or replaces) a template in the guide's syntax: `{name}` placeholders, `{{` / `}}` for literal braces.
   * Several locales of one id may exist; one without a locale is the fallback.
   *
   * @param templateId - The id `sendMessage({ templateId })` uses.
   * @param text - The plain-text body (the SMS, or the e-mail's text part).
   * @param options - An e-mail `subject` and `html` body (templates too; HTML values are escaped) and a `locale`.
   * @returns The template with its placeholders.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed template (an unmatched brace, a bad placeholder
   * name) or option; nothing changes then.
   * @throws {PelbiotError} LIMIT_EXCEEDED when `maxTemplates` are held already.
   * @example
   * ```ts
   * messaging.addTemplate("otp", "Your OTP is {code}");
   * messaging.addTemplate("otp", "Tu código es {code}", { locale: "es" });
   * messaging.addTemplate("welcome", "Hi {name}", { subject: "Welcome, {name}", html: "<p>Hi <b>{name}</b></p>" });
   * ```
   */
  addTemplate(templateId: string, text: string, options: TemplateOptions = {}): MessageTemplateInfo {
    const check = createValidator("MessagingIntegration.addTemplate");
    check.string("templateId", templateId, { minLength: 1, maxLength: 200 });
    check.string("text", text, { minLength: 1 });
    let locale: string | null = null;
    if (check.object("options", options) && check.knownKeys("options", options, TEMPLATE_OPTION_KEYS)) {
      if (options.subject !== undefined) check.string("options.subject", options.subject, { minLength: 1 });
      if (options.html !== undefined) check.string("options.html", options.html, { minLength: 1 });
      if (options.locale !== undefined && check.string("options.locale", options.locale)) {
        locale = canonicalLocale(options.locale) ?? null;
        check.check(locale !== null, "options.locale", "must be a BCP 47 tag such as es or pt-BR");
      }
    }
    check.done();
    const compiled = compileTemplateParts({ text, subject: options.subject, html: options.html });
    for (const [part, error] of Object.entries(compiled.errors))
      check.fail(part === "text" ? "text" : `options.${part}`, error);
    check.done();
    if (!this.#templates.has(templateId, locale) && this.#templates.size >= this.#options.maxTemplates) {
      const limit = this.#options.maxTemplates;
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `MessagingIntegration.addTemplate: ${limit} templates are held already (maxTemplates); remove one first.`,
        { details: { limit, got: limit + 1 } },
      );
    }
    const stored = { id: templateId, locale, text: compiled.text!, subject: compiled.subject, html: compiled.html };
    this.#templates.set(stored);
    return toTemplateInfo(stored);
  }

  /**
   * Reads the template `sendMessage` would use for an id and locale (with fallback).
   *
   * @param templateId - The template id.
   * @param locale - The locale to resolve (`es-MX` falls back to `es`, then to the template without a locale).
   * @returns The template.
   * @throws {PelbiotError} NOT_FOUND when there is none.
   * @example
   * ```ts
   * messaging.getTemplate("otp", "es-MX").text; // "Tu código es {code}"
   * ```
   */
  getTemplate(templateId: string, locale?: string): MessageTemplateInfo {
    const check = createValidator("MessagingIntegration.getTemplate");
    check.string("templateId", templateId, { minLength: 1 });
    if (locale !== undefined && check.string("locale", locale)) {
      check.check(canonicalLocale(locale) !== undefined, "locale", "must be a BCP 47 tag such as es or pt-BR");
    }
    check.done();
    const found = this.#templates.resolve(templateId, locale === undefined ? undefined : canonicalLocale(locale));
    if (found === undefined) {
      throw new PelbiotError("NOT_FOUND", `MessagingIntegration.getTemplate: no template "${templateId}".`, {
        details: { id: templateId },
      });
    }
    return toTemplateInfo(found);
  }

  /**
   * Removes a template: one locale, or every locale of the id when `locale` is not given.
   *
   * @param templateId - The template id.
   * @param locale - The locale to remove; `null` removes the fallback only.
   * @returns Whether anything was removed.
   * @example
   * ```ts
   * messaging.removeTemplate("otp", "es");
   * ```
   */
  removeTemplate(templateId: string, locale?: string | null): boolean {
    const check = createValidator("MessagingIntegration.removeTemplate");
    check.string("templateId", templateId, { minLength: 1 });
    let canonical: string | null | undefined = locale;
    if (typeof locale === "string") {
      canonical = canonicalLocale(locale);
      check.check(canonical !== undefined, "locale", "must be a BCP 47 tag such as es or pt-BR");
    } else if (locale !== undefined && locale !== null) {
      check.fail("locale", "must be a BCP 47 tag, null or absent");
    }
    check.done();
    return this.#templates.delete(templateId, canonical) > 0;
  }

  /**
   * Sends a message, from `message` or from a template filled with `data`. Resolves once the provider has taken it
   * (Twilio `queued`, SMTP accepted, outbox `recorded`: check `deliveredExternally`).
   *
   * @param input - Recipient, provider, and `message` or `templateId` + `data` (+ `locale`).
   * @returns The message id, status, provider, and for SMS the segment count and encoding.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed input, a recipient that is not E.164 (SMS) or an
   * address (e-mail), or a template placeholder without a value; nothing is sent then.
   * @throws {PelbiotError} NOT_FOUND for an unknown template; CONFIGURATION_ERROR for a provider that is not configured
   * (without `mockExternalAPIs`); LIMIT_EXCEEDED when the rate limit would make it wait past `maxRateLimitWaitMs`;
   * PROVIDER_ERROR / TIMEOUT / RETRY_EXHAUSTED when the provider failed (`details.outcome` says whether it may have
   * taken the message). Failures also emit `message_failed`.
   * @example
   * ```ts
   * const { messageId, status, segments } = await messaging.sendMessage({ recipient: "+14155552345", message: "Hello" });
   * ```
   */
  async sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
    const check = createValidator("MessagingIntegration.sendMessage");
    if (!checkSendMessageShape(check, input)) check.done();
    const requested = input.provider ?? this.#options.defaultProvider;
    const chosen = check.issues.length === 0 ? this.#chooseProvider(requested, input.recipient) : undefined;
    const composed = chosen === undefined ? undefined : composeMessage(check, input, chosen, this.#composeContext());
    check.done();
    if (chosen === undefined || composed === undefined) throw new PelbiotError("INTERNAL_ERROR", "unreachable");
    const outgoing: OutgoingMessage = {
      messageId: uuidv7({ clock: this.#options.clock }),
      channel: chosen.channel,
      requestedProvider: requested,
      ...composed,
    };
    let attempts = 0;
    try {
      const { receipt } = await this.#delivery.send(chosen, outgoing, (attempt) => {
        attempts = attempt;
      });
      const segments = chosen.channel === "sms" ? countSmsSegments(outgoing.text) : undefined;
      const result: SendMessageResult = {
        messageId: outgoing.messageId,
        status: receipt.status,
        provider: chosen.name,
        requestedProvider: requested,
        deliveredExternally: chosen.provider.deliversExternally,
        channel: chosen.channel,
        recipient: outgoing.recipient,
        providerMessageId: receipt.providerMessageId,
        ...(segments === undefined ? {} : { segments: segments.segments, encoding: segments.encoding }),
        attempts,
        warnings: outgoing.warnings,
      };
      await this.#record(result);
      this.emit("message_sent", result);
      return result;
    } catch (caught) {
      const error = toPelbiotError(caught, "PROVIDER_ERROR");
      const { messageId, recipient, channel } = outgoing;
      this.emit("message_failed", { messageId, provider: chosen.name, channel, recipient, attempts, error });
      throw error;
    }
  }

  /**
   * Reads the stored record of a sent message (status, provider ids; never the body).
   *
   * @param messageId - The id `sendMessage` returned.
   * @returns The record.
   * @throws {PelbiotError} NOT_FOUND when no message has that id.
   * @example
   * ```ts
   * const { status } = await messaging.getMessage(messageId);
   * ```
   */
  async getMessage(messageId: string): Promise<MessageRecord> {
    const check = createValidator("MessagingIntegration.getMessage");
    check.string("messageId", messageId, { minLength: 1, maxLength: 200 });
    check.done();
    const record = await this.#delivery.records.get(messageId);
    if (record === undefined) {
      throw new PelbiotError("NOT_FOUND", `MessagingIntegration.getMessage: no message "${messageId}".`, {
        details: { id: messageId },
      });
    }
    return record;
  }

  /**
   * Applies a Twilio status callback after checking its `X-Twilio-Signature` with the provider's auth token. Statuses
   * only move forward (a late `sent` does not undo `delivered`); a change emits `message_status`.
   *
   * @param request - The URL Twilio called, the raw form body (or parsed parameters) and the signature header.
   * @returns The message's record after the update.
   * @throws {PelbiotError} INTEGRITY_ERROR when the signature is missing or wrong (reply 403); NOT_FOUND for a message
   * this integration did not send; CONFIGURATION_ERROR when the provider is not a configured Twilio provider.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the request or its `MessageSid` / `MessageStatus` is malformed.
   * @example
   * ```ts
   * await messaging.handleStatusCallback({ url: "https://example.com/sms/status", body: rawBody, signature: request.headers["x-twilio-signature"] });
   * ```
   */
  async handleStatusCallback(request: StatusCallbackRequest): Promise<MessageRecord> {
    const { record, event } = await applyStatusCallback(request, {
      providers: this.#options.providers,
      delivery: this.#delivery,
      now: this.#options.clock.now(),
    });
    if (event !== undefined) this.emit("message_status", event);
    return record;
  }

  /**
   * Saves the templates (providers, which hold credentials, and message records, which live in `storage`, are not
   * part of it).
   *
   * @returns `{ format: "pelbiot.integrations.MessagingIntegration", version: 1, templates }`, plain JSON.
   * @example
   * ```ts
   * const text = JSON.stringify(messaging); // later: MessagingIntegration.fromJSON(text, { providers })
   * ```
   */
  toJSON(): MessagingIntegrationSnapshot {
    return toMessagingIntegrationSnapshot(this.#templates);
  }

  /**
   * Restores an integration's templates from {@link MessagingIntegration.toJSON}, with fresh options.
   *
   * @param json - The snapshot object or its JSON text.
   * @param options - The new instance's options (providers, storage, …).
   * @returns A working integration holding the saved templates.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign snapshot, a malformed template, or bad options.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot written by a newer release; LIMIT_EXCEEDED when it holds more
   * than `maxTemplates`.
   * @example
   * ```ts
   * const restored = MessagingIntegration.fromJSON(JSON.stringify(messaging), { providers: { twilio } });
   * ```
   */
  static fromJSON(json: unknown, options: MessagingIntegrationOptions = {}): MessagingIntegration {
    const templates = fromMessagingIntegrationSnapshot(json);
    const messaging = new MessagingIntegration(options);
    const limit = messaging.#options.maxTemplates;
    if (templates.length > limit) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `MessagingIntegration.fromJSON: the snapshot holds ${templates.length} templates, more than maxTemplates (${limit}).`,
        { details: { limit, got: templates.length } },
      );
    }
    for (const template of templates) messaging.#templates.set(template);
    return messaging;
  }

  /**
   * Closes provider connections (SMTP pools). The integration can still send afterwards; providers reconnect.
   *
   * @returns Once every provider has closed.
   * @example
   * ```ts
   * await messaging.close();
   * ```
   */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.#options.providers).map((provider) => provider.close?.()));
  }

  #chooseProvider(requested: string, recipient: string): ChosenProvider {
    // Own keys only: a name such as "constructor" must not find Object.prototype's members.
    const configured = Object.hasOwn(this.#options.providers, requested)
      ? this.#options.providers[requested]
      : undefined;
    if (configured !== undefined) {
      return {
        name: requested,
        requested,
        provider: configured,
        channel: channelFor(configured, requested, recipient),
      };
    }
    if (requested !== "outbox" && !this.#options.mockExternalAPIs) {
      const names = [...Object.keys(this.#options.providers), "outbox"].join(", ");
      throw new PelbiotError(
        "CONFIGURATION_ERROR",
        `MessagingIntegration.sendMessage: provider "${requested}" is not configured (configured: ${names}). Pass it in ` +
          `the providers option (e.g. createTwilioProvider), or set mockExternalAPIs: true to record such messages in the outbox.`,
      );
    }
    if (requested !== "outbox" && !this.#warnedStandIns.has(requested)) {
      this.#warnedStandIns.add(requested);
      this.#options.logger.warn(
        `MessagingIntegration: provider "${requested}" is not configured; messages are recorded in the in-process outbox and not delivered.`,
      );
    }
    return { name: "outbox", requested, provider: this.outbox, channel: channelFor(this.outbox, requested, recipient) };
  }

  #composeContext() {
    return {
      templates: this.#templates,
      phoneNumberCheck: this.#options.phoneNumberCheck,
      maxSmsLength: this.#options.maxSmsLength,
    };
  }

  // The provider has taken the message: a storage failure now must not make the caller send it again, so it is logged.
  async #record(result: SendMessageResult): Promise<void> {
    const now = this.#options.clock.now();
    const record: MessageRecord = {
      messageId: result.messageId,
      provider: result.provider,
      channel: result.channel,
      recipient: result.recipient,
      providerMessageId: result.providerMessageId,
      status: result.status,
      deliveredExternally: result.deliveredExternally,
      createdAt: now,
      updatedAt: now,
      errorCode: null,
    };
    try {
      await this.#delivery.records.set(result.messageId, record);
      await this.#delivery.providerIds.set(`${result.provider}:${result.providerMessageId}`, result.messageId);
    } catch (error) {
      this.#options.logger.warn("MessagingIntegration: the message was sent but its record could not be stored", {
        messageId: result.messageId,
        error: toPelbiotError(error).message,
      });
    }
  }
}
