import { createLogger, createManualClock, createMemoryStorage, type LogRecord, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, captureValidationIssuesAsync, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import {
  createOutboxProvider,
  createTwilioProvider,
  type MessageFailedEvent,
  type MessageProvider,
  MessagingIntegration,
  type SendMessageResult,
} from "@pelbiot/integrations";
import { describe, expect, it } from "vitest";

const TWILIO = {
  accountSid: `AC${"a".repeat(32)}`,
  authToken: "test-auth-token",
  from: "+14155552345",
  baseUrl: "http://127.0.0.1:1",
};

describe("MessagingIntegration: the guide's calls", () => {
  it("runs the guide's example against the outbox and says nothing was delivered", async () => {
    const messaging = new MessagingIntegration();
    const first = await messaging.sendMessage({ recipient: "+1234567890", message: "Hello", provider: "twilio" });
    messaging.addTemplate("otp", "Your OTP is {code}");
    const second = await messaging.sendMessage({
      recipient: "+1234567890",
      provider: "twilio",
      templateId: "otp",
      data: { code: "123456" },
    });
    for (const result of [first, second]) {
      expect(result).toMatchObject({
        status: "recorded",
        provider: "outbox",
        requestedProvider: "twilio",
        deliveredExternally: false,
        channel: "sms",
        recipient: "+1234567890",
        segments: 1,
        encoding: "GSM-7",
      });
      // The guide's number is too short for +1: recorded, but flagged as one a real provider would refuse.
      expect(result.warnings[0]).toMatch(/too short.*real SMS provider would refuse/);
    }
    expect(messaging.outbox.messages.map((message) => message.text)).toEqual(["Hello", "Your OTP is 123456"]);
    expect(first.messageId).not.toBe(second.messageId);
    await expect(messaging.getMessage(second.messageId)).resolves.toMatchObject({
      status: "recorded",
      provider: "outbox",
    });
  });

  it("normalises an SMS recipient to E.164 and refuses what is not a phone number", async () => {
    const messaging = new MessagingIntegration();
    const result = await messaging.sendMessage({ recipient: "+1 (415) 555-2345", message: "Hi", provider: "twilio" });
    expect(result.recipient).toBe("+14155552345");
    expect(result.warnings).toEqual([]);
    for (const recipient of ["4155552345", "+999123", "+1234567890123456789", "hello"]) {
      const issues = await captureValidationIssuesAsync(() =>
        messaging.sendMessage({ recipient, message: "Hi", provider: "twilio" }),
      );
      expect(issues[0]).toMatch(/^input\.recipient: /);
    }
    expect(messaging.outbox.messages).toHaveLength(1);
  });

  it("sends e-mail through the outbox with a subject and an HTML part", async () => {
    const messaging = new MessagingIntegration();
    messaging.addTemplate("welcome", "Hi {name}", { subject: "Welcome, {name}", html: "<p>Hi <b>{name}</b></p>" });
    const result = await messaging.sendMessage({
      recipient: "ada@example.com",
      provider: "smtp",
      templateId: "welcome",
      data: { name: 'Ada <script>alert("x")</script> & Co' },
    });
    expect(result).toMatchObject({ channel: "email", provider: "outbox", requestedProvider: "smtp" });
    expect(result.segments).toBeUndefined();
    const [recorded] = messaging.outbox.messages;
    expect(recorded?.subject).toBe('Welcome, Ada <script>alert("x")</script> & Co');
    expect(recorded?.text).toBe('Hi Ada <script>alert("x")</script> & Co');
    expect(recorded?.html).toBe("<p>Hi <b>Ada &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</b></p>");
  });
});

describe("MessagingIntegration: templates", () => {
  it("refuses to send a template with a missing variable and sends nothing", async () => {
    const messaging = new MessagingIntegration();
    messaging.addTemplate("otp", "Your OTP is {code}, valid for {minutes} minutes", { subject: "Code for {user}" });
    const issues = await captureValidationIssuesAsync(() =>
      messaging.sendMessage({ recipient: "+14155552345", templateId: "otp", data: { code: "123456" } }),
    );
    expect(issues).toEqual([
      'input.data.minutes: is missing: template "otp" uses {minutes}, and every placeholder needs a value',
      'input.data.user: is missing: template "otp" uses {user}, and every placeholder needs a value',
    ]);
    expect(messaging.outbox.messages).toEqual([]);
  });

  it("picks the most specific locale and falls back to the template without one", async () => {
    const messaging = new MessagingIntegration();
    messaging.addTemplate("otp", "Your OTP is {code}");
    messaging.addTemplate("otp", "Tu código es {code}", { locale: "es" });
    messaging.addTemplate("otp", "Seu código é {code}", { locale: "pt-br" });
    const send = (locale?: string) =>
      messaging.sendMessage({ recipient: "+14155552345", templateId: "otp", data: { code: 7 }, locale });
    await send("es-MX");
    await send("pt-BR");
    await send("fr");
    await send();
    expect(messaging.outbox.messages.map((message) => message.text)).toEqual([
      "Tu código es 7",
      "Seu código é 7",
      "Your OTP is 7",
      "Your OTP is 7",
    ]);
    expect(messaging.getTemplate("otp", "pt-BR").locale).toBe("pt-BR");
    expect(messaging.removeTemplate("otp", "es")).toBe(true);
    expect(messaging.getTemplate("otp", "es").locale).toBeNull();
    expect(messaging.removeTemplate("otp")).toBe(true);
    await expectPelbiotErrorAsync(send("es"), "NOT_FOUND");
  });

  it("rejects malformed templates when they are added and keeps the previous one", () => {
    const messaging = new MessagingIntegration();
    messaging.addTemplate("otp", "Your OTP is {code}");
    expect(captureValidationIssues(() => messaging.addTemplate("otp", "Your OTP is {code"))[0]).toMatch(
      /^text: has a malformed placeholder at position 12/,
    );
    expect(captureValidationIssues(() => messaging.addTemplate("otp", "a } b"))[0]).toMatch(
      /^text: has an unmatched "}"/,
    );
    expect(captureValidationIssues(() => messaging.addTemplate("otp", "x", { html: "{1abc}" }))[0]).toMatch(
      /^options\.html: /,
    );
    expect(captureValidationIssues(() => messaging.addTemplate("otp", "x", { locale: "not a locale!" }))).toEqual([
      "options.locale: must be a BCP 47 tag such as es or pt-BR",
    ]);
    expect(captureValidationIssues(() => messaging.addTemplate("otp", "x", { lcoale: "es" } as never))[0]).toMatch(
      /options\.lcoale: "lcoale" is not a known option \(did you mean "locale"\?\)/,
    );
    expect(messaging.getTemplate("otp").text).toBe("Your OTP is {code}");
    expect(messaging.addTemplate("braces", "{{literal}} and {value}").placeholders).toEqual(["value"]);
  });

  it("refuses a line break in a rendered subject (header injection)", async () => {
    const messaging = new MessagingIntegration();
    messaging.addTemplate("hello", "Hi", { subject: "Hello {name}" });
    const issues = await captureValidationIssuesAsync(() =>
      messaging.sendMessage({
        recipient: "a@example.com",
        templateId: "hello",
        data: { name: "x\r\nBcc: all@example.com" },
      }),
    );
    expect(issues).toEqual(["input.data: must not put a line break in the subject"]);
  });

  it("limits the number of templates", async () => {
    const messaging = new MessagingIntegration({ maxTemplates: 1 });
    messaging.addTemplate("a", "x");
    messaging.addTemplate("a", "replaced");
    const error = await expectPelbiotErrorAsync(() => messaging.addTemplate("b", "y"), "LIMIT_EXCEEDED");
    expect(error.details).toMatchObject({ limit: 1, got: 2 });
  });
});

describe("MessagingIntegration: providers and configuration", () => {
  it("refuses a provider that is not configured unless the outbox was asked for", async () => {
    const twilio = createTwilioProvider(TWILIO);
    const messaging = new MessagingIntegration({ providers: { twilio } });
    const error = await expectPelbiotErrorAsync(
      messaging.sendMessage({ recipient: "a@example.com", message: "Hi", provider: "smtp" }),
      "CONFIGURATION_ERROR",
    );
    expect(error.message).toMatch(/provider "smtp" is not configured.*mockExternalAPIs: true/);
    const logs: LogRecord[] = [];
    const mocked = new MessagingIntegration({
      providers: { twilio },
      mockExternalAPIs: true,
      logger: createLogger({ sink: (record) => logs.push(record) }),
    });
    await expect(
      mocked.sendMessage({ recipient: "a@example.com", message: "Hi", provider: "smtp" }),
    ).resolves.toMatchObject({
      provider: "outbox",
      deliveredExternally: false,
    });
    expect(logs.map((record) => record.message)).toEqual([
      expect.stringMatching(/"smtp" is not configured.*not delivered/),
    ]);
  });

  it("refuses a real provider without credentials instead of falling back", () => {
    const saved = { sid: process.env.TWILIO_ACCOUNT_SID, token: process.env.TWILIO_AUTH_TOKEN };
    delete process.env.TWILIO_ACCOUNT_SID;
    delete process.env.TWILIO_AUTH_TOKEN;
    try {
      expect(() => createTwilioProvider({ from: "+14155552345" })).toThrowError(/Twilio needs credentials/);
      const error = captureError(() => createTwilioProvider({ from: "+14155552345" }));
      expect(PelbiotError.is(error, "CONFIGURATION_ERROR")).toBe(true);
    } finally {
      if (saved.sid !== undefined) process.env.TWILIO_ACCOUNT_SID = saved.sid;
      if (saved.token !== undefined) process.env.TWILIO_AUTH_TOKEN = saved.token;
    }
  });

  it("validates every option and names the accepted ones", () => {
    expect(captureValidationIssues(() => new MessagingIntegration({ maxAttempts: 0, defaultProvider: "sms" }))).toEqual(
      [
        "options.defaultProvider: must name a configured provider (outbox)",
        "options.maxAttempts: must be at least 1, got 0",
      ],
    );
    expect(captureValidationIssues(() => new MessagingIntegration({ providers: { twilio: {} as never } }))[0]).toMatch(
      /^options\.providers\.twilio: must be a message provider/,
    );
  });

  it("validates sendMessage input and leaves the outbox untouched", async () => {
    const messaging = new MessagingIntegration();
    const cases: Array<[unknown, RegExp]> = [
      [null, /^input: must be an object/],
      [{ recipient: "+14155552345" }, /^input: needs exactly one of message/],
      [{ recipient: "+14155552345", message: "x", templateId: "y" }, /^input: needs exactly one of message/],
      [{ recipient: "+14155552345", message: "x", data: { a: 1 } }, /^input\.data: is only used with templateId/],
      [{ recipient: "+14155552345", templateId: "x", data: { a: {} } }, /^input\.data\.a: must be a string/],
      [{ recipient: "+14155552345", message: "x", html: "<p>" }, /^input\.html: is for e-mail only/],
      [{ recipient: "+14155552345", message: "x".repeat(1601) }, /^input\.message: is 1601 characters/],
      [
        { recipient: "not-an-address@", message: "x", provider: "smtp" },
        /^input\.recipient: must be an e-mail address/,
      ],
      [
        { recipient: "+14155552345", mesage: "x" },
        /input\.mesage: "mesage" is not a known option \(did you mean "message"\?\)/,
      ],
    ];
    for (const [input, expected] of cases) {
      const issues = await captureValidationIssuesAsync(() => messaging.sendMessage(input as never));
      expect(issues.join("\n")).toMatch(expected);
    }
    expect(messaging.outbox.messages).toEqual([]);
  });
});

/** A scripted provider: each call runs the next step; records what it was given. */
function scriptedProvider(
  steps: Array<() => Promise<{ providerMessageId: string; status: "queued" }>>,
): MessageProvider & {
  calls: number;
} {
  const provider = {
    kind: "scripted",
    channel: "sms" as const,
    deliversExternally: true,
    rateLimit: undefined,
    calls: 0,
    send: async () => {
      const step = steps[provider.calls] ?? steps[steps.length - 1];
      provider.calls += 1;
      if (step === undefined) throw new Error("no step");
      return step();
    },
  };
  return provider;
}

function failure(outcome: "not_sent" | "rejected" | "unknown", retryable: boolean) {
  return async (): Promise<never> => {
    throw new PelbiotError("PROVIDER_ERROR", `failed (${outcome})`, { details: { outcome, retryable } });
  };
}

const ok = async () => ({ providerMessageId: "SM1", status: "queued" as const });

describe("MessagingIntegration: retries only when the provider surely did not take the message", () => {
  it("retries a not_sent failure and reports the attempts", async () => {
    const provider = scriptedProvider([failure("not_sent", true), ok]);
    const messaging = new MessagingIntegration({ providers: { sms: provider }, retryDelayMs: 0 });
    const sent: SendMessageResult[] = [];
    messaging.on("message_sent", (result) => sent.push(result));
    const result = await messaging.sendMessage({ recipient: "+14155552345", message: "Hi" });
    expect(result).toMatchObject({ attempts: 2, provider: "sms", deliveredExternally: true, status: "queued" });
    expect(provider.calls).toBe(2);
    expect(sent).toEqual([result]);
  });

  it.each([
    ["an ambiguous failure", failure("unknown", false)],
    ["a refusal", failure("rejected", false)],
    ["a failure the provider did not classify", async () => Promise.reject(new Error("socket hang up"))],
  ])("never repeats %s and emits message_failed", async (_label, step) => {
    const provider = scriptedProvider([step, ok]);
    const messaging = new MessagingIntegration({ providers: { sms: provider }, retryDelayMs: 0 });
    const failed: MessageFailedEvent[] = [];
    messaging.on("message_failed", (event) => failed.push(event));
    const error = await expectPelbiotErrorAsync(messaging.sendMessage({ recipient: "+14155552345", message: "Hi" }));
    expect(provider.calls).toBe(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ provider: "sms", attempts: 1, recipient: "+14155552345" });
    expect(failed[0]?.error).toBe(error);
  });

  it("gives up after maxAttempts with RETRY_EXHAUSTED", async () => {
    const provider = scriptedProvider([failure("not_sent", true)]);
    const messaging = new MessagingIntegration({ providers: { sms: provider }, retryDelayMs: 0, maxAttempts: 4 });
    await expectPelbiotErrorAsync(
      messaging.sendMessage({ recipient: "+14155552345", message: "Hi" }),
      "RETRY_EXHAUSTED",
    );
    expect(provider.calls).toBe(4);
  });
});

describe("MessagingIntegration: rate limit", () => {
  it("spaces sends past the burst on the clock and refuses a wait longer than maxRateLimitWaitMs", async () => {
    const clock = createManualClock(0);
    const times: number[] = [];
    const provider: MessageProvider = {
      kind: "timed",
      channel: "sms",
      deliversExternally: true,
      rateLimit: { capacity: 2, refillPerSecond: 1 },
      send: async () => {
        times.push(clock.now());
        return { providerMessageId: `SM${times.length}`, status: "queued" };
      },
    };
    const messaging = new MessagingIntegration({ providers: { sms: provider }, clock, maxRateLimitWaitMs: 2_999 });
    const send = () => messaging.sendMessage({ recipient: "+14155552345", message: "Hi" });
    const pending = [send(), send(), send(), send()];
    const refused = expectPelbiotErrorAsync(send(), "LIMIT_EXCEEDED");
    await clock.runAllAsync();
    await Promise.all(pending);
    expect(times).toEqual([0, 0, 1_000, 2_000]);
    expect((await refused).details).toMatchObject({ provider: "sms", waitMs: 3_000, maxWaitMs: 2_999 });
  });
});

describe("createOutboxProvider", () => {
  it("keeps at most maxMessages and can be named explicitly", async () => {
    const outbox = createOutboxProvider({ maxMessages: 2 });
    const messaging = new MessagingIntegration({ providers: { outbox } });
    expect(messaging.outbox).toBe(outbox);
    for (const text of ["a", "b", "c"]) await messaging.sendMessage({ recipient: "+14155552345", message: text });
    expect(outbox.messages.map((message) => message.text)).toEqual(["b", "c"]);
    outbox.clear();
    expect(outbox.messages).toEqual([]);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("MessagingIntegration: defaults and shared storage", () => {
  it("sends to the only configured provider by default and refuses unconfigured names", async () => {
    const outbox = createOutboxProvider();
    const messaging = new MessagingIntegration({ providers: { sms: { ...outbox, channel: "sms" } } });
    await expect(messaging.sendMessage({ recipient: "+14155552345", message: "Hi" })).resolves.toMatchObject({
      provider: "sms",
    });
    await expectPelbiotErrorAsync(
      messaging.sendMessage({ recipient: "+14155552345", message: "Hi", provider: "twilio" }),
      "CONFIGURATION_ERROR",
    );
    expect(outbox.messages).toHaveLength(1);
  });

  it("keeps message records (never bodies) in the given storage under keyPrefix", async () => {
    const storage = createMemoryStorage();
    const sender = new MessagingIntegration({ storage, keyPrefix: "sms:" });
    const { messageId } = await sender.sendMessage({ recipient: "+14155552345", message: "Your OTP is 987654" });
    const reader = new MessagingIntegration({ storage, keyPrefix: "sms:" });
    await expect(reader.getMessage(messageId)).resolves.toMatchObject({
      messageId,
      status: "recorded",
      recipient: "+14155552345",
    });
    const stored = await Promise.all((await storage.keys("sms:")).map((key) => storage.getItem(key)));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.join("\n")).not.toContain("987654");
    await expectPelbiotErrorAsync(new MessagingIntegration({ storage }).getMessage(messageId), "NOT_FOUND");
  });
});

describe("MessagingIntegration: recipient checks for real providers", () => {
  const fakeSms = (): MessageProvider & { calls: number } => scriptedProvider([ok]);

  it("refuses the guide's placeholder number for a provider that really sends", async () => {
    const provider = fakeSms();
    const messaging = new MessagingIntegration({ providers: { twilio: provider } });
    const issues = await captureValidationIssuesAsync(() =>
      messaging.sendMessage({ recipient: "+1234567890", message: "Hello", provider: "twilio" }),
    );
    expect(issues).toEqual([
      "input.recipient: is too short for country code +1; expected an international number in E.164 form such as +14155552345",
    ]);
    expect(provider.calls).toBe(0);
  });

  it('with phoneNumberCheck "valid" also refuses unassigned ranges such as 555 numbers', async () => {
    const possible = new MessagingIntegration({ providers: { sms: fakeSms() } });
    await expect(possible.sendMessage({ recipient: "+15558675310", message: "Hi" })).resolves.toMatchObject({
      recipient: "+15558675310",
    });
    const valid = new MessagingIntegration({ providers: { sms: fakeSms() }, phoneNumberCheck: "valid" });
    const issues = await captureValidationIssuesAsync(() =>
      valid.sendMessage({ recipient: "+15558675310", message: "Hi" }),
    );
    expect(issues[0]).toMatch(/^input\.recipient: is not a valid \(assigned\) number for country code \+1/);
    await expect(valid.sendMessage({ recipient: "+44 7911 123456", message: "Hi" })).resolves.toMatchObject({
      recipient: "+447911123456",
    });
  });
});

describe("MessagingIntegration: provider names are looked up as own keys", () => {
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "%s is not a configured provider",
    async (name) => {
      const messaging = new MessagingIntegration({ providers: { sms: scriptedProvider([ok]) } });
      await expectPelbiotErrorAsync(
        messaging.sendMessage({ recipient: "+14155552345", message: "Hi", provider: name }),
        "CONFIGURATION_ERROR",
      );
      const mocked = new MessagingIntegration();
      await expect(
        mocked.sendMessage({ recipient: "+14155552345", message: "Hi", provider: name }),
      ).resolves.toMatchObject({ provider: "outbox" });
      await expectPelbiotErrorAsync(
        mocked.handleStatusCallback({ url: "https://example.com/cb", body: "", signature: "x", provider: name }),
        "CONFIGURATION_ERROR",
      );
    },
  );
});
