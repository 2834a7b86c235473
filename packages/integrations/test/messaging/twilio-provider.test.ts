import { createServer } from "node:net";
import { createManualClock, type ManualClock, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { createTwilioProvider, MessagingIntegration, type TwilioProviderOptions } from "@pelbiot/integrations";
import { afterEach, describe, expect, it } from "vitest";
import { type Responder, startTestServer, type TestServer, until } from "../webhooks/test-server";
import {
  createMessageProblems,
  messageStatuses,
  sampleMessage,
  validateErrorBody,
  validateMessageResource,
} from "./twilio-spec";

const CREDENTIALS = { accountSid: `AC${"0123456789abcdef".repeat(2)}`, authToken: "s3cret-auth-token" };
const SID = `SM${"a1".repeat(16)}`;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Starts a stand-in for api.twilio.com that checks every request against the spec, then answers with `reply`. */
async function twilioServer(reply: Responder): Promise<TestServer & { problems: string[][] }> {
  const problems: string[][] = [];
  const started = await startTestServer((request, response, index, received) => {
    problems.push(createMessageProblems(received, CREDENTIALS));
    reply(request, response, index, received);
  });
  server = started;
  return Object.assign(started, { problems });
}

const created: Responder = (_request, response, _index, received) => {
  const form = new URLSearchParams(received.body);
  const body = sampleMessage({ sid: SID, to: form.get("To"), body: form.get("Body"), status: "queued" });
  response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(body));
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return (_request, response) => {
    response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  };
}

function sequence(...responders: Responder[]): Responder {
  return (request, response, index, received) => {
    const responder = responders[Math.min(index, responders.length - 1)] as Responder;
    responder(request, response, index, received);
  };
}

function messagingFor(url: string, options: Partial<TwilioProviderOptions> = {}, clock?: ManualClock) {
  const twilio = createTwilioProvider({
    ...CREDENTIALS,
    from: "+14155550100",
    baseUrl: new URL(url).origin,
    rateLimit: null,
    ...(clock === undefined ? {} : { clock }),
    ...options,
  });
  return new MessagingIntegration({
    providers: { twilio },
    retryDelayMs: 0,
    ...(clock === undefined ? {} : { clock }),
  });
}

/** Lets real I/O run while moving a manual clock, until the promise settles. */
async function drive<T>(promise: Promise<T>, clock: ManualClock, stepMs = 250): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (clock.pendingTimers > 0) await clock.advanceAsync(stepMs);
  }
  return promise;
}

const RATE_LIMITED = {
  code: 20429,
  message: "Too Many Requests",
  more_info: "https://www.twilio.com/docs/errors/20429",
  status: 429,
};

describe("createTwilioProvider against a local server checked with Twilio's spec", () => {
  it("sends a spec-conformant form-encoded request with Basic auth and reads Twilio's sample Message", async () => {
    const twilio = await twilioServer(created);
    expect(validateMessageResource(sampleMessage({ sid: SID }))).toBe(true);
    const messaging = messagingFor(twilio.url, { statusCallback: "https://example.com/sms/status?x=1&y=ü" });
    const result = await messaging.sendMessage({ recipient: "+1 415 555 2345", message: "Grüße & 10% off: a+b=c 👍" });
    expect(twilio.problems).toEqual([[]]);
    expect(Object.fromEntries(new URLSearchParams(twilio.received[0]?.body))).toEqual({
      To: "+14155552345",
      From: "+14155550100",
      Body: "Grüße & 10% off: a+b=c 👍",
      StatusCallback: "https://example.com/sms/status?x=1&y=ü",
    });
    expect(result).toMatchObject({
      provider: "twilio",
      providerMessageId: SID,
      status: "queued",
      deliveredExternally: true,
      encoding: "UCS-2",
      segments: 1,
      attempts: 1,
    });
  });

  it("sends through a Messaging Service when one is configured", async () => {
    const twilio = await twilioServer(created);
    const messagingServiceSid = `MG${"b2".repeat(16)}`;
    const messaging = messagingFor(twilio.url, { from: undefined, messagingServiceSid });
    await messaging.sendMessage({ recipient: "+447911123456", message: "Hi" });
    expect(twilio.problems).toEqual([[]]);
    const form = new URLSearchParams(twilio.received[0]?.body);
    expect(form.get("MessagingServiceSid")).toBe(messagingServiceSid);
    expect(form.has("From")).toBe(false);
  });

  it("reports Twilio's error body on a 400 and does not retry", async () => {
    const error21211 = {
      code: 21211,
      message: "The 'To' number +15005550001 is not a valid phone number.",
      more_info: "https://www.twilio.com/docs/errors/21211",
      status: 400,
    };
    expect(validateErrorBody(error21211)).toBe(true);
    const twilio = await twilioServer(json(400, error21211));
    const error = await expectPelbiotErrorAsync(
      messagingFor(twilio.url).sendMessage({ recipient: "+14155552345", message: "Hi" }),
      "PROVIDER_ERROR",
    );
    expect(error.message).toContain("Twilio error 21211: The 'To' number +15005550001 is not a valid phone number.");
    expect(error.details).toMatchObject({
      outcome: "rejected",
      retryable: false,
      status: 400,
      providerCode: 21211,
      moreInfo: error21211.more_info,
    });
    expect(twilio.received).toHaveLength(1);
  });

  it("retries a 429 after the Retry-After the server asked for", async () => {
    const clock = createManualClock(0);
    const times: number[] = [];
    const twilio = await twilioServer((request, response, index, received) => {
      times.push(clock.now());
      sequence(json(429, RATE_LIMITED, { "retry-after": "2" }), created)(request, response, index, received);
    });
    const messaging = messagingFor(twilio.url, { timeoutMs: 3_600_000 }, clock);
    const result = await drive(messaging.sendMessage({ recipient: "+14155552345", message: "Hi" }), clock);
    expect(result.attempts).toBe(2);
    expect(twilio.problems).toEqual([[], []]);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(2_000);
  });

  it("retries a 503 (not taken) but never a 500 (may have been taken)", async () => {
    const unavailable = await twilioServer(
      sequence(json(503, { code: 20503, message: "Service Unavailable", status: 503 }), created),
    );
    await expect(
      messagingFor(unavailable.url).sendMessage({ recipient: "+14155552345", message: "Hi" }),
    ).resolves.toMatchObject({ attempts: 2 });
    expect(unavailable.received).toHaveLength(2);
    await unavailable.close();
    const broken = await twilioServer(
      sequence(json(500, { code: 20500, message: "Internal Server Error", status: 500 }), created),
    );
    const error = await expectPelbiotErrorAsync(
      messagingFor(broken.url).sendMessage({ recipient: "+14155552345", message: "Hi" }),
      "PROVIDER_ERROR",
    );
    expect(error.details).toMatchObject({ outcome: "unknown", retryable: false, status: 500 });
    expect(broken.received).toHaveLength(1);
  });

  it("never retries a timeout after the request was sent (no duplicate SMS)", async () => {
    const clock = createManualClock(0);
    const twilio = await twilioServer(() => {
      // Twilio got the request and never answers.
    });
    const messaging = messagingFor(twilio.url, { timeoutMs: 10_000 }, clock);
    const failed: unknown[] = [];
    messaging.on("message_failed", (event) => failed.push(event.error.code));
    const sending = messaging.sendMessage({ recipient: "+14155552345", message: "Your OTP is 123456" });
    const rejected = expectPelbiotErrorAsync(sending, "TIMEOUT");
    await until(() => twilio.received.length === 1, 5_000, "the request");
    clock.advance(10_000);
    const error = await rejected;
    expect(error.details).toMatchObject({ provider: "twilio", outcome: "unknown", retryable: false });
    expect(error.message).toMatch(/may have been sent, so it is not retried/);
    await clock.runAllAsync();
    expect(twilio.received).toHaveLength(1);
    expect(failed).toEqual(["TIMEOUT"]);
  });

  it("never retries a connection dropped after the request was sent", async () => {
    const twilio = await twilioServer((_request, response) => response.socket?.destroy());
    const error = await expectPelbiotErrorAsync(
      messagingFor(twilio.url).sendMessage({ recipient: "+14155552345", message: "Hi" }),
      "PROVIDER_ERROR",
    );
    expect(error.details).toMatchObject({ outcome: "unknown", retryable: false });
    expect(twilio.received).toHaveLength(1);
  });

  it("retries a refused connection (nothing was sent), up to maxAttempts", async () => {
    const port = await closedPort();
    const error = await expectPelbiotErrorAsync(
      messagingFor(`http://127.0.0.1:${port}`).sendMessage({ recipient: "+14155552345", message: "Hi" }),
      "RETRY_EXHAUSTED",
    );
    expect(error.details).toMatchObject({ attempts: 3 });
    expect(PelbiotError.is(error.cause) && error.cause.details).toMatchObject({ outcome: "not_sent", retryable: true });
  });

  it("refuses a 201 whose body is not a Message resource without retrying", async () => {
    const twilio = await twilioServer(json(201, { sid: "nope" }));
    const error = await expectPelbiotErrorAsync(
      messagingFor(twilio.url).sendMessage({ recipient: "+14155552345", message: "Hi" }),
      "PROVIDER_ERROR",
    );
    expect(error.details).toMatchObject({ outcome: "unknown" });
    expect(twilio.received).toHaveLength(1);
  });

  it("knows every status in the spec's enum", async () => {
    for (const status of messageStatuses) {
      const twilio = await twilioServer(json(201, sampleMessage({ sid: SID, status })));
      await expect(
        messagingFor(twilio.url).sendMessage({ recipient: "+14155552345", message: "Hi" }),
      ).resolves.toMatchObject({ status });
      await twilio.close();
    }
  });

  it("checks its options and never shows the auth token", () => {
    expect(
      captureValidationIssues(() =>
        createTwilioProvider({ accountSid: "AC123", authToken: "x", from: "not a sender!", baseUrl: "ftp://x" }),
      ),
    ).toEqual([
      "options.accountSid: must be AC + 32 hex digits",
      "options.from: must be an E.164 number, whatsapp:+… or an alphanumeric sender ID of 1–11 characters",
      "options.baseUrl: must be an http(s) URL",
    ]);
    expect(() => createTwilioProvider({ ...CREDENTIALS })).toThrowError(/needs a sender/);
    expect(
      captureValidationIssues(() =>
        createTwilioProvider({ ...CREDENTIALS, from: "ACME", rateLimit: { capacity: 0, refillPerSecond: -1 } }),
      ),
    ).toEqual([
      "options.rateLimit.capacity: must be at least 1, got 0",
      "options.rateLimit.refillPerSecond: must be greater than 0, got -1",
    ]);
    const provider = createTwilioProvider({ ...CREDENTIALS, from: "ACME" });
    expect(JSON.stringify(provider)).not.toContain(CREDENTIALS.authToken);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
