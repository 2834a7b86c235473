import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, createMemoryStorage, PelbiotError } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { captureValidationIssuesAsync, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import {
  createLogPushTransport,
  type DeliveryResult,
  type DevicePrunedEvent,
  PushNotificationManager,
  type PushTransport,
  type TransportOutcome,
} from "@pelbiot/mobile/server";
import { describe, expect, it } from "vitest";

describe("PushNotificationManager: the guide's calls", () => {
  it("runs the guide's example as written, awaited", async () => {
    const push = new PushNotificationManager();
    const sent: DeliveryResult[] = [];
    push.on("notification_sent", (data) => sent.push(data));
    push.on("notification_failed", () => expect.unreachable("nothing fails with the log transport"));
    await push.registerDevice("device-id", "firebase-token");
    await push.subscribeToTopic("device-id", "alerts");
    const result = await push.sendNotification("device-id", { title: "Alert", message: "Important update" });

    expect(result).toMatchObject({ deviceId: "device-id", provider: "log", status: "delivered", attempts: 1 });
    expect(result.providerMessageId).toMatch(/^log-\d+$/);
    expect(sent).toEqual([result]);
    expect(await push.getDevice("device-id")).toMatchObject({ token: "firebase-token", topics: ["alerts"] });
  });

  it("applies un-awaited calls on one device in the order they were made", async () => {
    const log = createLogPushTransport();
    const push = new PushNotificationManager({ transports: { log } });
    void push.registerDevice("device-id", "firebase-token");
    void push.subscribeToTopic("device-id", "alerts");
    const topic = push.sendToTopic("alerts", { title: "Alert", message: "Important update" });
    const direct = push.sendNotification("device-id", { title: "Direct" });

    expect((await topic).results.map((result) => result.status)).toEqual(["delivered"]);
    expect((await direct).status).toBe("delivered");
    // Both sends saw the registration and the subscription; which of them left first is not promised.
    const notifications = log.entries().map((entry) => entry.notification);
    expect(notifications.sort((a, b) => (a.title ?? "").localeCompare(b.title ?? ""))).toEqual([
      { title: "Alert", body: "Important update", priority: "normal", ttlMs: 2_419_200_000 },
      { title: "Direct", priority: "normal", ttlMs: 2_419_200_000 },
    ]);
  });
});

describe("PushNotificationManager: the device registry", () => {
  it("updates the token on re-registration and keeps topics and details", async () => {
    const clock = createManualClock(1_000);
    const push = new PushNotificationManager({ clock });
    await push.registerDevice("phone", "token-1", { userId: "user-1", locale: "pt-BR", appVersion: "1.2.0" });
    await push.subscribeToTopic("phone", "news");
    clock.advance(500);
    const again = await push.registerDevice("phone", "token-2");

    expect(again).toEqual({
      deviceId: "phone",
      token: "token-2",
      platform: "android",
      provider: "log",
      topics: ["news"],
      userId: "user-1",
      locale: "pt-BR",
      appVersion: "1.2.0",
      registeredAt: 1_000,
      updatedAt: 1_500,
    });
  });

  it("keeps devices in the storage adapter, so another manager sharing it sees them", async () => {
    const storage = createMemoryStorage();
    await new PushNotificationManager({ storage, keyPrefix: "app:" }).registerDevice("phone", "token", {
      platform: "ios",
    });
    const later = new PushNotificationManager({ storage, keyPrefix: "app:" });
    const other = new PushNotificationManager({ storage, keyPrefix: "other:" });

    expect(await later.getDevice("phone")).toMatchObject({ token: "token", platform: "ios" });
    expect(await other.getDevice("phone")).toBeUndefined();
    expect(await storage.keys("app:")).toEqual(["app:devices:phone"]);
  });

  it("survives a restart with file storage: a new manager on the same directory has the devices and topics", async () => {
    const directory = await mkdtemp(join(tmpdir(), "pelbiot-push-"));
    try {
      const before = new PushNotificationManager({ storage: createFileStorage({ directory }) });
      await before.registerDevice("phone", "token", { userId: "user-1" });
      await before.subscribeToTopic("phone", "alerts");
      const after = new PushNotificationManager({ storage: createFileStorage({ directory }) });
      expect(await after.listDevices({ topic: "alerts" })).toEqual([
        expect.objectContaining({ deviceId: "phone", token: "token", userId: "user-1", topics: ["alerts"] }),
      ]);
      expect((await after.sendToUser("user-1", { title: "back" })).delivered).toBe(1);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("unregisters devices and says whether one was there", async () => {
    const push = new PushNotificationManager();
    await push.registerDevice("phone", "token");
    expect(await push.unregisterDevice("phone")).toBe(true);
    expect(await push.unregisterDevice("phone")).toBe(false);
    const error = await expectPelbiotErrorAsync(push.sendNotification("phone", { title: "x" }), "NOT_FOUND");
    expect(error.details).toEqual({ id: "phone" });
    await expectPelbiotErrorAsync(push.subscribeToTopic("phone", "news"), "NOT_FOUND");
  });

  it("lists devices by topic, user and provider", async () => {
    const push = new PushNotificationManager({
      transports: { fcm: createLogPushTransport(), apns: createLogPushTransport() },
    });
    await push.registerDevice("a", "t-a", { userId: "u1" });
    await push.registerDevice("b", "t-b", { userId: "u1", provider: "apns" });
    await push.registerDevice("c", "t-c", { userId: "u2" });
    await push.subscribeToTopic("a", "news");
    await push.subscribeToTopic("c", "news");
    await push.subscribeToTopic("c", "news");
    await push.unsubscribeFromTopic("a", "news");

    const ids = async (filter: object) => (await push.listDevices(filter)).map((device) => device.deviceId);
    expect(await ids({ topic: "news" })).toEqual(["c"]);
    expect(await ids({ userId: "u1" })).toEqual(["a", "b"]);
    expect(await ids({ provider: "apns" })).toEqual(["b"]);
    expect((await push.getDevice("b"))?.platform).toBe("ios");
  });
});

describe("PushNotificationManager: sending to many", () => {
  it("sends to a topic, a user and a list, reporting unregistered ids", async () => {
    const log = createLogPushTransport();
    const push = new PushNotificationManager({ transports: { log } });
    for (const id of ["a", "b", "c"])
      await push.registerDevice(id, `token-${id}`, { userId: id === "c" ? "u2" : "u1" });
    await push.subscribeToTopic("b", "alerts");

    const topic = await push.sendToTopic("alerts", { title: "T" });
    const user = await push.sendToUser("u1", { title: "U" });
    const list = await push.sendToDevices(["c", "ghost", "a", "c"], { title: "L" });
    const nobody = await push.sendToTopic("empty", { title: "E" });

    expect(topic.results.map((result) => result.deviceId)).toEqual(["b"]);
    expect(user.results.map((result) => result.deviceId)).toEqual(["a", "b"]);
    expect(list.results.map((result) => result.deviceId)).toEqual(["c", "a"]);
    expect(list).toMatchObject({ delivered: 2, failed: 0, missing: ["ghost"] });
    expect(nobody).toMatchObject({ results: [], delivered: 0, failed: 0 });
    expect(new Set(user.results.map((result) => result.notificationId))).toEqual(new Set([user.notificationId]));
  });

  it("keeps at most maxBatchSize deliveries of one provider in a batch and maxConcurrency in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const transport: PushTransport = {
      name: "slow",
      maxBatchSize: 3,
      async send() {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return { status: "delivered" };
      },
    };
    const push = new PushNotificationManager({ transports: { slow: transport }, maxConcurrency: 8 });
    const ids = Array.from({ length: 10 }, (_, index) => `d${index}`);
    for (const id of ids) await push.registerDevice(id, "token");
    const report = await push.sendToDevices(ids, { title: "x" });
    expect(report.delivered).toBe(10);
    expect(peak).toBe(3);
  });
});

// A transport that answers each attempt from a script and records when it was called.
function scripted(clock: { now(): number }, answers: TransportOutcome[]): PushTransport & { calls: number[] } {
  const calls: number[] = [];
  return {
    name: "scripted",
    maxBatchSize: 10,
    calls,
    async send() {
      calls.push(clock.now());
      return answers[Math.min(calls.length - 1, answers.length - 1)] as TransportOutcome;
    },
  };
}

async function settle<T>(clock: ReturnType<typeof createManualClock>, pending: Promise<T>): Promise<T> {
  let done = false;
  void pending.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) await clock.runAllAsync();
  return pending;
}

describe("PushNotificationManager: outcomes, retries and pruning", () => {
  it("retries a rate limit after exactly the Retry-After the provider asked for", async () => {
    const clock = createManualClock(0);
    const transport = scripted(clock, [
      { status: "rate_limited", providerCode: "QUOTA_EXCEEDED", retryAfterMs: 7_000 },
      { status: "transient", providerCode: "UNAVAILABLE", retryAfterMs: 2_000 },
      { status: "delivered", providerMessageId: "m-1" },
    ]);
    const push = new PushNotificationManager({ transports: { scripted: transport }, clock });
    await push.registerDevice("phone", "token");
    const result = await settle(clock, push.sendNotification("phone", { title: "x" }));

    expect(result).toMatchObject({ status: "delivered", attempts: 3, providerMessageId: "m-1", at: 9_000 });
    expect(transport.calls).toEqual([0, 7_000, 9_000]);
  });

  it("gives up after maxAttempts with the last outcome, and when Retry-After passes maxElapsedMs", async () => {
    const clock = createManualClock(0);
    const flaky = scripted(clock, [{ status: "transient", providerCode: "INTERNAL", httpStatus: 500 }]);
    const slow = scripted(clock, [{ status: "rate_limited", retryAfterMs: 3_600_000 }]);
    const push = new PushNotificationManager({
      transports: { flaky, slow },
      clock,
      retry: { maxAttempts: 3, maxElapsedMs: 600_000 },
    });
    await push.registerDevice("a", "token", { provider: "flaky" });
    await push.registerDevice("b", "token", { provider: "slow" });
    const failed: DeliveryResult[] = [];
    push.on("notification_failed", (result) => failed.push(result));

    const first = await settle(clock, push.sendNotification("a", { title: "x" }));
    const second = await settle(clock, push.sendNotification("b", { title: "x" }));
    expect(first).toMatchObject({ status: "transient", providerCode: "INTERNAL", httpStatus: 500, attempts: 3 });
    expect(second).toMatchObject({ status: "rate_limited", retryAfterMs: 3_600_000, attempts: 1 });
    expect(failed).toEqual([first, second]);
  });

  it("does not retry final failures, and counts a throwing or misbehaving transport as transient", async () => {
    const clock = createManualClock(0);
    const auth = scripted(clock, [{ status: "auth_error", providerCode: "THIRD_PARTY_AUTH_ERROR" }]);
    const broken: PushTransport = {
      name: "broken",
      maxBatchSize: 1,
      send: async () => {
        throw new Error("socket hang up");
      },
    };
    const odd = { name: "odd", maxBatchSize: 1, send: async () => ({ status: "fine" }) } as unknown as PushTransport;
    const push = new PushNotificationManager({ transports: { auth, broken, odd }, clock, retry: { maxAttempts: 2 } });
    await push.registerDevice("a", "t", { provider: "auth" });
    await push.registerDevice("b", "t", { provider: "broken" });
    await push.registerDevice("c", "t", { provider: "odd" });

    expect(await settle(clock, push.sendNotification("a", { title: "x" }))).toMatchObject({ attempts: 1 });
    expect(await settle(clock, push.sendNotification("b", { title: "x" }))).toMatchObject({
      status: "transient",
      reason: "socket hang up",
      attempts: 2,
    });
    expect((await settle(clock, push.sendNotification("c", { title: "x" }))).status).toBe("transient");
  });

  it("prunes a dead token, emits device_pruned, and logs the result", async () => {
    const log = createLogPushTransport({
      respond: (message) =>
        message.device.token === "dead"
          ? { status: "invalid_token", providerCode: "UNREGISTERED" }
          : { status: "delivered" },
    });
    const push = new PushNotificationManager({ transports: { log } });
    await push.registerDevice("old-phone", "dead");
    await push.registerDevice("new-phone", "alive");
    await push.subscribeToTopic("old-phone", "news");
    await push.subscribeToTopic("new-phone", "news");
    const pruned: DevicePrunedEvent[] = [];
    push.on("device_pruned", (event) => pruned.push(event));

    const report = await push.sendToTopic("news", { title: "x" });
    expect(report).toMatchObject({ delivered: 1, failed: 1 });
    expect(report.results[0]).toMatchObject({ deviceId: "new-phone", status: "delivered", pruned: false });
    expect(report.results[1]).toMatchObject({ deviceId: "old-phone", status: "invalid_token", pruned: true });
    expect(pruned).toEqual([
      { deviceId: "old-phone", provider: "log", providerCode: "UNREGISTERED", notificationId: report.notificationId },
    ]);
    expect(await push.getDevice("old-phone")).toBeUndefined();
    expect(push.getDeliveryLog({ status: "invalid_token" })).toEqual([report.results[1]]);
  });

  it("keeps a device that re-registered with a fresh token while the send with the dead one was in flight", async () => {
    let push: PushNotificationManager | undefined;
    const transport: PushTransport = {
      name: "racy",
      maxBatchSize: 1,
      async send(message) {
        if (message.device.token === "stale") void push?.registerDevice("phone", "fresh");
        return { status: "invalid_token", providerCode: "UNREGISTERED" };
      },
    };
    push = new PushNotificationManager({ transports: { racy: transport } });
    await push.registerDevice("phone", "stale");
    const result = await push.sendNotification("phone", { title: "x" });
    expect(result.pruned).toBe(false);
    expect((await push.getDevice("phone"))?.token).toBe("fresh");
  });

  it("keeps dead tokens when pruning is off, and bounds the delivery log", async () => {
    const log = createLogPushTransport({ respond: () => ({ status: "invalid_token" }) });
    const push = new PushNotificationManager({ transports: { log }, pruneInvalidTokens: false, maxDeliveryLogs: 2 });
    await push.registerDevice("phone", "token");
    for (let round = 0; round < 5; round += 1) await push.sendNotification("phone", { title: `n${round}` });
    expect(await push.getDevice("phone")).toBeDefined();
    expect(push.getDeliveryLog()).toHaveLength(2);
    expect(push.getDeliveryLog({ limit: 1 })).toHaveLength(1);
    expect(push.getDeliveryLog({ deviceId: "other" })).toEqual([]);
  });
});

describe("PushNotificationManager: bad input", () => {
  it("rejects a misspelt option, an unknown default provider and a malformed transport", () => {
    expect(expectPelbiotError(() => new PushNotificationManager({ retyr: {} } as never)).message).toMatch(
      /retyr.*retry/s,
    );
    expectPelbiotError(() => new PushNotificationManager({ defaultProvider: "fcm" }), "VALIDATION_ERROR");
    expectPelbiotError(
      () => new PushNotificationManager({ transports: { fcm: { name: "x" } as never } }),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(() => new PushNotificationManager({ retry: { maxAttempts: 0 } }), "VALIDATION_ERROR");
  });

  it("names every malformed field of a call, and stores nothing", async () => {
    const push = new PushNotificationManager();
    const issues = await captureValidationIssuesAsync(() =>
      push.registerDevice("", " padded ", { platform: "symbian", locale: "not a locale", colour: 1 } as never),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^deviceId: /),
      expect.stringMatching(/^token: must not start or end with white space/),
      expect.stringMatching(/^details\.colour: .*accepted: platform/),
      expect.stringMatching(/^details\.platform: /),
      expect.stringMatching(/^details\.locale: must be a BCP 47/),
    ]);
    expect(await push.listDevices()).toEqual([]);
  });

  it("refuses a provider without a transport and malformed notifications", async () => {
    const push = new PushNotificationManager();
    await expectPelbiotErrorAsync(push.registerDevice("a", "t", { provider: "fcm" }), "VALIDATION_ERROR");
    await push.registerDevice("a", "t");
    const issues = await captureValidationIssuesAsync(() =>
      push.sendNotification("a", {
        message: "m",
        body: "b",
        data: { from: "x", count: 3 as never },
        ttlMs: -1,
        priority: "urgent" as never,
        badge: 1.5,
      }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^notification\.body: must not be given together with message/),
      expect.stringMatching(/^notification\.data\.from: is a reserved key/),
      expect.stringMatching(/^notification\.data\.count: must be a string/),
      expect.stringMatching(/^notification\.ttlMs: /),
      expect.stringMatching(/^notification\.priority: /),
      expect.stringMatching(/^notification\.badge: /),
    ]);
    await expectPelbiotErrorAsync(push.sendNotification("a", {}), "VALIDATION_ERROR");
    await expectPelbiotErrorAsync(push.sendToTopic("/topics/news", { title: "x" }), "VALIDATION_ERROR");
    expect(push.getDeliveryLog()).toEqual([]);
  });

  it("wraps a failing storage adapter in STORAGE_ERROR", async () => {
    const storage = createMemoryStorage();
    const push = new PushNotificationManager({ storage });
    storage.getItem = async () => {
      throw new Error("disk on fire");
    };
    const error = await expectPelbiotErrorAsync(push.getDevice("a"), "STORAGE_ERROR");
    expect(PelbiotError.is(error)).toBe(true);
    expect(error.message).toContain("disk on fire");
  });
});
