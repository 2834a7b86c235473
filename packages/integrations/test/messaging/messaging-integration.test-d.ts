import { describe, expectTypeOf, it } from "vitest";
import {
  type MessageFailedEvent,
  type MessageRecord,
  type MessageStatusEvent,
  type MessageTemplateInfo,
  MessagingIntegration,
  type SendMessageResult,
} from "../../src/messaging/messaging-integration";

describe("MessagingIntegration types", () => {
  it("types its events", () => {
    const messaging = new MessagingIntegration();
    messaging.on("message_sent", (result) => expectTypeOf(result).toEqualTypeOf<SendMessageResult>());
    messaging.on("message_failed", (event) => expectTypeOf(event).toEqualTypeOf<MessageFailedEvent>());
    messaging.on("message_status", (event) => expectTypeOf(event).toEqualTypeOf<MessageStatusEvent>());
    // @ts-expect-error unknown event names do not compile
    messaging.on("message_delivered", () => undefined);
  });

  it("returns promises where I/O happens and plain values where it does not", () => {
    const messaging = new MessagingIntegration();
    expectTypeOf(messaging.addTemplate("otp", "Your OTP is {code}")).toEqualTypeOf<MessageTemplateInfo>();
    expectTypeOf(messaging.sendMessage({ recipient: "+14155552345", message: "Hi" })).toEqualTypeOf<
      Promise<SendMessageResult>
    >();
    expectTypeOf(messaging.getMessage("id")).toEqualTypeOf<Promise<MessageRecord>>();
    expectTypeOf<SendMessageResult["segments"]>().toEqualTypeOf<number | undefined>();
  });

  it("accepts the guide's calls as written and refuses loose data", () => {
    const messaging = new MessagingIntegration();
    void messaging.sendMessage({
      recipient: "+1234567890",
      provider: "twilio",
      templateId: "otp",
      data: { code: "123456" },
    });
    // @ts-expect-error template values are strings, numbers or booleans
    void messaging.sendMessage({ recipient: "+1234567890", templateId: "otp", data: { code: { nested: true } } });
    // @ts-expect-error misspelt keys do not compile
    void messaging.sendMessage({ recipient: "+1234567890", mesage: "Hi" });
  });
});
