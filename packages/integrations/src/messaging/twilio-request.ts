import { type Clock, PelbiotError, parseRetryAfter } from "@pelbiot/core";
import {
  MESSAGE_STATUSES,
  type MessageStatus,
  type OutgoingMessage,
  type ProviderReceipt,
  type ProviderSendContext,
} from "./messaging-integration-types";
import { isConnectFailure, providerFailure } from "./provider-failure";

/** What {@link sendTwilioMessage} needs from the provider's options. */
export interface TwilioRequestConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string | undefined;
  readonly messagingServiceSid: string | undefined;
  readonly statusCallback: string | undefined;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
}

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const PREFIX = "MessagingIntegration.sendMessage: Twilio";

/**
 * Builds the form body of a Create Message request with the spec's PascalCase parameter names.
 *
 * @param config - Sender and callback settings.
 * @param message - The message.
 * @returns The form parameters.
 */
export function twilioMessageForm(config: TwilioRequestConfig, message: OutgoingMessage): URLSearchParams {
  const form = new URLSearchParams();
  form.set("To", message.recipient);
  if (config.messagingServiceSid !== undefined) form.set("MessagingServiceSid", config.messagingServiceSid);
  if (config.from !== undefined) form.set("From", config.from);
  form.set("Body", message.text);
  if (config.statusCallback !== undefined) form.set("StatusCallback", config.statusCallback);
  return form;
}

/**
 * Sends one message with Twilio's Create Message operation and classifies every failure by whether Twilio may have
 * taken the message (see `ProviderFailureOutcome`).
 *
 * @param config - Credentials and transport.
 * @param message - The message.
 * @param context - The caller's abort signal.
 * @returns Twilio's sid and status.
 * @throws {PelbiotError} PROVIDER_ERROR or TIMEOUT with `details.outcome`.
 */
export async function sendTwilioMessage(
  config: TwilioRequestConfig,
  message: OutgoingMessage,
  context: ProviderSendContext,
): Promise<ProviderReceipt> {
  const url = `${config.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const controller = new AbortController();
  let timedOut = false;
  const timer = config.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutMs);
  const onAbort = (): void => controller.abort();
  context.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const response = await config.fetch(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`, "utf8").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: twilioMessageForm(config, message).toString(),
      signal: controller.signal,
      redirect: "error",
    });
    const text = await response.text();
    return readTwilioResponse(response.status, response.headers, text, config.clock.now());
  } catch (error) {
    if (PelbiotError.is(error)) throw error;
    if (context.signal.aborted)
      throw new PelbiotError("ABORTED", `${PREFIX} request aborted by the caller.`, { cause: error });
    if (timedOut) {
      throw providerFailure(
        "twilio",
        "unknown",
        `${PREFIX} did not answer within ${config.timeoutMs} ms. The message may have been sent, so it is not retried; ` +
          "look it up in the Twilio console before sending it again.",
        { cause: error, code: "TIMEOUT" },
      );
    }
    if (isConnectFailure(error)) {
      throw providerFailure(
        "twilio",
        "not_sent",
        `${PREFIX} could not be reached (${describe(error)}); nothing was sent.`,
        {
          cause: error,
        },
      );
    }
    throw providerFailure(
      "twilio",
      "unknown",
      `${PREFIX} request failed after it was sent (${describe(error)}). The message may have been sent, so it is not ` +
        "retried; look it up in the Twilio console before sending it again.",
      { cause: error },
    );
  } finally {
    config.clock.clearTimeout(timer);
    context.signal.removeEventListener("abort", onAbort);
  }
}

function readTwilioResponse(status: number, headers: Headers, text: string, now: number): ProviderReceipt {
  if (status === 200 || status === 201) {
    const body = parseJson(text);
    const sid = body?.sid;
    const messageStatus = body?.status;
    if (typeof sid === "string" && MESSAGE_SID.test(sid) && isMessageStatus(messageStatus)) {
      return { providerMessageId: sid, status: messageStatus };
    }
    throw providerFailure(
      "twilio",
      "unknown",
      `${PREFIX} answered HTTP ${status} with a body that is not a Message resource; the message was probably ` +
        "accepted, so it is not retried.",
      { details: { status } },
    );
  }
  const body = parseJson(text);
  const code = typeof body?.code === "number" ? body.code : undefined;
  const moreInfo = typeof body?.more_info === "string" ? body.more_info : undefined;
  const said = typeof body?.message === "string" ? `: ${body.message}` : "";
  const twilioCode = code === undefined ? "" : `, Twilio error ${code}`;
  const details = { status, providerCode: code, moreInfo };
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(headers.get("retry-after"), now);
    return throwNotSent(status, `${PREFIX} did not take the message (HTTP ${status}${twilioCode}${said}).`, {
      ...details,
      retryAfterMs,
    });
  }
  if (status >= 500) {
    throw providerFailure(
      "twilio",
      "unknown",
      `${PREFIX} failed with HTTP ${status}${twilioCode}${said}. The message may have been taken, so it is not ` +
        "retried; look it up in the Twilio console before sending it again.",
      { details },
    );
  }
  throw providerFailure(
    "twilio",
    "rejected",
    `${PREFIX} refused the message (HTTP ${status}${twilioCode}${said})${moreInfo === undefined ? "" : ` See ${moreInfo}`}.`,
    { details },
  );
}

function throwNotSent(status: number, message: string, details: Record<string, unknown>): never {
  throw providerFailure("twilio", "not_sent", message, { details: { ...details, status } });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a value is one of Twilio's Message statuses (or the outbox's `recorded`).
 *
 * @param value - Anything.
 * @returns `true` for a {@link MessageStatus}.
 */
export function isMessageStatus(value: unknown): value is MessageStatus {
  return typeof value === "string" && (MESSAGE_STATUSES as readonly string[]).includes(value);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.message : String(error);
}
