/**
 * Guide, "Module Details › 2. Third-Party Integrations":
 * "MessagingIntegration - Message Delivery"
 *
 * With no providers configured, every message is recorded in the in-process outbox (nothing is sent, and the result
 * says so). Sending does I/O, so `sendMessage` takes `await`.
 */
import { MessagingIntegration } from "@pelbiot/integrations";

export const title = "MessagingIntegration - Message Delivery";

export async function run() {
  // Initialize
  const messaging = new MessagingIntegration();

  // Send SMS
  await messaging.sendMessage({
    recipient: "+1234567890",
    message: "Hello",
    provider: "twilio",
  });

  // Use template
  messaging.addTemplate("otp", "Your OTP is {code}");
  const sent = await messaging.sendMessage({
    recipient: "+1234567890",
    provider: "twilio",
    templateId: "otp",
    data: { code: "123456" },
  });

  return {
    provider: sent.provider,
    deliveredExternally: sent.deliveredExternally,
    texts: messaging.outbox.messages.map((message) => message.text),
  };
}
