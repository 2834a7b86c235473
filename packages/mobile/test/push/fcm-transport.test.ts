import { generateKeyPairSync } from "node:crypto";
import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues } from "@pelbiot/core/testing";
import { createFcmTransport, type GoogleServiceAccount, PushNotificationManager } from "@pelbiot/mobile/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FcmTestServer, startFcmTestServer } from "./fcm-test-server";

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
// A key the token endpoint does not know, as when the service account's key was rotated or deleted.
const { privateKey: otherKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const START = Date.parse("2026-03-01T12:00:00Z");
const clock = createManualClock(START);
let server: FcmTestServer;
let serviceAccount: GoogleServiceAccount;

beforeAll(async () => {
  server = await startFcmTestServer(publicKey, "pusher@demo-project.iam.gserviceaccount.com", () => clock.now());
  serviceAccount = {
    project_id: "demo-project",
    client_email: "pusher@demo-project.iam.gserviceaccount.com",
    private_key: privateKey,
    private_key_id: "key-1",
    token_uri: `${server.url}/token`,
  };
});
afterAll(() => server.close());

function manager(retry = { maxAttempts: 1 }): PushNotificationManager {
  const fcm = createFcmTransport({ serviceAccount, endpoint: `${server.url}/`, clock });
  return new PushNotificationManager({ transports: { fcm }, clock, retry });
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

describe("createFcmTransport against a local FCM server checking the published spec", () => {
  it("sends spec-valid requests for every platform, with one cached access token", async () => {
    const push = manager();
    const before = { tokens: server.log.tokenRequests, sends: server.log.sends.length };
    await push.registerDevice("android-1", "token-a", { platform: "android" });
    await push.registerDevice("iphone-1", "token-i", { platform: "ios" });
    await push.registerDevice("browser-1", "token-w", { platform: "web" });
    const notification = {
      title: "Alert",
      message: "Important update",
      data: { orderId: "42" },
      ttlMs: 3_600_500,
      priority: "high" as const,
      collapseKey: "orders",
      badge: 3,
      sound: "default",
    };
    const report = await settle(push.sendToDevices(["android-1", "iphone-1", "browser-1"], notification));

    expect(report.results.map((result) => result.status)).toEqual(["delivered", "delivered", "delivered"]);
    expect(report.results[0]?.providerMessageId).toMatch(/^projects\/demo-project\/messages\//);
    expect(server.log.violations).toEqual([]);
    expect(server.log.tokenRequests - before.tokens).toBe(1);
    const sent = server.log.sends.slice(before.sends).map((entry) => entry.body.message as Record<string, unknown>);
    const byToken = Object.fromEntries(sent.map((message) => [message.token, message]));
    expect(byToken["token-a"]).toEqual({
      token: "token-a",
      notification: { title: "Alert", body: "Important update" },
      data: { orderId: "42" },
      android: {
        priority: "HIGH",
        ttl: "3600.5s",
        collapseKey: "orders",
        notification: { sound: "default", notificationCount: 3 },
      },
    });
    expect(byToken["token-i"]?.apns).toEqual({
      headers: {
        "apns-priority": "10",
        "apns-expiration": String(Math.floor((clock.now() + 3_600_500) / 1000)),
        "apns-collapse-id": "orders",
      },
      payload: { aps: { badge: 3, sound: "default" } },
    });
    expect(byToken["token-w"]?.webpush).toEqual({ headers: { TTL: "3600", Urgency: "high", Topic: "orders" } });
  });

  it("mints a new access token once the cached one is within a minute of expiry", async () => {
    const push = manager();
    await push.registerDevice("phone", "token-a");
    await settle(push.sendNotification("phone", { title: "warm-up" }));
    const before = server.log.tokenRequests;
    clock.advance(3_599_000 - 61_000);
    await settle(push.sendNotification("phone", { title: "still cached" }));
    expect(server.log.tokenRequests).toBe(before);
    clock.advance(2_000);
    await settle(push.sendNotification("phone", { title: "refreshed" }));
    expect(server.log.tokenRequests).toBe(before + 1);
  });

  it("replaces a revoked access token once and sends again", async () => {
    const push = manager();
    await push.registerDevice("phone", "token-a");
    await settle(push.sendNotification("phone", { title: "warm-up" }));
    const before = server.log.tokenRequests;
    server.revokeTokens();
    const result = await settle(push.sendNotification("phone", { title: "after revoke" }));
    expect(result).toMatchObject({ status: "delivered", attempts: 1 });
    expect(server.log.tokenRequests).toBe(before + 1);
  });

  it.each([
    ["unregistered", { status: "invalid_token", providerCode: "UNREGISTERED", httpStatus: 404, pruned: true }],
    ["bad-token", { status: "invalid_token", providerCode: "INVALID_ARGUMENT", httpStatus: 400, pruned: true }],
    ["bad-data", { status: "invalid_request", providerCode: "INVALID_ARGUMENT", httpStatus: 400, pruned: false }],
    ["quota", { status: "rate_limited", providerCode: "QUOTA_EXCEEDED", retryAfterMs: 30_000 }],
    ["quota-silent", { status: "rate_limited", providerCode: "QUOTA_EXCEEDED", retryAfterMs: 60_000 }],
    ["unavailable", { status: "transient", providerCode: "UNAVAILABLE", httpStatus: 503 }],
    ["internal", { status: "transient", providerCode: "INTERNAL", httpStatus: 500 }],
    ["mismatch", { status: "auth_error", providerCode: "SENDER_ID_MISMATCH", httpStatus: 403, pruned: false }],
    ["apns-auth", { status: "auth_error", providerCode: "THIRD_PARTY_AUTH_ERROR", httpStatus: 401 }],
    ["gateway", { status: "invalid_request", providerCode: "HTTP_502", httpStatus: 502 }],
  ])("maps FCM's %s answer per its error-code table", async (token, expected) => {
    const push = manager();
    await push.registerDevice("phone", token);
    const result = await settle(push.sendNotification("phone", { title: "x" }));
    expect(result).toMatchObject({ ...expected, attempts: 1 });
    expect(await push.getDevice("phone")).toEqual(result.pruned ? undefined : expect.anything());
  });

  it("retries a quota error after FCM's Retry-After", async () => {
    const push = manager({ maxAttempts: 2 });
    await push.registerDevice("phone", "quota");
    const start = clock.now();
    const result = await settle(push.sendNotification("phone", { title: "x" }));
    expect(result).toMatchObject({ status: "rate_limited", attempts: 2 });
    expect(result.at - start).toBe(30_000);
  });

  it("refuses a payload over FCM's 4096 bytes without calling FCM", async () => {
    const push = manager();
    await push.registerDevice("phone", "token-a");
    const sends = server.log.sends.length;
    const result = await settle(push.sendNotification("phone", { title: "x", data: { blob: "y".repeat(4_100) } }));
    expect(result).toMatchObject({ status: "payload_too_large", attempts: 1 });
    expect(server.log.sends.length).toBe(sends);
  });

  it("reports a refused service account as auth_error and an unreachable FCM as transient", async () => {
    const wrongKey = createFcmTransport({
      serviceAccount: { ...serviceAccount, private_key: otherKey },
      endpoint: `${server.url}/`,
      clock,
    });
    const unreachable = createFcmTransport({ serviceAccount, endpoint: "http://127.0.0.1:1/", clock });
    const push = new PushNotificationManager({
      transports: { "wrong-key": wrongKey, unreachable },
      clock,
      retry: { maxAttempts: 1 },
    });
    await push.registerDevice("a", "token-a", { provider: "wrong-key" });
    await push.registerDevice("b", "token-b", { provider: "unreachable" });
    expect(await settle(push.sendNotification("a", { title: "x" }))).toMatchObject({
      status: "auth_error",
      providerCode: "TOKEN_HTTP_400",
    });
    // The token endpoint is reachable here; FCM itself is not.
    expect(await settle(push.sendNotification("b", { title: "x" }))).toMatchObject({ status: "transient" });
  });

  it("validates its options without echoing key material", () => {
    const issues = captureValidationIssues(() =>
      createFcmTransport({
        serviceAccount: { project_id: "p", client_email: "e", private_key: "secret-not-a-pem" },
        endpoint: "ftp://x",
        timeout: 5,
      } as never),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^options\.timeout: .*accepted: .*requestTimeoutMs/),
      expect.stringMatching(/^options\.serviceAccount\.private_key: must be a PKCS #8 PEM key/),
      expect.stringMatching(/^options\.endpoint: must be an http\(s\) URL/),
    ]);
    expect(issues.join(" ")).not.toContain("secret-not-a-pem");
    const push = new PushNotificationManager({ transports: { fcm: createFcmTransport({ serviceAccount }) } });
    return expect(push.registerDevice("a", "has space")).rejects.toThrow(/FCM registration token/);
  });
});
