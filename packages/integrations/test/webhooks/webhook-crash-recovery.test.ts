import { mkdtemp, rm } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, type ManualClock } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CompiledScript } from "../../../core/test/support/compiled-script";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { compileWorker, startWorker } from "./child-process";
import { CRASH_TEST_OPTIONS, sharedKeyProvider } from "./fixtures/webhook-worker-options";
import { startTestServer, until } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const COUNT = 6;
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The `data.index` of each request body, in arrival order. */
function indexes(bodies: readonly string[]): number[] {
  return bodies.map((body) => (JSON.parse(body) as { data: { index: number } }).data.index);
}

/** Moves the survivor's clock forward one reclaim interval, once its reclaim timer is armed again. */
async function nextInterval(clock: ManualClock): Promise<void> {
  await until(() => clock.pendingTimers === 1, 5_000, "the reclaim timer");
  await clock.advanceAsync(CRASH_TEST_OPTIONS.leaseMs);
}

// The worker script, compiled once for this file (see compileWorker).
let script: CompiledScript | undefined;
beforeAll(async () => {
  script = await compileWorker();
}, 60_000);
afterAll(async () => {
  await script?.dispose();
});

describe("WebhookManager crash recovery", () => {
  it("delivers a SIGKILLed process's queue from a running manager, without resume(), once each lease runs out", async () => {
    const directory = await mkdtemp(join(tmpdir(), "webhooks-crash-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const held: ServerResponse[] = [];
    let answering = false;
    const server = await startTestServer((_request, response) => {
      if (answering) response.writeHead(200).end();
      else held.push(response);
    });
    cleanups.push(() => server.close());

    // The survivor runs from the start on the same files; nobody ever calls its resume().
    const clock = createManualClock(START);
    const storage = createFileStorage({ directory, fsync: false });
    const survivor = new WebhookManager({ ...CRASH_TEST_OPTIONS, clock, storage, keyProvider: sharedKeyProvider() });
    cleanups.push(
      async () => storage.dispose?.(),
      () => survivor.close(),
    );
    await survivor.registerWebhook({ event: "order.created", url: server.url });

    const worker = startWorker(script, "queue", directory, String(START), String(COUNT));
    cleanups.push(async () => worker.child.kill("SIGKILL"));
    const pending = async () => (await survivor.listDeliveries({ status: "pending" })).length;
    // Let the worker deliver two, one request at a time, and wait until it has recorded each success.
    for (let delivered = 0; delivered < 2; delivered += 1) {
      await until(async () => held.length === 1 && (await pending()) === COUNT - delivered, 20_000, worker.stderr());
      held.shift()?.writeHead(200).end();
    }
    await until(async () => held.length === 1 && (await pending()) === COUNT - 2, 5_000, worker.stderr());
    // The third is in flight at the endpoint when the process dies; the other three wait for its single slot.
    worker.child.kill("SIGKILL");
    expect(await worker.exited).toBe("SIGKILL");
    const [inFlight] = indexes(server.received.slice(2).map((request) => request.body));
    held.shift()?.destroy();
    answering = true;

    // Live leases are respected: nothing is taken over before they run out.
    await clock.advanceAsync(CRASH_TEST_OPTIONS.leaseMs - 1);
    expect(server.received).toHaveLength(3);
    // leaseMs after they were due, the three waiting deliveries are taken over and delivered.
    await clock.advanceAsync(1);
    await until(async () => (await pending()) === 1, 5_000, "the waiting deliveries");
    expect(server.received).toHaveLength(COUNT);
    // The one in flight holds its lease until its request deadline plus leaseMs, then it is sent again.
    await nextInterval(clock);
    expect(server.received).toHaveLength(COUNT);
    await nextInterval(clock);
    await until(async () => (await pending()) === 0, 5_000, "the in-flight delivery");

    const hits = Array.from({ length: COUNT }, (_, index) => (index === inFlight ? 2 : 1));
    const received = indexes(server.received.map((request) => request.body));
    expect(Array.from({ length: COUNT }, (_, index) => received.filter((item) => item === index).length)).toEqual(hits);
    // Retries keep the webhook-id, so a receiver that dedupes by it processes every message exactly once.
    const idsByIndex = new Map<number, Set<string>>();
    for (const request of server.received) {
      const index = indexes([request.body])[0] as number;
      idsByIndex.set(index, (idsByIndex.get(index) ?? new Set()).add(String(request.headers["webhook-id"])));
    }
    expect([...idsByIndex.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(new Set([...idsByIndex.values()].flatMap((ids) => [...ids])).size).toBe(COUNT);
  }, 30_000);
});
