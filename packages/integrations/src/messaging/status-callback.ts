import { createValidator, PelbiotError } from "@pelbiot/core";
import type { MessageDelivery } from "./message-delivery";
import type {
  MessageProvider,
  MessageRecord,
  MessageStatus,
  MessageStatusEvent,
  StatusCallbackRequest,
} from "./messaging-integration-types";
import { isMessageStatus } from "./twilio-request";
import { parseTwilioForm, type TwilioParams } from "./twilio-signature";

const CALLBACK_KEYS = ["url", "body", "signature", "provider"] as const satisfies ReadonlyArray<
  keyof StatusCallbackRequest
>;

// How far along each status is; a callback never moves a message back (Twilio may deliver callbacks out of order).
const STATUS_RANK: Readonly<Record<MessageStatus, number>> = {
  recorded: 0,
  scheduled: 0,
  accepted: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  partially_delivered: 4,
  delivered: 5,
  read: 6,
  undelivered: 5,
  failed: 5,
  canceled: 5,
  receiving: 1,
  received: 5,
};

interface SignatureVerifier {
  verifySignature(url: string, params: TwilioParams | string, signature: string | undefined): boolean;
}

function hasVerifier(provider: MessageProvider | undefined): provider is MessageProvider & SignatureVerifier {
  return typeof (provider as Partial<SignatureVerifier> | undefined)?.verifySignature === "function";
}

/**
 * Verifies a Twilio status callback and applies it to the stored message record.
 *
 * @param request - The callback as received.
 * @param context - Configured providers, the record stores and the current time.
 * @returns The record after the update, and the event to emit when the status changed.
 * @throws {PelbiotError} INTEGRITY_ERROR, NOT_FOUND, CONFIGURATION_ERROR; VALIDATION_ERROR for malformed input.
 */
export async function applyStatusCallback(
  request: StatusCallbackRequest,
  context: {
    readonly providers: Readonly<Record<string, MessageProvider>>;
    readonly delivery: MessageDelivery;
    readonly now: number;
  },
): Promise<{ record: MessageRecord; event: MessageStatusEvent | undefined }> {
  const check = createValidator("MessagingIntegration.handleStatusCallback");
  if (!check.object("request", request) || !check.knownKeys("request", request, CALLBACK_KEYS)) check.done();
  check.string("request.url", request.url, { minLength: 1 });
  if (typeof request.body !== "string") check.object("request.body", request.body);
  if (request.signature !== undefined) check.string("request.signature", request.signature);
  if (request.provider !== undefined) check.string("request.provider", request.provider, { minLength: 1 });
  check.done();
  const name = request.provider ?? "twilio";
  const provider = Object.hasOwn(context.providers, name) ? context.providers[name] : undefined;
  if (!hasVerifier(provider)) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      `MessagingIntegration.handleStatusCallback: "${name}" is not a configured Twilio provider, so the callback's signature cannot be checked.`,
    );
  }
  if (!provider.verifySignature(request.url, request.body, request.signature)) {
    throw new PelbiotError(
      "INTEGRITY_ERROR",
      "MessagingIntegration.handleStatusCallback: the X-Twilio-Signature is missing or does not match this URL and body; reply 403.",
    );
  }
  const params = typeof request.body === "string" ? parseTwilioForm(request.body) : request.body;
  const sid = single(params.MessageSid);
  const status = single(params.MessageStatus);
  const errorCode = single(params.ErrorCode) ?? null;
  check.check(sid !== undefined && sid !== "", "request.body.MessageSid", "must be the message's sid");
  check.check(isMessageStatus(status), "request.body.MessageStatus", "must be one of Twilio's Message statuses");
  check.done();
  const messageSid = sid as string;
  const nextStatus = status as MessageStatus;
  const messageId = await context.delivery.providerIds.get(`${name}:${messageSid}`);
  if (messageId === undefined) {
    throw new PelbiotError(
      "NOT_FOUND",
      `MessagingIntegration.handleStatusCallback: no message with sid ${messageSid}.`,
      {
        details: { id: messageSid },
      },
    );
  }
  let event: MessageStatusEvent | undefined;
  const updated = await context.delivery.records.update(messageId, (current) => {
    event = undefined;
    if (current === undefined || STATUS_RANK[nextStatus] <= STATUS_RANK[current.status]) return current;
    event = {
      messageId,
      provider: name,
      providerMessageId: messageSid,
      status: nextStatus,
      previousStatus: current.status,
      errorCode,
    };
    return { ...current, status: nextStatus, errorCode, updatedAt: context.now };
  });
  if (updated === undefined) {
    throw new PelbiotError(
      "NOT_FOUND",
      `MessagingIntegration.handleStatusCallback: no record for message ${messageId}.`,
      {
        details: { id: messageId },
      },
    );
  }
  return { record: updated, event };
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}
