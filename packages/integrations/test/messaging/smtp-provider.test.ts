import type { AddressInfo, Socket } from "node:net";
import { PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { createSmtpProvider, MessagingIntegration } from "@pelbiot/integrations";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

interface Received {
  readonly envelopeFrom: string;
  readonly envelopeTo: string[];
  readonly mail: ParsedMail;
}

// A real SMTP server in the test process; rcptReplies scripts the reply to each RCPT TO (4yz / 5yz fault injection).
const received: Received[] = [];
let rcptReplies: Array<{ code: number; message: string } | undefined> = [];
let rcptCalls = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onRcptTo(_address: SMTPServerAddress, _session, callback) {
    const reply = rcptReplies[rcptCalls];
    rcptCalls += 1;
    if (reply === undefined) return callback();
    const error = Object.assign(new Error(reply.message), { responseCode: reply.code });
    return callback(error);
  },
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((mail) => {
        received.push({
          envelopeFrom: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          envelopeTo: session.envelope.rcptTo.map((to) => to.address),
          mail,
        });
        callback();
      })
      .catch(callback);
  },
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  rcptReplies = [];
  rcptCalls = 0;
});

function integration(options: { maxAttempts?: number } = {}) {
  const smtp = createSmtpProvider({ host: "127.0.0.1", port, from: '"Shop" <shop@example.com>', rateLimit: null });
  return new MessagingIntegration({ providers: { smtp }, retryDelayMs: 0, ...options });
}

describe("createSmtpProvider against a real SMTP server", () => {
  it("delivers a templated e-mail whose MIME message carries the headers, subject, text and escaped HTML", async () => {
    const messaging = integration();
    messaging.addTemplate("welcome", "Hi {name}, your code is {code}.", {
      subject: "Welcome, {name} ✓",
      html: "<p>Hi <b>{name}</b>, your code is <code>{code}</code>.</p>",
    });
    const result = await messaging.sendMessage({
      recipient: "ada@example.org",
      templateId: "welcome",
      data: { name: "Ada <Lovelace> & Co", code: 4217 },
    });
    expect(result).toMatchObject({
      provider: "smtp",
      channel: "email",
      status: "sent",
      deliveredExternally: true,
      attempts: 1,
    });
    expect(received).toHaveLength(1);
    const [{ envelopeFrom, envelopeTo, mail }] = received as [Received];
    expect(envelopeFrom).toBe("shop@example.com");
    expect(envelopeTo).toEqual(["ada@example.org"]);
    expect(mail.from?.value).toEqual([{ address: "shop@example.com", name: "Shop" }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : undefined).toEqual([
      { address: "ada@example.org", name: "" },
    ]);
    expect(mail.subject).toBe("Welcome, Ada <Lovelace> & Co ✓");
    expect(mail.text?.trim()).toBe("Hi Ada <Lovelace> & Co, your code is 4217.");
    expect(mail.html).toBe("<p>Hi <b>Ada &lt;Lovelace&gt; &amp; Co</b>, your code is <code>4217</code>.</p>");
    expect(mail.messageId).toBe(`<${result.messageId}@example.com>`);
    expect(result.providerMessageId).toBe(mail.messageId);
    expect(mail.headers.get("mime-version")).toBe("1.0");
    expect(mail.date).toBeInstanceOf(Date);
    await messaging.close();
  });

  it("retries a 4yz reply (the server did not take the message) and delivers once", async () => {
    rcptReplies = [{ code: 451, message: "Try again later" }];
    const messaging = integration();
    const result = await messaging.sendMessage({ recipient: "ada@example.org", message: "Hello", subject: "Hi" });
    expect(result.attempts).toBe(2);
    expect(received).toHaveLength(1);
    expect(received[0]?.mail.text?.trim()).toBe("Hello");
  });

  it("does not retry a 5yz reply and reports it as refused", async () => {
    rcptReplies = [{ code: 550, message: "No such user" }];
    const messaging = integration();
    const error = await expectPelbiotErrorAsync(
      messaging.sendMessage({ recipient: "nobody@example.org", message: "Hello" }),
      "PROVIDER_ERROR",
    );
    expect(error.details).toMatchObject({ provider: "smtp", outcome: "rejected", retryable: false, status: 550 });
    expect(rcptCalls).toBe(1);
    expect(received).toHaveLength(0);
  });

  it("retries a refused connection, then gives up with RETRY_EXHAUSTED", async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const smtp = createSmtpProvider({ host: "127.0.0.1", port: deadPort, from: "shop@example.com", rateLimit: null });
    const messaging = new MessagingIntegration({ providers: { smtp }, retryDelayMs: 0, maxAttempts: 2 });
    const error = await expectPelbiotErrorAsync(
      messaging.sendMessage({ recipient: "a@example.org", message: "x" }),
      "RETRY_EXHAUSTED",
    );
    const cause = error.cause;
    expect(PelbiotError.is(cause) && cause.details).toMatchObject({ outcome: "not_sent", retryable: true });
  });

  it("checks its options", () => {
    expect(
      captureValidationIssues(() => createSmtpProvider({ host: "", port: 70_000, from: "not an address" })),
    ).toEqual([
      "options.host: must be a non-empty string",
      "options.port: must be at most 65535, got 70000",
      'options.from: must be an address such as shop@example.com or "Shop" <shop@example.com>',
    ]);
    expect(() => createSmtpProvider({ from: "shop@example.com" })).toThrowError(/SMTP needs a host and a from address/);
  });
});

describe("createSmtpProvider: ambiguous failures", () => {
  it("does not retry when the server goes silent after the message data (it may have taken it)", async () => {
    const sockets = new Set<Socket>();
    let dataCalls = 0;
    const silent = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream) {
        dataCalls += 1;
        stream.resume(); // read the message, never answer: the client cannot know whether it was queued
      },
    });
    silent.server.on("connection", (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.server.address() as AddressInfo).port;
    try {
      const smtp = createSmtpProvider({
        host: "127.0.0.1",
        port: silentPort,
        from: "shop@example.com",
        timeoutMs: 300,
        rateLimit: null,
      });
      const messaging = new MessagingIntegration({ providers: { smtp }, retryDelayMs: 0 });
      const error = await expectPelbiotErrorAsync(messaging.sendMessage({ recipient: "a@example.org", message: "x" }));
      expect(error.details).toMatchObject({ provider: "smtp", outcome: "unknown", retryable: false });
      expect(dataCalls).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
