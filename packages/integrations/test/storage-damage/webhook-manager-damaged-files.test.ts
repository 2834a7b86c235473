import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createLogger,
  createManualClock,
  createMemoryStorage,
  type LogRecord,
  listQuarantinedRecords,
  type ManualClock,
  type StorageAdapter,
} from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import {
  WebhookManager,
  type WebhookManagerOptions,
  type WebhookRecordDamaged,
} from "../../src/webhooks/webhook-manager";
import { startTestServer, status, until } from "../webhooks/test-server";

const START = Date.UTC(2026, 0, 1);
const keyProvider = createEphemeralKeyProvider();
const allowedHosts = ["127.0.0.1"];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "webhooks-damaged-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/**
 * A manager over a fresh file storage handle on `directory` (or the storage given), closed and disposed after the
 * test, with every `record_damaged` event and logger record collected.
 */
function managerOn(directory: string, options: WebhookManagerOptions = {}) {
  const storage = createFileStorage({ directory, fsync: false });
  const clock = createManualClock(START);
  const damaged: WebhookRecordDamaged[] = [];
  const logged: LogRecord[] = [];
  const manager = new WebhookManager({
    clock,
    keyProvider,
    storage: options.storage ?? storage,
    allowedHosts: ["127.0.0.1"],
    logger: createLogger({ sink: (record) => logged.push(record), level: "warn" }),
    ...options,
  });
  manager.on("record_damaged", (damage) => damaged.push(damage));
  cleanups.push(
    async () => storage.dispose?.(),
    () => manager.close(),
  );
  return { storage, clock, manager, damaged, logged };
}

/** The record files of one key space, e.g. `webhooks:endpoints:` (whose `:` the file store writes as `%3a`). */
async function recordFiles(directory: string, keyPrefix: string): Promise<string[]> {
  const namePrefix = `k-${keyPrefix.replaceAll(":", "%3a")}`;
  return (await readdir(directory)).filter((name) => name.startsWith(namePrefix)).map((name) => join(directory, name));
}

async function truncate(file: string): Promise<void> {
  const text = await readFile(file, "utf8");
  await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
}

async function closeAndDispose(setup: ReturnType<typeof managerOn>): Promise<void> {
  await setup.manager.close();
  await setup.storage.dispose?.();
}

describe("WebhookManager over damaged record files", () => {
  it("delivers to the intact endpoints when one endpoint file is truncated, and reports the damaged one", async () => {
    const server = await startTestServer(status(200));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const { storage, manager, damaged, logged } = managerOn(directory);
    const lost = await manager.registerWebhook({ event: "a", url: `${server.url}?first` });
    const intact = await manager.registerWebhook({ event: "a", url: `${server.url}?second` });
    const damagedFile = (await recordFiles(directory, "webhooks:endpoints:")).find((file) => file.includes(lost.id));
    if (damagedFile === undefined) throw new Error("no endpoint file");
    await truncate(damagedFile);

    const { deliveries, damaged: skipped } = await manager.triggerWebhook("a", { ok: true });
    expect(deliveries.map((delivery) => delivery.endpointId)).toEqual([intact.id]);
    expect(skipped).toBe(1);
    expect(server.received.map((request) => request.path)).toEqual(["/hook?second"]);
    expect((await manager.listWebhooks()).map((endpoint) => endpoint.id)).toEqual([intact.id]);
    const quarantined = await listQuarantinedRecords(storage, { prefix: "webhooks:endpoints:" });
    expect(quarantined).toHaveLength(1);
    // Reported once, when the trigger's listing moved it; the later listing no longer sees it.
    expect(damaged).toEqual([
      {
        store: "endpoints",
        key: lost.id,
        storageKey: `webhooks:endpoints:${lost.id}`,
        quarantineKey: quarantined[0]?.quarantineKey,
      },
    ]);
    expect(logged.map((record) => [record.level, record.fields?.store])).toEqual([["warn", "endpoints"]]);
    expect(await manager.flush()).toEqual({ scheduled: 0, damaged: 1 });
  });

  it("resumes and closes around a damaged delivery file, and reports it", async () => {
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const first = managerOn(directory);
    await first.manager.registerWebhook({ event: "a", url: server.url });
    await first.manager.triggerWebhook("a", { index: 0 });
    await first.manager.triggerWebhook("a", { index: 1 });
    await closeAndDispose(first);
    const [damagedFile] = await recordFiles(directory, "webhooks:deliveries:");
    if (damagedFile === undefined) throw new Error("no delivery file");
    await writeFile(damagedFile, Buffer.from([0xde, 0xad, 0xbe, 0xef]));

    const second = managerOn(directory);
    expect(await second.manager.resume()).toBe(1);
    expect(second.damaged).toEqual([
      expect.objectContaining({ store: "deliveries", quarantineKey: expect.any(String) }),
    ]);
    expect(await second.manager.listDeliveries({ status: "pending" })).toHaveLength(1);
    expect(await second.manager.flush({ timeoutMs: 0 })).toEqual({ scheduled: 1, damaged: 1 });
    await second.manager.close();
    expect(await recordFiles(directory, "webhooks:deliveries:")).toHaveLength(1);
  });

  it("loads the intact attempt logs on resume and reports a truncated one", async () => {
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const first = managerOn(directory);
    await first.manager.registerWebhook({ event: "a", url: server.url });
    await first.manager.triggerWebhook("a", { index: 0 });
    await first.manager.triggerWebhook("a", { index: 1 });
    await closeAndDispose(first);
    const logFiles = await recordFiles(directory, "webhooks:logs:");
    expect(logFiles).toHaveLength(2);
    await truncate(logFiles[0] as string);

    const second = managerOn(directory);
    await second.manager.resume();
    expect(second.manager.getDeliveryLogs()).toHaveLength(1);
    expect(second.damaged).toEqual([expect.objectContaining({ store: "logs", quarantineKey: expect.any(String) })]);
    expect(await listQuarantinedRecords(second.storage, { prefix: "webhooks:logs:" })).toHaveLength(1);
  });

  it("skips and reports a delivery damaged between the listing and the claim, and claims the rest", async () => {
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const first = managerOn(directory);
    await first.manager.registerWebhook({ event: "a", url: server.url });
    const { deliveries } = await first.manager.triggerWebhook("a", { index: 0 });
    await first.manager.triggerWebhook("a", { index: 1 });
    await closeAndDispose(first);
    const target = deliveries[0]?.id ?? "";

    // Another process garbles the file right after resume() listed it: the second read of its key sees the damage.
    const files = createFileStorage({ directory, fsync: false });
    cleanups.push(async () => files.dispose?.());
    let reads = 0;
    // A listing through listRange reads no single entry, so the claim is the first read of the key; a listing key by
    // key reads it once first.
    const claimRead = files.listRange === undefined ? 2 : 1;
    const racing: StorageAdapter = {
      ...files,
      name: files.name,
      async getEntry(key) {
        if (key.endsWith(target)) reads += 1;
        if (key.endsWith(target) && reads === claimRead) {
          const [file] = (await recordFiles(directory, "webhooks:deliveries:")).filter((name) => name.includes(target));
          await writeFile(file as string, "{ garbled");
        }
        return files.getEntry(key);
      },
    };
    const second = managerOn(directory, { storage: racing });
    expect(await second.manager.resume()).toBe(1);
    expect(second.damaged).toEqual([
      expect.objectContaining({ store: "deliveries", key: target, quarantineKey: expect.any(String) }),
    ]);
    expect((await second.manager.listDeliveries()).map((delivery) => delivery.id)).not.toContain(target);
  });

  it("reports a delivery whose file is damaged while it waits for its retry, and keeps running", async () => {
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const setup = managerOn(directory);
    const { manager, clock } = setup;
    await manager.registerWebhook({ event: "a", url: server.url });
    const { deliveries } = await manager.triggerWebhook("a", { index: 0 });
    const target = deliveries[0]?.id ?? "";
    expect(deliveries[0]).toMatchObject({ status: "pending", attempts: 1 });
    const [file] = (await recordFiles(directory, "webhooks:deliveries:")).filter((name) => name.includes(target));
    await truncate(file as string);

    await advanceToRetry(clock);
    await until(() => setup.damaged.length > 0, 5_000, "the damage report");
    expect(setup.damaged).toEqual([expect.objectContaining({ store: "deliveries", key: target })]);
    expect(server.received).toHaveLength(1);
    expect(await manager.listDeliveries()).toEqual([]);
    const { deliveries: next } = await manager.triggerWebhook("a", { index: 1 });
    expect(next[0]).toMatchObject({ status: "pending", attempts: 1 });
  });
});

describe("WebhookManager over any set of damaged endpoint records", () => {
  it("delivers to exactly the intact endpoints and reports exactly the damaged ones (property)", async () => {
    const server = await startTestServer(status(204));
    cleanups.push(() => server.close());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), async (damage) => {
        const storage = createMemoryStorage();
        const manager = new WebhookManager({ clock: createManualClock(START), keyProvider, storage, allowedHosts });
        const reported: string[] = [];
        manager.on("record_damaged", (record) => reported.push(record.key));
        try {
          const ids: string[] = [];
          for (const _ of damage) ids.push((await manager.registerWebhook({ event: "a", url: server.url })).id);
          const damagedIds = ids.filter((_, index) => damage[index]);
          for (const id of damagedIds) await storage.setItem(`webhooks:endpoints:${id}`, '{"id":"');
          const result = await manager.triggerWebhook("a", {});
          expect(result.deliveries.map((delivery) => delivery.endpointId).sort()).toEqual(
            ids.filter((_, index) => !damage[index]).sort(),
          );
          expect(result.damaged).toBe(damagedIds.length);
          expect(reported.sort()).toEqual([...damagedIds].sort());
          expect(await listQuarantinedRecords(storage)).toHaveLength(damagedIds.length);
        } finally {
          await manager.close();
        }
      }),
      { seed: 20260103, numRuns: 25 },
    );
  });
});

/** Waits for the delivery loop to schedule its 5 s retry on the manual clock, then lets it run. */
async function advanceToRetry(clock: ManualClock): Promise<void> {
  // The lease reclaimer holds one timer; the retry wait is the second.
  await until(() => clock.pendingTimers >= 2, 5_000, "a scheduled retry");
  await clock.advanceAsync(5_000);
}
