// Web Push against a local push service: the test decrypts what we sent with the subscription's private key using
// an independent RFC 8188/8291 implementation (http_ece), and verifies the VAPID JWT with jose. The RFC 8291 and
// RFC 8292 vectors check those two verifiers first.
import { createECDH, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { captureValidationIssues } from "@pelbiot/core/testing";
import { createWebPushTransport } from "@pelbiot/mobile/node";
import { PushNotificationManager } from "@pelbiot/mobile/server";
// @ts-expect-error http_ece ships no types
import ece from "http_ece";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webPush from "web-push";

const spec = JSON.parse(readFileSync(new URL("../../../../fixtures/specs/web-push.json", import.meta.url), "utf8"));
const decrypt = ece.decrypt as (body: Buffer, params: Record<string, unknown>) => Buffer;
const encrypt = ece.encrypt as (plaintext: Buffer, params: Record<string, unknown>) => Buffer;

// The VAPID k= key (uncompressed P-256 point) as a JWK jose can verify with.
async function vapidKey(k: string) {
  const point = Buffer.from(k, "base64url");
  const x = point.subarray(1, 33).toString("base64url");
  const y = point.subarray(33, 65).toString("base64url");
  return importJWK({ kty: "EC", crv: "P-256", x, y }, "ES256");
}

function parseVapid(header: string | undefined): { t: string; k: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (match === null) throw new Error(`not a VAPID Authorization header: ${header}`);
  return { t: match[1] as string, k: match[2] as string };
}

describe("the test's own verifiers, checked with the RFC vectors in web-push.json", () => {
  it("http_ece decrypts the RFC 8291 Appendix A message with the user agent's key", () => {
    const vector = spec.vectors.rfc8291_appendixA;
    const receiver = createECDH("prime256v1");
    receiver.setPrivateKey(Buffer.from(vector.ua_private, "base64url"));
    expect(receiver.getPublicKey().toString("base64url")).toBe(vector.ua_public);
    const plaintext = decrypt(Buffer.from(vector.body, "base64url"), {
      version: "aes128gcm",
      privateKey: receiver,
      authSecret: vector.auth_secret,
    });
    expect(plaintext.toString("utf8")).toBe(vector.plaintext);
    // And the other way: with the RFC's sender key and salt, http_ece produces the RFC's body byte for byte.
    const sender = createECDH("prime256v1");
    sender.setPrivateKey(Buffer.from(vector.as_private, "base64url"));
    const body = encrypt(Buffer.from(vector.plaintext, "utf8"), {
      version: "aes128gcm",
      privateKey: sender,
      dh: vector.ua_public,
      authSecret: vector.auth_secret,
      salt: vector.salt,
      rs: vector.rs,
    });
    expect(body.toString("base64url")).toBe(vector.body);
  });

  it("jose verifies the RFC 8292 section 2.4 token with its k= key, and refuses it once altered", async () => {
    const vector = spec.vectors.rfc8292_section2_4;
    const { t, k } = parseVapid(vector.authorizationHeader);
    const key = await vapidKey(k);
    const { payload } = await jwtVerify(t, key, { currentDate: new Date(1_453_523_700_000) });
    expect(payload).toEqual(vector.decodedClaims);
    expect(decodeProtectedHeader(t)).toEqual(vector.decodedHeader);
    const altered = `${t.slice(0, -2)}${t.endsWith("AA") ? "AB" : "AA"}`;
    await expect(jwtVerify(altered, key, { currentDate: new Date(1_453_523_700_000) })).rejects.toThrow();
  });
});

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

let server: Server;
let origin: string;
const received: Received[] = [];
// Path → status the push service answers.
const answers: Record<string, { status: number; headers?: Record<string, string> }> = {
  "/gone": { status: 410 },
  "/busy": { status: 429, headers: { "retry-after": "12" } },
  "/too-big": { status: 413 },
  "/broken": { status: 502 },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks) });
      const answer = answers[path] ?? { status: 201, headers: { location: `${origin}/messages/${received.length}` } };
      response.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function browserSubscription(path: string) {
  const receiver = createECDH("prime256v1");
  receiver.generateKeys();
  const auth = randomBytes(16);
  const subscription = {
    endpoint: `${origin}${path}`,
    keys: { p256dh: receiver.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
  };
  return { subscription, receiver, auth };
}

const vapidKeys = webPush.generateVAPIDKeys();
const vapid = { subject: "mailto:ops@example.com", publicKey: vapidKeys.publicKey, privateKey: vapidKeys.privateKey };

function manager(): PushNotificationManager {
  const transport = createWebPushTransport({ vapid, allowInsecureEndpoints: true });
  return new PushNotificationManager({ transports: { webpush: transport }, retry: { maxAttempts: 1 } });
}

describe("createWebPushTransport against a local push service", () => {
  it("sends an aes128gcm message the subscriber can decrypt, with RFC 8030 headers and a valid VAPID JWT", async () => {
    const push = manager();
    const { subscription, receiver, auth } = browserSubscription("/sub/1");
    await push.registerDevice("browser-1", subscription, { provider: "webpush" });
    const result = await push.sendNotification("browser-1", {
      title: "Alert",
      message: "Important update",
      data: { orderId: "42" },
      ttlMs: 60_000,
      priority: "high",
      collapseKey: "orders",
    });

    expect(result).toMatchObject({ status: "delivered", httpStatus: 201, providerCode: "201" });
    const request = received.find((entry) => entry.path === "/sub/1") as Received;
    expect(result.providerMessageId).toBe(`${origin}/messages/${received.indexOf(request) + 1}`);
    expect(request.headers).toMatchObject({
      ttl: "60",
      urgency: "high",
      topic: "orders",
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
    });
    const plaintext = decrypt(request.body, { version: "aes128gcm", privateKey: receiver, authSecret: auth });
    expect(JSON.parse(plaintext.toString("utf8"))).toEqual({
      title: "Alert",
      body: "Important update",
      data: { orderId: "42" },
    });
    // RFC 8291: a fresh 16-byte salt, rs 4096 and the 65-byte sender key in the header.
    expect(request.body.readUInt32BE(16)).toBe(4096);
    expect(request.body[20]).toBe(65);

    const { t, k } = parseVapid(request.headers.authorization);
    expect(k).toBe(vapid.publicKey);
    const { payload } = await jwtVerify(t, await vapidKey(k), { audience: origin });
    expect(payload.sub).toBe("mailto:ops@example.com");
    expect((payload.exp as number) - Date.now() / 1000).toBeLessThanOrEqual(24 * 3600);
  });

  it("uses a fresh salt and sender key for every message", async () => {
    const push = manager();
    const { subscription } = browserSubscription("/sub/2");
    await push.registerDevice("browser-2", subscription, { provider: "webpush" });
    await push.sendNotification("browser-2", { title: "one" });
    await push.sendNotification("browser-2", { title: "one" });
    const [first, second] = received.filter((entry) => entry.path === "/sub/2").map((entry) => entry.body);
    expect(first?.subarray(0, 16).equals(second?.subarray(0, 16) as Buffer)).toBe(false);
    expect(first?.subarray(21, 86).equals(second?.subarray(21, 86) as Buffer)).toBe(false);
  });

  it.each([
    ["/gone", { status: "invalid_token", httpStatus: 410, pruned: true }],
    ["/busy", { status: "rate_limited", httpStatus: 429, retryAfterMs: 12_000 }],
    ["/too-big", { status: "payload_too_large", httpStatus: 413 }],
    ["/broken", { status: "transient", httpStatus: 502 }],
  ])("maps the push service's answer at %s", async (path, expected) => {
    const push = manager();
    await push.registerDevice("browser", browserSubscription(path).subscription, { provider: "webpush" });
    expect(await push.sendNotification("browser", { title: "x" })).toMatchObject(expected);
  });

  it("refuses oversized payloads locally, and forged or insecure subscriptions at registration", async () => {
    const push = new PushNotificationManager({ transports: { webpush: createWebPushTransport({ vapid }) } });
    const { subscription } = browserSubscription("/sub/3");
    await expect(push.registerDevice("b", subscription)).rejects.toThrow(/https: endpoint on a named public host/);
    const metadata = { ...subscription, endpoint: "https://169.254.169.254/latest" };
    await expect(push.registerDevice("b", metadata)).rejects.toThrow(/named public host/);
    const shortKey = { ...subscription, endpoint: "https://push.example.net/x", keys: { p256dh: "AAAA", auth: "x" } };
    await expect(push.registerDevice("b", shortKey)).rejects.toThrow(/keys\.p256dh/);
    expect(await push.listDevices()).toEqual([]);

    const local = manager();
    await local.registerDevice("b", subscription);
    const sent = received.length;
    const result = await local.sendNotification("b", { title: "x", data: { blob: "y".repeat(4_000) } });
    expect(result.status).toBe("payload_too_large");
    expect(received.length).toBe(sent);
  });

  it("validates its options without echoing key material", () => {
    const issues = captureValidationIssues(() =>
      createWebPushTransport({ vapid: { subject: "ops@example.com", publicKey: "short", privateKey: "secret!" } }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^options\.vapid\.subject: must be a mailto: or https: URL/),
      expect.stringMatching(/^options\.vapid\.publicKey: /),
      expect.stringMatching(/^options\.vapid\.privateKey: /),
    ]);
    expect(issues.join(" ")).not.toContain("secret!");
  });
});
