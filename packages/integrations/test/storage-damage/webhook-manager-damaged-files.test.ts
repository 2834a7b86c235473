import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, listQuarantinedRecords } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { startTestServer, status } from "../webhooks/test-server";

const START = Date.UTC(2026, 0, 1);
const keyProvider = createEphemeralKeyProvider();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "webhooks-damaged-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

/** A manager over a fresh file storage handle on `directory`, closed and disposed after the test. */
function managerOn(directory: string) {
  const storage = createFileStorage({ directory, fsync: false });
  const manager = new WebhookManager({
    clock: createManualClock(START),
    keyProvider,
    storage,
    allowedHosts: ["127.0.0.1"],
  });
  cleanups.push(
    async () => storage.dispose?.(),
    () => manager.close(),
  );
  return { storage, manager };
}

/** The record files of one key space, e.g. `webhooks:endpoints:` (whose `:` the file store writes as `%3a`). */
async function recordFiles(directory: string, keyPrefix: string): Promise<string[]> {
  const namePrefix = `k-${keyPrefix.replaceAll(":", "%3a")}`;
  return (await readdir(directory)).filter((name) => name.startsWith(namePrefix)).map((name) => join(directory, name));
}

describe("WebhookManager over damaged record files", () => {
  it("delivers to the intact endpoints when one endpoint file is truncated", async () => {
    const server = await startTestServer(status(200));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const { storage, manager } = managerOn(directory);
    await manager.registerWebhook({ event: "a", url: `${server.url}?first` });
    const intact = await manager.registerWebhook({ event: "a", url: `${server.url}?second` });
    const damagedFile = (await recordFiles(directory, "webhooks:endpoints:")).find((file) => !file.includes(intact.id));
    if (damagedFile === undefined) throw new Error("no endpoint file");
    const text = await readFile(damagedFile, "utf8");
    await writeFile(damagedFile, text.slice(0, Math.floor(text.length / 2)));

    const { deliveries } = await manager.triggerWebhook("a", { ok: true });
    expect(deliveries.map((delivery) => delivery.endpointId)).toEqual([intact.id]);
    expect(server.received.map((request) => request.path)).toEqual(["/hook?second"]);
    expect((await manager.listWebhooks()).map((endpoint) => endpoint.id)).toEqual([intact.id]);
    expect((await listQuarantinedRecords(storage, { prefix: "webhooks:endpoints:" })).length).toBe(1);
  });

  it("resumes and closes around a damaged delivery file", async () => {
    const server = await startTestServer(status(500));
    cleanups.push(() => server.close());
    const directory = await freshDirectory();
    const first = managerOn(directory);
    await first.manager.registerWebhook({ event: "a", url: server.url });
    await first.manager.triggerWebhook("a", { index: 0 });
    await first.manager.triggerWebhook("a", { index: 1 });
    await first.manager.close();
    await first.storage.dispose?.();
    const [damagedFile] = await recordFiles(directory, "webhooks:deliveries:");
    if (damagedFile === undefined) throw new Error("no delivery file");
    await writeFile(damagedFile, Buffer.from([0xde, 0xad, 0xbe, 0xef]));

    const second = managerOn(directory);
    expect(await second.manager.resume()).toBe(1);
    expect(await second.manager.listDeliveries({ status: "pending" })).toHaveLength(1);
    await second.manager.close();
    expect(await recordFiles(directory, "webhooks:deliveries:")).toHaveLength(1);
  });
});
