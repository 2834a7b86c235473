import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createManualClock,
  createMemoryStorage,
  type DamagedRecord,
  listQuarantinedRecords,
  type StorageAdapter,
} from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { DeliveryLogStore } from "../../src/webhooks/delivery-log-store";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import type { DeliveryAttemptLog } from "../../src/webhooks/webhook-manager-types";
import { startTestServer, status } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function attempt(index: number, timestamp: number): DeliveryAttemptLog {
  return {
    deliveryId: `dlv_${index}`,
    messageId: `msg_${index}`,
    endpointId: index % 2 === 0 ? "ep_even" : "ep_odd",
    url: "https://example.com/hook",
    event: "a",
    attempt: 1,
    timestamp,
    success: index % 3 !== 0,
    statusCode: index % 3 === 0 ? 500 : 200,
    latencyMs: 3,
    error: index % 3 === 0 ? "The endpoint answered HTTP 500." : null,
    responseBody: null,
    nextAttemptAt: null,
  };
}

async function storedLogKeys(storage: StorageAdapter): Promise<string[]> {
  return storage.keys("webhooks:logs:");
}

describe("DeliveryLogStore", () => {
  it("persists each log and loads them back in order into a fresh store", async () => {
    const storage = createMemoryStorage();
    const first = new DeliveryLogStore({ storage, maxLogs: 100, retentionMs: 60_000 });
    for (let index = 0; index < 6; index += 1) await first.append(attempt(index, START + index), START + index);
    const second = new DeliveryLogStore({ storage, maxLogs: 100, retentionMs: 60_000 });
    expect(second.query({}, START)).toEqual([]);
    expect(await second.load(START + 10)).toEqual({ kept: 6, damaged: 0 });
    expect(second.query({}, START + 10)).toEqual(first.query({}, START + 10));
    expect(second.query({ endpointId: "ep_odd", success: true }, START + 10).map((log) => log.deliveryId)).toEqual([
      "dlv_1",
      "dlv_5",
    ]);
  });

  it("bounds memory and storage to maxLogs, dropping the oldest", async () => {
    const storage = createMemoryStorage();
    const store = new DeliveryLogStore({ storage, maxLogs: 3, retentionMs: 60_000 });
    for (let index = 0; index < 8; index += 1) await store.append(attempt(index, START + index), START + index);
    expect(store.query({}, START + 8).map((log) => log.deliveryId)).toEqual(["dlv_5", "dlv_6", "dlv_7"]);
    expect(await storedLogKeys(storage)).toHaveLength(3);
    const reloaded = new DeliveryLogStore({ storage, maxLogs: 2, retentionMs: 60_000 });
    await reloaded.load(START + 8);
    expect(reloaded.query({}, START + 8).map((log) => log.deliveryId)).toEqual(["dlv_6", "dlv_7"]);
    expect(await storedLogKeys(storage)).toHaveLength(2);
  });

  it("drops logs past retention from memory at once and from storage on the next write or load", async () => {
    const storage = createMemoryStorage();
    const store = new DeliveryLogStore({ storage, maxLogs: 100, retentionMs: 10_000 });
    await store.append(attempt(1, START), START);
    await store.append(attempt(2, START + 5_000), START + 5_000);
    expect(store.query({}, START + 12_000).map((log) => log.deliveryId)).toEqual(["dlv_2"]);
    await store.append(attempt(3, START + 12_000), START + 12_000);
    expect(await storedLogKeys(storage)).toHaveLength(2);

    const later = new DeliveryLogStore({ storage, maxLogs: 100, retentionMs: 10_000 });
    expect(await later.load(START + 20_000)).toEqual({ kept: 1, damaged: 0 });
    expect(later.query({}, START + 20_000).map((log) => log.deliveryId)).toEqual(["dlv_3"]);
    expect(await storedLogKeys(storage)).toHaveLength(1);
  });

  it("deletes unreadable stored entries on load instead of showing them", async () => {
    const storage = createMemoryStorage();
    const store = new DeliveryLogStore({ storage, maxLogs: 10, retentionMs: 60_000 });
    await store.append(attempt(1, START), START);
    await storage.setItem("webhooks:logs:000000000000001-broken", JSON.stringify({ deliveryId: 5 }));
    const reloaded = new DeliveryLogStore({ storage, maxLogs: 10, retentionMs: 60_000 });
    expect(await reloaded.load(START)).toEqual({ kept: 1, damaged: 0 });
    expect(await storedLogKeys(storage)).toHaveLength(1);
  });

  it("reports the stored logs it skips on load: unreadable ones quarantined, misshapen ones deleted", async () => {
    const storage = createMemoryStorage();
    const store = new DeliveryLogStore({ storage, maxLogs: 10, retentionMs: 60_000 });
    await store.append(attempt(1, START), START);
    const fresh = String(START).padStart(15, "0");
    await storage.setItem(`webhooks:logs:${fresh}-misshapen`, JSON.stringify({ deliveryId: 5 }));
    await storage.setItem(`webhooks:logs:${fresh}-garbled`, '{"deliveryId": "dlv_');
    const reported: DamagedRecord[] = [];
    const reloaded = new DeliveryLogStore({
      storage,
      maxLogs: 10,
      retentionMs: 60_000,
      onDamaged: (record) => reported.push(record),
    });
    expect(await reloaded.load(START)).toEqual({ kept: 1, damaged: 2 });
    expect(reported.map((record) => [record.key, record.quarantineKey === undefined])).toEqual([
      [`${fresh}-garbled`, false],
      [`${fresh}-misshapen`, true],
    ]);
    expect(reported.every((record) => record.error.code === "INTEGRITY_ERROR")).toBe(true);
    expect(await storedLogKeys(storage)).toHaveLength(1);
    expect(await listQuarantinedRecords(storage, { prefix: "webhooks:logs:" })).toHaveLength(1);
  });

  it("keeps logs in memory only when not persistent", async () => {
    const store = new DeliveryLogStore({ storage: undefined, maxLogs: 2, retentionMs: 60_000 });
    expect(store.persistent).toBe(false);
    for (let index = 0; index < 3; index += 1) await store.append(attempt(index, START), START);
    expect(await store.load(START)).toEqual({ kept: 2, damaged: 0 });
    expect(store.query({}, START).map((log) => log.deliveryId)).toEqual(["dlv_1", "dlv_2"]);
  });
});

describe("WebhookManager: delivery logs across a restart", () => {
  it("shows the attempts of the previous process after resume(), from real files", async () => {
    const directory = await mkdtemp(join(tmpdir(), "webhook-logs-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const server = await startTestServer(status(500, {}, "down for maintenance"));
    cleanups.push(() => server.close());
    const keyProvider = createEphemeralKeyProvider();
    const clock = createManualClock(START);
    const firstStorage = createFileStorage({ directory, fsync: false });
    const first = new WebhookManager({ clock, keyProvider, storage: firstStorage, allowedHosts: ["127.0.0.1"] });
    await first.registerWebhook({ event: "a", url: server.url });
    await first.triggerWebhook("a", { n: 1 });
    await first.triggerWebhook("a", { n: 2 });
    const before = first.getDeliveryLogs();
    expect(before).toHaveLength(2);
    await first.close();
    await firstStorage.dispose?.();

    const secondStorage = createFileStorage({ directory, fsync: false });
    cleanups.push(async () => secondStorage.dispose?.());
    const second = new WebhookManager({ clock, keyProvider, storage: secondStorage, allowedHosts: ["127.0.0.1"] });
    cleanups.push(() => second.close());
    expect(second.getDeliveryLogs()).toEqual([]);
    await second.resume();
    expect(second.getDeliveryLogs()).toEqual(before);
    expect(second.getDeliveryLogs({ success: false })[0]?.responseBody).toBe("down for maintenance");
  });

  it("writes no logs to storage when persistDeliveryLogs is false", async () => {
    const server = await startTestServer(status(200));
    cleanups.push(() => server.close());
    const storage = createMemoryStorage();
    const manager = new WebhookManager({
      clock: createManualClock(START),
      storage,
      keyProvider: createEphemeralKeyProvider(),
      persistDeliveryLogs: false,
      allowedHosts: ["127.0.0.1"],
    });
    cleanups.push(() => manager.close());
    await manager.registerWebhook({ event: "a", url: server.url });
    await manager.triggerWebhook("a", {});
    expect(manager.getDeliveryLogs()).toHaveLength(1);
    expect(await storedLogKeys(storage)).toEqual([]);
  });

  it("rejects a malformed retention or persistence option", () => {
    expect(() => new WebhookManager({ deliveryLogRetentionMs: -1 })).toThrow(/deliveryLogRetentionMs/);
    expect(() => new WebhookManager({ persistDeliveryLogs: "yes" as never })).toThrow(/persistDeliveryLogs/);
  });
});
