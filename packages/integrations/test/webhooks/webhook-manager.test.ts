import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, createMemoryStorage, type ManualClock } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import {
  type DeliveryAttemptLog,
  SVIX_RETRY_SCHEDULE,
  WebhookManager,
  type WebhookManagerOptions,
} from "../../src/webhooks/webhook-manager";
import { verifyWebhook } from "../../src/webhooks/webhook-signature";
import { type Responder, startTestServer, status, until } from "./test-server";

const START = Date.UTC(2026, 0, 1);
// One keyring for every manager that shares a storage, as one deployment would share its key provider.
const keyProvider = createEphemeralKeyProvider();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(responder: Responder, options: WebhookManagerOptions = {}) {
  const server = await startTestServer(responder);
  const clock = createManualClock(START);
  const manager = new WebhookManager({ clock, allowedHosts: ["127.0.0.1"], ...options });
  cleanups.push(
    () => server.close(),
    () => manager.close(),
  );
  return { server, clock, manager };
}

/** Waits until the delivery loops have scheduled their next wait on the manual clock, then moves time forward. */
async function advance(clock: ManualClock, ms: number, timers = 1): Promise<void> {
  await until(() => clock.pendingTimers >= timers, 5_000, "a scheduled retry");
  await clock.advanceAsync(ms);
}

describe("WebhookManager: the guide's calls", () => {
  it("runs the guide example (no network: the name does not resolve) and logs the failed attempt", async () => {
    const clock = createManualClock(START);
    const webhooks = new WebhookManager({
      clock,
      resolve: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND example.com"), { code: "ENOTFOUND" });
      },
    });
    cleanups.push(() => webhooks.close());
    const registered = await webhooks.registerWebhook({
      event: "payment.confirmed",
      url: "https://example.com/webhooks",
      secret: "webhook-secret",
    });
    expect(registered.secret).toBe("webhook-secret");
    const result = await webhooks.triggerWebhook("payment.confirmed", { paymentId: "pay-123", amount: 99.99 });
    const logs = webhooks.getDeliveryLogs();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      messageId: result.messageId,
      attempt: 1,
      success: false,
      statusCode: null,
      nextAttemptAt: START + 5_000,
    });
    expect(logs[0]?.error).toMatch(/resolve/);
    expect(result.deliveries[0]).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: START + 5_000 });
  });
});

describe("WebhookManager: endpoints", () => {
  it("generates a whsec_ secret once, never lists it, and matches wildcard subscriptions", async () => {
    const { server, manager } = await setup(status(204));
    const registered = await manager.registerWebhook({ events: ["payment.*"], url: server.url });
    expect(registered.secret).toMatch(/^whsec_/);
    const [listed] = await manager.listWebhooks();
    expect(listed).toEqual({ ...registered, secret: undefined, description: null });
    expect(JSON.stringify(await manager.listWebhooks())).not.toContain(registered.secret);

    await manager.triggerWebhook("user.created", { id: 1 });
    await manager.triggerWebhook("payment.confirmed", { id: 2 });
    await manager.triggerWebhook("payment.refund.failed", { id: 3 });
    expect(server.received.map((request) => JSON.parse(request.body).type)).toEqual([
      "payment.confirmed",
      "payment.refund.failed",
    ]);
    const verified = verifyWebhook(
      server.received[0]?.body ?? "",
      server.received[0]?.headers ?? {},
      registered.secret,
      {
        now: START,
      },
    );
    expect(verified.payload).toEqual({
      type: "payment.confirmed",
      timestamp: new Date(START).toISOString(),
      data: { id: 2 },
    });
  });

  it("rejects malformed registrations with every issue, and leaves state unchanged", async () => {
    const { manager } = await setup(status(204));
    const attempts: Array<Record<string, unknown>> = [
      { url: "ftp://example.com/", event: "a" },
      { url: "https://user:pass@example.com/", event: "a" },
      { url: "http://127.0.0.2/", event: "a" },
      { url: "http://169.254.169.254/latest", event: "a" },
      { url: "https://example.com/", event: "bad event" },
      { url: "https://example.com/", event: "a", events: ["b"] },
      { url: "https://example.com/" },
      { url: "https://example.com/", event: "a", secret: "short" },
      { url: "https://example.com/", event: "a", secret: "whsec_dG9vc2hvcnQ=" },
    ];
    for (const input of attempts) {
      await expectPelbiotErrorAsync(() => manager.registerWebhook(input as never), "VALIDATION_ERROR");
    }
    const error = await manager.registerWebhook({ url: "nope", event: "bad event" }).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(/input\.event.*input\.url|input\.url.*input\.event/s);
    expect(await manager.listWebhooks()).toEqual([]);
  });

  it("updates, disables, enables and deletes endpoints", async () => {
    const { server, manager } = await setup(status(200));
    const disabledEvents: unknown[] = [];
    manager.on("endpoint_disabled", (change) => disabledEvents.push(change));
    const { id } = await manager.registerWebhook({ event: "a.b", url: server.url, description: "first" });
    const updated = await manager.updateWebhook(id, { events: ["c.*"], description: null });
    expect(updated).toMatchObject({ events: ["c.*"], description: null });
    await expect(manager.updateWebhook(id, { url: "http://10.0.0.1/" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    expect((await manager.getWebhook(id)).url).toBe(server.url);

    await manager.disableWebhook(id, "maintenance");
    expect(disabledEvents).toEqual([{ endpointId: id, url: server.url, reason: "maintenance" }]);
    expect((await manager.triggerWebhook("c.d", {})).deliveries).toEqual([]);
    await manager.enableWebhook(id);
    expect((await manager.triggerWebhook("c.d", {})).deliveries).toHaveLength(1);
    await manager.deleteWebhook(id);
    await expect(manager.getWebhook(id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(manager.deleteWebhook(id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(server.received).toHaveLength(1);
  });

  it("signs with both secrets during a rotation, then only the new one", async () => {
    const { server, clock, manager } = await setup(status(200));
    const { id, secret: oldSecret } = await manager.registerWebhook({ event: "a", url: server.url });
    const { secret: newSecret } = await manager.rotateSecret(id, { overlapMs: 60_000 });
    await manager.triggerWebhook("a", { n: 1 });
    const first = server.received[0];
    expect(first?.headers["webhook-signature"]?.toString().split(" ")).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(
        verifyWebhook(first?.body ?? "", first?.headers ?? {}, secret, { now: clock.now() }).payload,
      ).toBeDefined();
    }
    clock.setTime(START + 60_001);
    await manager.triggerWebhook("a", { n: 2 });
    const second = server.received[1];
    expect(second?.headers["webhook-signature"]?.toString().split(" ")).toHaveLength(1);
    expect(() => verifyWebhook(second?.body ?? "", second?.headers ?? {}, oldSecret, { now: clock.now() })).toThrow();
    expect(verifyWebhook(second?.body ?? "", second?.headers ?? {}, newSecret, { now: clock.now() }).id).toBeDefined();
  });

  it("sends deliveries that the standardwebhooks library verifies", async () => {
    const server = await startTestServer(status(200));
    const clock = createManualClock(Date.now());
    const manager = new WebhookManager({ clock, allowedHosts: ["127.0.0.1"] });
    cleanups.push(
      () => server.close(),
      () => manager.close(),
    );
    const { secret } = await manager.registerWebhook({ event: "order.paid", url: server.url });
    await manager.triggerWebhook("order.paid", { total: 12.5 });
    const [request] = server.received;
    const headers = Object.fromEntries(
      Object.entries(request?.headers ?? {}).map(([key, value]) => [key, String(value)]),
    );
    expect(new Webhook(secret).verify(request?.body ?? "", headers)).toMatchObject({ data: { total: 12.5 } });
    expect(headers["content-type"]).toBe("application/json");
  });
});

describe("WebhookManager: delivery and retries on the manual clock", () => {
  it("follows Svix's schedule exactly with the same webhook-id, then dead-letters and replays", async () => {
    let healthy = false;
    const { server, clock, manager } = await setup((_request, response) => {
      response.writeHead(healthy ? 200 : 500).end(healthy ? "ok" : "boom");
    });
    const failures: DeliveryAttemptLog[] = [];
    manager.on("delivery_failed", (log) => failures.push(log));
    await manager.registerWebhook({ event: "a", url: server.url });
    const { messageId, deliveries } = await manager.triggerWebhook("a", { n: 1 });
    for (let attempt = 1; attempt < SVIX_RETRY_SCHEDULE.length; attempt += 1) {
      await advance(clock, SVIX_RETRY_SCHEDULE[attempt] as number);
      await until(() => server.received.length === attempt + 1, 5_000, `attempt ${attempt + 1}`);
    }
    await until(() => failures.length === SVIX_RETRY_SCHEDULE.length);
    const logs = manager.getDeliveryLogs({ messageId });
    let expectedAt = START;
    for (const [index, log] of logs.entries()) {
      expectedAt += SVIX_RETRY_SCHEDULE[index] as number;
      expect(log).toMatchObject({ attempt: index + 1, timestamp: expectedAt, statusCode: 500, responseBody: "boom" });
    }
    expect(logs.at(-1)?.nextAttemptAt).toBeNull();
    expect(new Set(server.received.map((request) => request.headers["webhook-id"]))).toEqual(new Set([messageId]));
    const timestamps = server.received.map((request) => Number(request.headers["webhook-timestamp"]) * 1000);
    expect(timestamps).toEqual(logs.map((log) => Math.floor(log.timestamp / 1000) * 1000));
    expect(clock.pendingTimers).toBe(0);

    const [dead] = await manager.listDeadLetters();
    expect(dead).toMatchObject({
      id: deliveries[0]?.id,
      status: "dead",
      attempts: 8,
      lastError: "The endpoint answered HTTP 500.",
    });
    healthy = true;
    // The endpoint's circuit opened after five failures in a row; a replay waits for its cooldown like any attempt.
    await clock.advanceAsync(60_000);
    const replayed = await manager.replayDelivery(dead?.id ?? "");
    expect(replayed).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(server.received.at(-1)?.headers["webhook-id"]).toBe(messageId);
    // Delivered, so it left the queue: nothing to replay any more.
    await expect(manager.replayDelivery(dead?.id ?? "")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await manager.listDeliveries()).toEqual([]);
  });

  it("honours Retry-After on 429 when it asks for more than the schedule", async () => {
    const { server, clock, manager } = await setup((_request, response, index) => {
      if (index === 0) response.writeHead(429, { "retry-after": "120" }).end();
      else response.writeHead(200).end();
    });
    await manager.registerWebhook({ event: "a", url: server.url });
    const { deliveries } = await manager.triggerWebhook("a", {});
    expect(manager.getDeliveryLogs()[0]).toMatchObject({ statusCode: 429, nextAttemptAt: START + 120_000 });
    await expect(manager.replayDelivery(deliveries[0]?.id ?? "")).rejects.toMatchObject({ code: "CONFLICT" });
    await advance(clock, 119_999);
    expect(server.received).toHaveLength(1);
    await clock.advanceAsync(1);
    await until(() => manager.getDeliveryLogs().length === 2);
    expect(manager.getDeliveryLogs()[1]).toMatchObject({ success: true, timestamp: START + 120_000 });
  });

  it("caps Retry-After at the schedule's longest step, so a huge value cannot park a delivery for years", async () => {
    const { server, clock, manager } = await setup((_request, response, index) => {
      if (index === 0) response.writeHead(429, { "retry-after": "999999999" }).end();
      else if (index === 1) response.writeHead(503, { "retry-after": "Fri, 01 Jan 2100 00:00:00 GMT" }).end();
      else response.writeHead(200).end();
    });
    await manager.registerWebhook({ event: "a", url: server.url });
    await manager.triggerWebhook("a", {});
    const longestStep = Math.max(...SVIX_RETRY_SCHEDULE);
    expect(manager.getDeliveryLogs()[0]).toMatchObject({ statusCode: 429, nextAttemptAt: START + longestStep });
    await advance(clock, longestStep);
    await until(() => manager.getDeliveryLogs().length === 2);
    expect(manager.getDeliveryLogs()[1]).toMatchObject({
      statusCode: 503,
      nextAttemptAt: START + 2 * longestStep,
    });
    await advance(clock, longestStep);
    await until(() => manager.getDeliveryLogs().length === 3);
    expect(manager.getDeliveryLogs()[2]).toMatchObject({ success: true, timestamp: START + 2 * longestStep });
  });

  it("treats 3xx as failure without following the redirect", async () => {
    const { server, manager } = await setup(status(301, { location: "http://127.0.0.1:1/elsewhere" }));
    await manager.registerWebhook({ event: "a", url: server.url });
    await manager.triggerWebhook("a", {});
    expect(server.received).toHaveLength(1);
    expect(manager.getDeliveryLogs()[0]).toMatchObject({
      success: false,
      statusCode: 301,
      nextAttemptAt: START + 5_000,
    });
  });

  it("disables the endpoint on 410 and stops retrying", async () => {
    const { server, clock, manager } = await setup(status(410, {}, "gone"));
    const disabled: unknown[] = [];
    manager.on("endpoint_disabled", (change) => disabled.push(change));
    const { id } = await manager.registerWebhook({ event: "a", url: server.url });
    const { deliveries } = await manager.triggerWebhook("a", {});
    expect(deliveries[0]).toMatchObject({ status: "dead", attempts: 1 });
    expect(await manager.getWebhook(id)).toMatchObject({ enabled: false, disabledReason: "410 Gone" });
    expect(disabled).toEqual([{ endpointId: id, url: server.url, reason: "410 Gone" }]);
    expect(clock.pendingTimers).toBe(0);
    expect((await manager.triggerWebhook("a", {})).deliveries).toEqual([]);
  });

  it("times out a silent endpoint and a slow body, and survives connection resets", async () => {
    const { server, clock, manager } = await setup(
      (request, response, index) => {
        if (index === 0) return; // never answers
        if (index === 1) {
          response.writeHead(200, { "content-type": "text/plain" });
          response.write("partial");
          return; // the body never ends
        }
        if (index === 2) {
          request.socket.destroy();
          return;
        }
        response.writeHead(200).end("fine");
      },
      { requestTimeoutMs: 400 },
    );
    await manager.registerWebhook({ event: "a", url: server.url });
    await manager.triggerWebhook("a", {});
    for (const ms of [5_000, 300_000, 1_800_000]) await advance(clock, ms);
    await until(() => manager.getDeliveryLogs().length === 4);
    const logs = manager.getDeliveryLogs();
    expect(logs.map((log) => [log.success, log.statusCode])).toEqual([
      [false, null],
      [false, null],
      [false, null],
      [true, 200],
    ]);
    expect(logs[0]?.error).toMatch(/within 400 ms/);
    expect(logs[1]?.error).toMatch(/within 400 ms/);
    expect(logs[2]?.error).toMatch(/ECONNRESET|socket hang up/);
    expect(logs[3]).toMatchObject({ responseBody: "fine", attempt: 4 });
    expect(logs[3]?.latencyMs).toBeGreaterThan(0);
  });

  it("truncates response bodies in the logs", async () => {
    const { server, manager } = await setup(status(500, {}, "x".repeat(5_000)), { maxResponseBodyLength: 100 });
    await manager.registerWebhook({ event: "a", url: server.url });
    await manager.triggerWebhook("a", {});
    expect(manager.getDeliveryLogs()[0]?.responseBody).toBe(`${"x".repeat(100)}…`);
  });

  it("refuses at delivery a hostname that resolves to an internal address, without retrying", async () => {
    const { clock, manager } = await setup(status(200), {
      allowedHosts: [],
      resolve: async () => [{ address: "169.254.169.254", family: 4 }],
    });
    await manager.registerWebhook({ event: "a", url: "http://rebind.example/hook" });
    const { deliveries } = await manager.triggerWebhook("a", {});
    expect(deliveries[0]).toMatchObject({ status: "dead" });
    expect(manager.getDeliveryLogs()[0]?.error).toMatch(/cloud-metadata/);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("WebhookManager: pinned connections", () => {
  it("connects to the address it vetted, resolving once per attempt (no second lookup to rebind)", async () => {
    const lookups: string[] = [];
    const { server, manager } = await setup(status(204), {
      allowedHosts: ["hooks.internal.test"],
      resolve: async (hostname) => {
        lookups.push(hostname);
        return [{ address: "127.0.0.1", family: 4 }];
      },
    });
    const port = new URL(server.url).port;
    // The system resolver cannot resolve this name, so the request can only arrive through the pinned address.
    await manager.registerWebhook({ event: "a", url: `http://hooks.internal.test:${port}/hook` });
    const { deliveries } = await manager.triggerWebhook("a", {});
    expect(deliveries[0]?.status).toBe("succeeded");
    expect(lookups).toEqual(["hooks.internal.test"]);
    expect(server.received[0]?.headers.host).toBe(`hooks.internal.test:${port}`);
  });
});

describe("WebhookManager: durability", () => {
  it("resumes a queue after a restart with the same webhook-ids and loses nothing", async () => {
    const storage = createMemoryStorage();
    let up = false;
    const server = await startTestServer((_request, response) => {
      response.writeHead(up ? 200 : 503).end();
    });
    cleanups.push(() => server.close());
    const clock = createManualClock(START);
    const first = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"] });
    await first.registerWebhook({ event: "a", url: server.url });
    const messageIds: string[] = [];
    for (let index = 0; index < 5; index += 1) messageIds.push((await first.triggerWebhook("a", { index })).messageId);
    await first.close();
    expect(clock.pendingTimers).toBe(0);
    expect((await first.listDeliveries({ status: "pending" })).map((delivery) => delivery.attempts)).toEqual([
      1, 1, 1, 1, 1,
    ]);

    up = true;
    const second = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"] });
    cleanups.push(() => second.close());
    const succeeded: string[] = [];
    second.on("delivery_succeeded", (log) => succeeded.push(log.messageId));
    expect(await second.resume()).toBe(5);
    // Five retry waits, plus the lease reclaim timer every manager with a storage runs.
    await advance(clock, 4_999, 6);
    expect(server.received).toHaveLength(5);
    await clock.advanceAsync(1);
    await until(() => succeeded.length === 5);
    expect(new Set(succeeded)).toEqual(new Set(messageIds));
    const successes = second.getDeliveryLogs({ success: true });
    expect(successes.every((log) => log.attempt === 2 && log.timestamp === START + 5_000)).toBe(true);
    // The first manager's failed attempts were persisted and loaded back by resume().
    const restored = second.getDeliveryLogs({ success: false });
    expect(restored.map((log) => log.attempt)).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(restored.map((log) => log.messageId))).toEqual(new Set(messageIds));
    for (const messageId of messageIds) {
      expect(server.received.filter((request) => request.headers["webhook-id"] === messageId)).toHaveLength(2);
    }
    expect(await second.listDeliveries({ status: "pending" })).toEqual([]);
    expect(await second.resume()).toBe(0);
  });

  it("resumes from real files in a new process-like manager with a fresh storage handle", async () => {
    const directory = await mkdtemp(join(tmpdir(), "webhooks-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    let up = false;
    const server = await startTestServer((_request, response) => {
      response.writeHead(up ? 200 : 500).end();
    });
    cleanups.push(() => server.close());
    const clock = createManualClock(START);
    const firstStorage = createFileStorage({ directory, fsync: false });
    const first = new WebhookManager({ clock, keyProvider, storage: firstStorage, allowedHosts: ["127.0.0.1"] });
    await first.registerWebhook({ event: "a", url: server.url });
    const { messageId } = await first.triggerWebhook("a", { persisted: true });
    await first.close();
    await firstStorage.dispose?.();

    up = true;
    const secondStorage = createFileStorage({ directory, fsync: false });
    cleanups.push(async () => secondStorage.dispose?.());
    const second = new WebhookManager({ clock, keyProvider, storage: secondStorage, allowedHosts: ["127.0.0.1"] });
    cleanups.push(() => second.close());
    expect(await second.resume()).toBe(1);
    // The retry wait and the lease reclaim timer.
    await advance(clock, 5_000, 2);
    await until(() => second.getDeliveryLogs().length === 2);
    const [before, after] = second.getDeliveryLogs();
    expect(before).toMatchObject({ messageId, attempt: 1, success: false, statusCode: 500 });
    expect(after).toMatchObject({ messageId, attempt: 2, success: true });
    expect(server.received.map((request) => request.headers["webhook-id"])).toEqual([messageId, messageId]);
    expect(JSON.parse(server.received[1]?.body ?? "{}").data).toEqual({ persisted: true });
  });

  it("lets exactly one of two racing managers claim each pending delivery", async () => {
    const storage = createMemoryStorage();
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const clock = createManualClock(START);
    const producer = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"] });
    await producer.registerWebhook({ event: "a", url: server.url });
    for (let index = 0; index < 6; index += 1) await producer.triggerWebhook("a", { index });
    await producer.close();
    const left = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"] });
    const right = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"] });
    cleanups.push(
      () => left.close(),
      () => right.close(),
    );
    const [leftCount, rightCount] = await Promise.all([left.resume(), right.resume()]);
    expect(leftCount + rightCount).toBe(6);
    // Six retry waits and each manager's lease reclaim timer.
    await advance(clock, 5_000, 8);
    const retries = (manager: WebhookManager) => manager.getDeliveryLogs().filter((log) => log.attempt === 2).length;
    await until(() => retries(left) + retries(right) === 6);
    expect(server.received).toHaveLength(12);
  });

  it("does not take over deliveries leased by a live manager until the lease expires", async () => {
    const storage = createMemoryStorage();
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const clock = createManualClock(START);
    const owner = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"], leaseMs: 1_000 });
    const other = new WebhookManager({ clock, keyProvider, storage, allowedHosts: ["127.0.0.1"], leaseMs: 1_000 });
    cleanups.push(
      () => owner.close(),
      () => other.close(),
    );
    await owner.registerWebhook({ event: "a", url: server.url });
    await owner.triggerWebhook("a", {});
    expect(await other.resume()).toBe(0);
    // The owner "dies" without releasing (its timers simply never fire): move past next attempt + lease.
    clock.setTime(START + 5_000 + 1_000);
    expect(await other.resume()).toBe(1);
  });
});

describe("WebhookManager: isolation and limits", () => {
  it("opens the circuit of a failing endpoint without delaying a healthy one", async () => {
    const {
      server: bad,
      clock,
      manager,
    } = await setup(status(500), {
      circuitFailureThreshold: 2,
      circuitCooldownMs: 3_600_000,
      retrySchedule: [0, 1_000, 1_000, 1_000],
    });
    const good = await startTestServer(status(200));
    cleanups.push(() => good.close());
    await manager.registerWebhook({ event: "a", url: bad.url });
    await manager.registerWebhook({ event: "a", url: good.url });
    await manager.triggerWebhook("a", { n: 1 });
    await advance(clock, 1_000);
    await until(() => bad.received.length === 2);
    // Two failures in a row: the circuit is open for an hour, so the third attempt waits.
    await advance(clock, 1_000);
    await clock.advanceAsync(10_000);
    expect(bad.received).toHaveLength(2);
    const before = good.received.length;
    await manager.triggerWebhook("a", { n: 2 });
    expect(good.received).toHaveLength(before + 1);
    expect(bad.received).toHaveLength(2);
    await clock.advanceAsync(3_600_000);
    await until(() => bad.received.length >= 3, 5_000, "the probe after the cooldown");
  });

  it("bounds concurrency", async () => {
    const held: Array<() => void> = [];
    let maxOpen = 0;
    const { server, manager } = await setup(
      (_request, response) => {
        held.push(() => response.writeHead(200).end());
      },
      { maxConcurrency: 2 },
    );
    for (let index = 0; index < 5; index += 1) await manager.registerWebhook({ event: "a", url: server.url });
    const triggered = manager.triggerWebhook("a", {});
    for (let served = 0; served < 5; served += 1) {
      // While at least two deliveries are waiting, exactly two requests are open at the server and no third arrives.
      const expectedOpen = Math.min(2, 5 - served);
      await until(() => held.length === expectedOpen, 5_000, `${expectedOpen} open requests`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      maxOpen = Math.max(maxOpen, held.length, server.open());
      held.shift()?.();
    }
    const { deliveries } = await triggered;
    expect(deliveries.every((delivery) => delivery.status === "succeeded")).toBe(true);
    expect(maxOpen).toBe(2);
  });

  it("validates trigger input and options", async () => {
    const { manager } = await setup(status(200), { maxPayloadBytes: 100 });
    await expect(manager.triggerWebhook("bad event", {})).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(manager.triggerWebhook("a", undefined)).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await expect(manager.triggerWebhook("a", { big: "x".repeat(200) })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
    });
    await expect(manager.triggerWebhook("a", {}, { messageId: "has.dot" })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    expect(() => manager.getDeliveryLogs({ success: "yes" as never })).toThrow(/filter\.success/);
    expect(() => new WebhookManager({ retrySchedule: [5, -1], maxConcurrency: 0 })).toThrow(
      /retrySchedule\.1: .*retrySchedule\.0: .*maxConcurrency/s,
    );
    expect(await manager.listDeliveries()).toEqual([]);
  });
});

describe("WebhookManager: https", () => {
  it("delivers over TLS to a pinned address while verifying the certificate against the hostname", async () => {
    // A self-signed certificate for the made-up name hooks.test, made for these tests only (100-year validity).
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
    const cert = fixture("hooks-test.cert.pem");
    const received: string[] = [];
    const server = createHttpsServer({ cert, key: fixture("hooks-test.key.pem") }, (request, response) => {
      received.push(String(request.headers["webhook-id"]));
      request.resume();
      request.on("end", () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const resolve = async () => [{ address: "127.0.0.1", family: 4 as const }];
    const trusted = new WebhookManager({
      clock: createManualClock(START),
      allowedHosts: ["hooks.test"],
      resolve,
      ca: cert,
    });
    const untrusted = new WebhookManager({ clock: createManualClock(START), allowedHosts: ["hooks.test"], resolve });
    cleanups.push(
      () => trusted.close(),
      () => untrusted.close(),
    );
    for (const manager of [trusted, untrusted]) {
      await manager.registerWebhook({ event: "a", url: `https://hooks.test:${port}/hook` });
    }
    const { messageId, deliveries } = await trusted.triggerWebhook("a", {});
    expect(deliveries[0]?.status).toBe("succeeded");
    expect(received).toEqual([messageId]);

    await untrusted.triggerWebhook("a", {});
    expect(untrusted.getDeliveryLogs()[0]).toMatchObject({ success: false, statusCode: null });
    expect(untrusted.getDeliveryLogs()[0]?.error).toMatch(/SELF_SIGNED|CERT/);
    expect(() => new WebhookManager({ ca: "not a certificate" })).toThrow(/options\.ca/);
  });
});
