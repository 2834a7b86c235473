import { createManualClock } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import {
  computeTwilioSignature,
  createTwilioProvider,
  type MessageProvider,
  type MessageStatusEvent,
  MessagingIntegration,
  verifyTwilioSignature,
} from "@pelbiot/integrations";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

// Twilio's published signature-validation examples (TwilioDevEd/api-snippets, security/signature_validation/*.js):
// auth token 12345, this URL and these POST parameters give these X-Twilio-Signature values.
const DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const DOCS_VECTORS = [
  { caller: "+14158675310", signature: "GvWf1cFY/Q7PnoempGyD5oXAezc=" },
  { caller: "+14158675309", signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=" },
];
const docsParams = (caller: string) => ({
  CallSid: "CA1234567890ABCDE",
  Caller: caller,
  Digits: "1234",
  From: caller,
  To: "+18005551212",
});

describe("X-Twilio-Signature", () => {
  it.each(DOCS_VECTORS)("matches Twilio's documented example for $caller", ({ caller, signature }) => {
    expect(computeTwilioSignature("12345", DOCS_URL, docsParams(caller))).toBe(signature);
    expect(verifyTwilioSignature({ authToken: "12345", url: DOCS_URL, params: docsParams(caller), signature })).toBe(
      true,
    );
    // The same parameters as a raw form body, in another order.
    const raw = new URLSearchParams(Object.entries(docsParams(caller)).reverse()).toString();
    expect(verifyTwilioSignature({ authToken: "12345", url: DOCS_URL, params: raw, signature })).toBe(true);
  });

  it("accepts the URL with or without the default port, as Twilio's helpers do", () => {
    const [{ caller, signature }] = DOCS_VECTORS as [{ caller: string; signature: string }];
    const withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    expect(verifyTwilioSignature({ authToken: "12345", url: withPort, params: docsParams(caller), signature })).toBe(
      true,
    );
  });

  it("rejects a missing, altered or foreign signature", () => {
    const [{ caller, signature }] = DOCS_VECTORS as [{ caller: string; signature: string }];
    const params = docsParams(caller);
    const verify = (overrides: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
      verifyTwilioSignature({ authToken: "12345", url: DOCS_URL, params, signature, ...overrides });
    expect(verify({ signature: undefined })).toBe(false);
    expect(verify({ signature: "" })).toBe(false);
    expect(verify({ authToken: "54321" })).toBe(false);
    expect(verify({ url: "https://mycompany.com/myapp.php?foo=1&bar=3" })).toBe(false);
    expect(verify({ params: { ...params, Digits: "1235" } })).toBe(false);
    expect(verify({ params: { ...params, Extra: "" } })).toBe(false);
  });

  it("any change to a parameter value breaks the signature", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        fc.string({ minLength: 1 }),
        fc.string(),
        (params, key, value) => {
          fc.pre(params[key] !== value);
          const signature = computeTwilioSignature("token", "https://example.com/cb", params);
          const changed = { ...params, [key]: value };
          expect(
            verifyTwilioSignature({ authToken: "token", url: "https://example.com/cb", params: changed, signature }),
          ).toBe(false);
        },
      ),
    );
  });
});

describe("MessagingIntegration.handleStatusCallback", () => {
  const CALLBACK_URL = "https://example.com/sms/status";
  const authToken = "callback-token";
  const sid = `SM${"c3".repeat(16)}`;

  async function sentMessage() {
    const clock = createManualClock(1_000);
    const twilio = createTwilioProvider({
      accountSid: `AC${"d4".repeat(16)}`,
      authToken,
      from: "+14155550100",
      rateLimit: null,
    });
    // Twilio's transport is replaced so this test needs no server: the provider answers as Twilio would.
    const fake: MessageProvider = { ...twilio, send: async () => ({ providerMessageId: sid, status: "queued" }) };
    const messaging = new MessagingIntegration({ providers: { twilio: fake }, clock });
    const result = await messaging.sendMessage({ recipient: "+14155552345", message: "Hi" });
    const events: MessageStatusEvent[] = [];
    messaging.on("message_status", (event) => events.push(event));
    const callback = (
      params: Record<string, string>,
      signature = computeTwilioSignature(authToken, CALLBACK_URL, params),
    ) => messaging.handleStatusCallback({ url: CALLBACK_URL, body: new URLSearchParams(params).toString(), signature });
    return { messaging, result, events, callback, clock };
  }

  it("applies a signed callback, moves the status forward only and emits message_status", async () => {
    const { messaging, result, events, callback, clock } = await sentMessage();
    clock.advance(5_000);
    const delivered = await callback({
      MessageSid: sid,
      MessageStatus: "delivered",
      AccountSid: `AC${"d4".repeat(16)}`,
    });
    expect(delivered).toMatchObject({ messageId: result.messageId, status: "delivered", updatedAt: 6_000 });
    // A late "sent" (callbacks can arrive out of order) does not undo "delivered".
    await expect(callback({ MessageSid: sid, MessageStatus: "sent" })).resolves.toMatchObject({ status: "delivered" });
    expect(events).toEqual([
      {
        messageId: result.messageId,
        provider: "twilio",
        providerMessageId: sid,
        status: "delivered",
        previousStatus: "queued",
        errorCode: null,
      },
    ]);
    await expect(messaging.getMessage(result.messageId)).resolves.toMatchObject({ status: "delivered" });
  });

  it("records the error code of an undelivered message", async () => {
    const { callback } = await sentMessage();
    await expect(
      callback({ MessageSid: sid, MessageStatus: "undelivered", ErrorCode: "30003" }),
    ).resolves.toMatchObject({
      status: "undelivered",
      errorCode: "30003",
    });
  });

  it("refuses a forged or unsigned callback and changes nothing", async () => {
    const { messaging, result, callback } = await sentMessage();
    await expectPelbiotErrorAsync(
      callback({ MessageSid: sid, MessageStatus: "failed" }, "Zm9yZ2Vk"),
      "INTEGRITY_ERROR",
    );
    await expectPelbiotErrorAsync(
      messaging.handleStatusCallback({
        url: CALLBACK_URL,
        body: `MessageSid=${sid}&MessageStatus=failed`,
        signature: undefined,
      }),
      "INTEGRITY_ERROR",
    );
    await expect(messaging.getMessage(result.messageId)).resolves.toMatchObject({ status: "queued" });
  });

  it("refuses unknown messages and statuses", async () => {
    const { callback } = await sentMessage();
    await expectPelbiotErrorAsync(callback({ MessageSid: `SM${"00".repeat(16)}`, MessageStatus: "sent" }), "NOT_FOUND");
    await expectPelbiotErrorAsync(callback({ MessageSid: sid, MessageStatus: "teleported" }), "VALIDATION_ERROR");
  });

  it("needs a configured Twilio provider to check signatures", async () => {
    const messaging = new MessagingIntegration();
    const error = await expectPelbiotErrorAsync(
      messaging.handleStatusCallback({ url: CALLBACK_URL, body: "", signature: "x" }),
      "CONFIGURATION_ERROR",
    );
    expect(error.message).toMatch(/"twilio" is not a configured Twilio provider/);
  });
});
