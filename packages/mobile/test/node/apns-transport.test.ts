// APNs against a local HTTP/2 TLS server with a self-signed certificate made by the test: the server checks the
// ES256 provider token with the key's public half, the :path, the apns-* headers and the JSON payload.
import { generateKeyPairSync } from "node:crypto";
import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders } from "node:http2";
import type { AddressInfo } from "node:net";
import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues } from "@pelbiot/core/testing";
import { type ApnsTransport, createApnsTransport } from "@pelbiot/mobile/node";
import { PushNotificationManager } from "@pelbiot/mobile/server";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const { privateKey, publicKey } = generateKeyPairSync("ec", {
  namedCurve: "P-256",
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const clock = createManualClock(Date.parse("2026-03-01T12:00:00Z"));
const TOKEN = "a".repeat(64);

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly issuer: string | undefined;
  readonly kid: string | undefined;
  readonly issuedAt: number | undefined;
}

let server: Http2SecureServer;
let origin: string;
let certificate: string;
const received: Received[] = [];
const violations: string[] = [];
let expireTokensOnce = false;
// Device token → Apple's answer.
const answers: Record<string, { status: number; reason?: string; headers?: Record<string, string> }> = {
  ["b".repeat(64)]: { status: 410, reason: "Unregistered" },
  ["c".repeat(64)]: { status: 400, reason: "BadDeviceToken" },
  ["d".repeat(64)]: { status: 429, reason: "TooManyRequests", headers: { "retry-after": "5" } },
  ["e".repeat(64)]: { status: 413, reason: "PayloadTooLarge" },
  ["f".repeat(64)]: { status: 503, reason: "ServiceUnavailable" },
  ["0".repeat(64)]: { status: 400, reason: "DeviceTokenNotForTopic" },
};

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  certificate = pems.cert;
  const verifyKey = await importSPKI(publicKey, "ES256");
  server = createSecureServer({ key: pems.private, cert: pems.cert, allowHTTP1: false });
  server.on("stream", (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const jwt = String(headers.authorization ?? "").replace(/^bearer /, "");
      let issuer: string | undefined;
      let issuedAt: number | undefined;
      try {
        const { payload } = await jwtVerify(jwt, verifyKey, {
          algorithms: ["ES256"],
          currentDate: new Date(clock.now()),
        });
        issuer = payload.iss;
        issuedAt = payload.iat;
      } catch (error) {
        violations.push(`provider token: ${String(error)}`);
      }
      received.push({ headers, body, issuer, kid: decodeProtectedHeader(jwt).kid, issuedAt });
      if (headers[":method"] !== "POST" || !String(headers[":path"]).startsWith("/3/device/")) violations.push("path");
      if (expireTokensOnce) {
        expireTokensOnce = false;
        stream.respond({ ":status": 403, "content-type": "application/json" });
        stream.end(JSON.stringify({ reason: "ExpiredProviderToken" }));
        return;
      }
      const deviceToken = String(headers[":path"]).slice("/3/device/".length);
      const answer = answers[deviceToken];
      const apnsId = `11111111-2222-3333-4444-${String(received.length).padStart(12, "0")}`;
      if (answer === undefined) {
        stream.respond({ ":status": 200, "apns-id": apnsId });
        stream.end();
        return;
      }
      stream.respond({
        ":status": answer.status,
        "apns-id": apnsId,
        "content-type": "application/json",
        ...answer.headers,
      });
      stream.end(JSON.stringify({ reason: answer.reason }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

const transports: ApnsTransport[] = [];
afterAll(async () => {
  await Promise.all(transports.map((transport) => transport.close()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function apns(): ApnsTransport {
  const transport = createApnsTransport({
    teamId: "TEAM123456",
    keyId: "KEY1234567",
    signingKey: privateKey,
    bundleId: "com.example.app",
    endpoint: origin,
    ca: certificate,
    clock,
  });
  transports.push(transport);
  return transport;
}

async function settle<T>(pending: Promise<T>): Promise<T> {
  let done = false;
  void pending.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) await clock.runAllAsync();
  return pending;
}

describe("createApnsTransport against a local HTTP/2 TLS server", () => {
  it("sends an alert with a valid ES256 provider token, the apns-* headers and the aps payload", async () => {
    const push = new PushNotificationManager({ transports: { apns: apns() }, clock, retry: { maxAttempts: 1 } });
    await push.registerDevice("iphone", TOKEN, { provider: "apns" });
    const result = await push.sendNotification("iphone", {
      title: "Alert",
      message: "Important update",
      data: { orderId: "42", aps: "ignored" },
      ttlMs: 3_600_000,
      priority: "high",
      collapseKey: "orders",
      badge: 2,
      sound: "default",
    });

    expect(result).toMatchObject({ status: "delivered", httpStatus: 200, provider: "apns" });
    expect(result.providerMessageId).toMatch(/^11111111-/);
    const request = received.at(-1) as Received;
    expect(violations).toEqual([]);
    expect(request).toMatchObject({
      issuer: "TEAM123456",
      kid: "KEY1234567",
      issuedAt: Math.floor(clock.now() / 1000),
    });
    expect(request.headers).toMatchObject({
      ":path": `/3/device/${TOKEN}`,
      "apns-topic": "com.example.app",
      "apns-push-type": "alert",
      "apns-priority": "10",
      "apns-expiration": String(Math.floor(clock.now() / 1000) + 3_600),
      "apns-collapse-id": "orders",
      "content-type": "application/json",
    });
    expect(JSON.parse(request.body)).toEqual({
      orderId: "42",
      aps: { alert: { title: "Alert", body: "Important update" }, badge: 2, sound: "default" },
    });
  });

  it("sends data-only messages as background pushes at priority 5", async () => {
    const push = new PushNotificationManager({ transports: { apns: apns() }, clock });
    await push.registerDevice("iphone", TOKEN, { provider: "apns" });
    await push.sendNotification("iphone", { data: { sync: "1" }, priority: "high" });
    const request = received.at(-1) as Received;
    expect(request.headers).toMatchObject({ "apns-push-type": "background", "apns-priority": "5" });
    expect(JSON.parse(request.body)).toEqual({ sync: "1", aps: { "content-available": 1 } });
  });

  it("reuses the provider token for 50 minutes, then signs a new one", async () => {
    const transport = apns();
    const push = new PushNotificationManager({ transports: { apns: transport }, clock });
    await push.registerDevice("iphone", TOKEN, { provider: "apns" });
    await push.sendNotification("iphone", { title: "1" });
    const first = received.at(-1)?.headers.authorization;
    clock.advance(49 * 60_000);
    await push.sendNotification("iphone", { title: "2" });
    expect(received.at(-1)?.headers.authorization).toBe(first);
    clock.advance(2 * 60_000);
    await push.sendNotification("iphone", { title: "3" });
    expect(received.at(-1)?.headers.authorization).not.toBe(first);
  });

  it("signs a fresh provider token and retries once when APNs says ExpiredProviderToken", async () => {
    const push = new PushNotificationManager({ transports: { apns: apns() }, clock, retry: { maxAttempts: 1 } });
    await push.registerDevice("iphone", TOKEN, { provider: "apns" });
    await push.sendNotification("iphone", { title: "warm-up" });
    clock.advance(1_000);
    expireTokensOnce = true;
    const before = received.length;
    const result = await push.sendNotification("iphone", { title: "again" });
    expect(result).toMatchObject({ status: "delivered", attempts: 1 });
    const [refused, retried] = received.slice(before);
    expect(retried?.headers.authorization).not.toBe(refused?.headers.authorization);
  });

  it.each([
    ["b", { status: "invalid_token", providerCode: "Unregistered", httpStatus: 410, pruned: true }],
    ["c", { status: "invalid_token", providerCode: "BadDeviceToken", httpStatus: 400, pruned: true }],
    ["d", { status: "rate_limited", providerCode: "TooManyRequests", retryAfterMs: 5_000 }],
    ["e", { status: "payload_too_large", providerCode: "PayloadTooLarge" }],
    ["f", { status: "transient", providerCode: "ServiceUnavailable", httpStatus: 503 }],
    ["0", { status: "auth_error", providerCode: "DeviceTokenNotForTopic", pruned: false }],
  ])("maps Apple's answer for token %s…", async (digit, expected) => {
    const push = new PushNotificationManager({ transports: { apns: apns() }, clock, retry: { maxAttempts: 1 } });
    await push.registerDevice("iphone", digit.repeat(64), { provider: "apns" });
    expect(await settle(push.sendNotification("iphone", { title: "x" }))).toMatchObject(expected);
  });

  it("reports an unreachable APNs as transient and refuses malformed tokens and options", async () => {
    const transport = createApnsTransport({
      teamId: "T",
      keyId: "K",
      signingKey: privateKey,
      bundleId: "b",
      endpoint: "https://127.0.0.1:1",
      clock,
    });
    transports.push(transport);
    const push = new PushNotificationManager({ transports: { apns: transport }, clock, retry: { maxAttempts: 1 } });
    await expect(push.registerDevice("iphone", "not-hex", { provider: "apns" })).rejects.toThrow(/APNs device token/);
    await push.registerDevice("iphone", TOKEN, { provider: "apns" });
    expect((await push.sendNotification("iphone", { title: "x" })).status).toBe("transient");

    const issues = captureValidationIssues(() =>
      createApnsTransport({
        teamId: "T",
        keyId: "K",
        signingKey: "secret-key",
        bundleId: "b",
        endpoint: "http://x",
        sandbox: true,
      } as never),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^options\.sandbox: .*accepted/),
      expect.stringMatching(/^options\.signingKey: must be the \.p8 key/),
      expect.stringMatching(/^options\.endpoint: must be an https: URL/),
    ]);
    expect(issues.join(" ")).not.toContain("secret-key");
  });
});
