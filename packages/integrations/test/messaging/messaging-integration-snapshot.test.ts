import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { createTwilioProvider, MessagingIntegration } from "@pelbiot/integrations";
import { describe, expect, it } from "vitest";

describe("MessagingIntegration snapshots", () => {
  it("round-trips templates through JSON text and keeps no credentials", async () => {
    const twilio = createTwilioProvider({
      accountSid: `AC${"e5".repeat(16)}`,
      authToken: "never-in-snapshots",
      from: "ACME",
    });
    const messaging = new MessagingIntegration({ providers: { twilio } });
    messaging.addTemplate("otp", "Your OTP is {code}");
    messaging.addTemplate("otp", "Tu código es {code}", { locale: "es" });
    messaging.addTemplate("welcome", "Hi {name}", { subject: "Welcome {name}", html: "<b>{name}</b> {{x}}" });
    const text = JSON.stringify(messaging);
    expect(text).not.toContain("never-in-snapshots");
    const restored = MessagingIntegration.fromJSON(text);
    expect(restored.toJSON()).toEqual(messaging.toJSON());
    expect(restored.getTemplate("otp", "es-AR").text).toBe("Tu código es {code}");
    await restored.sendMessage({ recipient: "a@example.com", templateId: "welcome", data: { name: "<Ada>" } });
    expect(restored.outbox.messages[0]).toMatchObject({ subject: "Welcome <Ada>", html: "<b>&lt;Ada&gt;</b> {x}" });
  });

  it("refuses foreign, newer or damaged snapshots with every problem named", () => {
    expectPelbiotError(
      () => MessagingIntegration.fromJSON({ format: "pelbiot.ml.Other", version: 1 }),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(
      () =>
        MessagingIntegration.fromJSON({
          format: "pelbiot.integrations.MessagingIntegration",
          version: 2,
          templates: [],
        }),
      "UNSUPPORTED",
    );
    const issues = captureValidationIssues(() =>
      MessagingIntegration.fromJSON({
        format: "pelbiot.integrations.MessagingIntegration",
        version: 1,
        templates: [
          { id: "a", locale: null, text: "ok {x}", subject: null, html: null },
          { id: "b", locale: "ES", text: "x", subject: null, html: null },
          { id: "c", locale: null, text: "broken {", subject: null, html: null },
          { id: "a", locale: null, text: "again", subject: null, html: null },
          "nope",
        ],
      }),
    );
    expect(issues).toEqual([
      "json.templates.1.locale: must be a canonical BCP 47 tag or null",
      expect.stringMatching(/^json\.templates\.2\.text: has a malformed placeholder/),
      "json.templates.3: repeats the id and locale of an earlier template",
      'json.templates.4: must be an object, got string "nope"',
    ]);
  });

  it("respects maxTemplates of the new instance", () => {
    const messaging = new MessagingIntegration();
    messaging.addTemplate("a", "x");
    messaging.addTemplate("b", "y");
    const error = expectPelbiotError(
      () => MessagingIntegration.fromJSON(messaging.toJSON(), { maxTemplates: 1 }),
      "LIMIT_EXCEEDED",
    );
    expect(error.details).toMatchObject({ limit: 1, got: 2 });
  });
});
