// Fault proof: the PostgreSQL server under a running WebhookManager is stopped and started again mid-run. Calls made
// while it is down fail with STORAGE_ERROR; the caller's retry() and the manager's own lease reclaim recover, and
// every message reaches the receiver, none left pending or dead.
import { type PelbiotError, retry } from "@pelbiot/core";
import { createPostgresStorage } from "@pelbiot/core/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findPostgresPrograms,
  type RestartableTestServer,
  serverUnavailable,
  startPostgres,
} from "../../../core/test/support/test-servers";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { type CountingReceiver, startCountingReceiver } from "./counting-receiver";
import { MULTI_PROCESS_OPTIONS, sharedKeyProvider } from "./fixtures/webhook-worker-options";
import { until } from "./test-server";

const MESSAGES = 400;
const IN_FLIGHT = 8;

const programs = findPostgresPrograms();
const unavailable = serverUnavailable(programs, "PostgreSQL restart");

describe.skipIf(unavailable)("WebhookManager over PostgreSQL: the database restarts mid-run", () => {
  let postgres: RestartableTestServer;
  let receiver: CountingReceiver;

  beforeAll(async () => {
    if (!("found" in programs)) return;
    postgres = await startPostgres(programs.found);
    receiver = await startCountingReceiver();
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await postgres?.stop();
  }, 60_000);

  it("surfaces STORAGE_ERROR while it is down, then recovers with nothing lost", async () => {
    const storage = createPostgresStorage({
      connectionString: `postgres://postgres@127.0.0.1:${postgres.port}/postgres`,
      table: "webhook_restart",
    });
    // One process here, so no other process can take over a live lease: 5 s leases let the deliveries whose answer
    // could not be recorded during the outage come back quickly (the multi-process proof needs longer ones).
    const manager = new WebhookManager({
      ...MULTI_PROCESS_OPTIONS,
      leaseMs: 5_000,
      requestTimeoutMs: 4_000,
      storage,
      keyProvider: sharedKeyProvider(),
    });
    const { secret } = await manager.registerWebhook({ event: "order.created", url: receiver.url });
    receiver.useSecret(secret);

    const failures: string[] = [];
    // The caller's side: each trigger is retried with the same message id while the storage is unavailable.
    const trigger = (index: number) =>
      retry(() => manager.triggerWebhook("order.created", { index }, { messageId: `msg_${index}` }), {
        maxAttempts: 200,
        shouldRetry: (error) =>
          (error as PelbiotError).code === "STORAGE_ERROR" ? { retry: true, delayMs: 50 } : { retry: false },
        onRetry: (error) => failures.push((error as PelbiotError).code),
      });
    let next = 0;
    const producers = Array.from({ length: IN_FLIGHT }, async () => {
      while (next < MESSAGES) {
        const index = next;
        next += 1;
        await trigger(index);
      }
    });

    await until(() => receiver.acknowledged.size >= MESSAGES / 4, 120_000, "the first deliveries");
    await postgres.restart(500);
    const deliveredAtRestart = receiver.acknowledged.size;
    await Promise.all(producers);
    await until(() => receiver.acknowledged.size === MESSAGES, 180_000, "every message after the restart");
    // Deliveries answered while the database was down could not be recorded; their leases run out and they are sent
    // again and recorded, until nothing is left in the queue.
    await until(
      async () => (await storage.keys("webhooks:deliveries:")).length === 0,
      120_000,
      "the queue to drain after the restart",
    );
    await manager.flush({ timeoutMs: 30_000 });
    await manager.close();

    // The outage was real and was seen by the caller as STORAGE_ERROR, mid-run.
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures)).toEqual(new Set(["STORAGE_ERROR"]));
    expect(deliveredAtRestart).toBeLessThan(MESSAGES);
    // Nothing lost: every message arrived, and nothing is left pending or dead.
    const expected = Array.from({ length: MESSAGES }, (_, index) => `msg_${index}`).sort();
    expect([...receiver.acknowledged.keys()].sort()).toEqual(expected);
    expect(await storage.keys("webhooks:deliveries:")).toEqual([]);
    expect(receiver.rejected()).toBe(0);
    await storage.dispose?.();
  }, 400_000);
});
