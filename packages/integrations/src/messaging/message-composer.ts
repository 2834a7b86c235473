import { PelbiotError, type Validator } from "@pelbiot/core";
import { escapeHtml, missingPlaceholders, renderTemplate, type TemplateValue } from "./message-template";
import type { MessageChannel, MessageProvider, SendMessageInput } from "./messaging-integration-types";
import { checkEmailRecipient, checkPhoneRecipient, type PhoneNumberCheck } from "./recipient";
import { canonicalLocale, type TemplateRegistry } from "./template-registry";

/** The keys `sendMessage` accepts. */
export const SEND_MESSAGE_KEYS = [
  "recipient",
  "provider",
  "message",
  "templateId",
  "data",
  "locale",
  "subject",
  "html",
] as const satisfies ReadonlyArray<keyof SendMessageInput>;

/** A provider picked for a message. */
export interface ChosenProvider {
  /** The name that handles it (`outbox` when the outbox stands in). */
  readonly name: string;
  readonly requested: string;
  readonly provider: MessageProvider;
  readonly channel: MessageChannel;
}

/** A message ready to hand to a provider, before it has an id. */
export interface ComposedMessage {
  readonly recipient: string;
  readonly text: string;
  readonly subject: string | undefined;
  readonly html: string | undefined;
  readonly warnings: readonly string[];
}

/** What composing needs from the integration. */
export interface ComposeContext {
  readonly templates: TemplateRegistry;
  readonly phoneNumberCheck: PhoneNumberCheck;
  readonly maxSmsLength: number;
}

const SMS_PROVIDER_NAMES = new Set(["twilio", "sms"]);
const EMAIL_PROVIDER_NAMES = new Set(["smtp", "email", "mail"]);

/**
 * The channel of a message: the provider's own, or for the outbox the one the requested name or the recipient implies.
 *
 * @param provider - The provider that handles it.
 * @param requested - The name the caller asked for.
 * @param recipient - The recipient as given.
 * @returns `sms` or `email`.
 */
export function channelFor(provider: MessageProvider, requested: string, recipient: string): MessageChannel {
  if (provider.channel !== "any") return provider.channel;
  if (SMS_PROVIDER_NAMES.has(requested)) return "sms";
  if (EMAIL_PROVIDER_NAMES.has(requested)) return "email";
  return recipient.includes("@") ? "email" : "sms";
}

/**
 * Checks the shape of a `sendMessage` input (types, exclusive fields) into `check`.
 *
 * @param check - The `MessagingIntegration.sendMessage` validator.
 * @param input - The argument.
 * @returns Whether the input is an object with known keys (the other checks need that).
 */
export function checkSendMessageShape(check: Validator, input: unknown): input is SendMessageInput {
  if (!check.object("input", input) || !check.knownKeys("input", input, SEND_MESSAGE_KEYS)) return false;
  check.string("input.recipient", input.recipient, { minLength: 1, maxLength: 320 });
  if (input.provider !== undefined) check.string("input.provider", input.provider, { minLength: 1, maxLength: 64 });
  const hasMessage = input.message !== undefined;
  const hasTemplate = input.templateId !== undefined;
  check.check(hasMessage !== hasTemplate, "input", "needs exactly one of message (the text) and templateId");
  if (hasMessage) check.string("input.message", input.message, { minLength: 1 });
  if (hasTemplate) check.string("input.templateId", input.templateId, { minLength: 1, maxLength: 200 });
  if (input.data !== undefined && check.object("input.data", input.data)) {
    check.check(hasTemplate, "input.data", "is only used with templateId");
    for (const [key, value] of Object.entries(input.data)) {
      const ok =
        typeof value === "string" ||
        typeof value === "boolean" ||
        (typeof value === "number" && Number.isFinite(value));
      check.check(ok, `input.data.${key}`, "must be a string, a finite number or a boolean");
    }
  }
  if (input.locale !== undefined && check.string("input.locale", input.locale)) {
    check.check(
      canonicalLocale(input.locale) !== undefined,
      "input.locale",
      "must be a BCP 47 tag such as es or pt-BR",
    );
  }
  for (const key of ["subject", "html"] as const) {
    if (input[key] !== undefined && check.string(`input.${key}`, input[key])) {
      check.check(hasMessage, `input.${key}`, "is only used with message; a template carries its own");
    }
  }
  return true;
}

/**
 * Renders and checks a message for its channel, reporting problems into `check` (call `check.done()` after).
 *
 * @param check - The `MessagingIntegration.sendMessage` validator, already holding the shape checks.
 * @param input - A well-shaped input.
 * @param chosen - The provider and channel.
 * @param context - Templates and limits.
 * @returns The composed message, or `undefined` when `check` has issues.
 * @throws {PelbiotError} NOT_FOUND when `templateId` names no template.
 */
export function composeMessage(
  check: Validator,
  input: SendMessageInput,
  chosen: ChosenProvider,
  context: ComposeContext,
): ComposedMessage | undefined {
  const lenient = !chosen.provider.deliversExternally;
  const checked =
    chosen.channel === "sms"
      ? checkPhoneRecipient(input.recipient, context.phoneNumberCheck, lenient)
      : checkEmailRecipient(input.recipient);
  if ("error" in checked) check.fail("input.recipient", checked.error);
  let text = input.message;
  let subject = input.subject;
  let html = input.html;
  if (input.templateId !== undefined) {
    const locale = input.locale === undefined ? undefined : canonicalLocale(input.locale);
    const template = context.templates.resolve(input.templateId, locale);
    if (template === undefined) {
      throw new PelbiotError(
        "NOT_FOUND",
        `MessagingIntegration.sendMessage: no template "${input.templateId}"${locale === undefined ? "" : ` for locale ${locale} or a fallback`}; add it with addTemplate first.`,
        { details: { id: input.templateId } },
      );
    }
    const data: Readonly<Record<string, TemplateValue>> = input.data ?? {};
    const parts = [template.text, template.subject, template.html].filter((part) => part !== undefined);
    const missing = [...new Set(parts.flatMap((part) => missingPlaceholders(part, data)))];
    for (const name of missing) {
      check.fail(
        `input.data.${name}`,
        `is missing: template "${template.id}" uses {${name}}, and every placeholder needs a value`,
      );
    }
    if (missing.length === 0) {
      text = renderTemplate(template.text, data);
      subject = template.subject === undefined ? undefined : renderTemplate(template.subject, data);
      html = template.html === undefined ? undefined : renderTemplate(template.html, data, escapeHtml);
    }
  }
  if (subject !== undefined && /[\r\n]/.test(subject)) {
    check.fail(
      input.templateId === undefined ? "input.subject" : "input.data",
      "must not put a line break in the subject",
    );
  }
  if (chosen.channel === "sms") {
    if (html !== undefined) check.fail("input.html", "is for e-mail only; an SMS is plain text");
    if (text !== undefined && [...text].length > context.maxSmsLength) {
      check.fail("input.message", `is ${[...text].length} characters; an SMS takes at most ${context.maxSmsLength}`);
    }
  }
  if ("error" in checked || text === undefined || check.issues.length > 0) return undefined;
  return { recipient: checked.address, text, subject, html, warnings: checked.warnings };
}
