import { mkdtemp, rm } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, PelbiotError } from "@pelbiot/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CompiledScript } from "../../../core/test/support/compiled-script";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { compileWorker, startWorker } from "./child-process";
import { type Responder, startTestServer, until } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(responder: Responder) {
  const server = await startTestServer(responder);
  const clock = createManualClock(START);
  const manager = new WebhookManager({ clock, allowedHosts: ["127.0.0.1"] });
  cleanups.push(
    () => server.close(),
    () => manager.close(),
  );
  return { server, clock, manager };
}

// The worker script, compiled once for this file (see compileWorker).
let script: CompiledScript | undefined;
beforeAll(async () => {
  script = await compileWorker();
}, 60_000);
afterAll(async () => {
  await script?.dispose();
});

describe("WebhookManager.flush", () => {
  it("lets a script that triggers, awaits flush() and ends deliver everything before its process exits", async () => {
    const directory = await mkdtemp(join(tmpdir(), "webhooks-flush-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const server = await startTestServer((_request, response) => {
      response.writeHead(204).end();
    });
    cleanups.push(() => server.close());
    const worker = startWorker(script, "flush", directory, server.url, "5");
    cleanups.push(async () => worker.child.kill("SIGKILL"));
    // The process exits by itself: no timer of the manager (lease reclaim, keep-alive sockets) holds it open.
    expect(await worker.exited, worker.stderr()).toBe(0);
    expect(JSON.parse(worker.stdout())).toEqual({ scheduled: 0, damaged: 0 });
    const indexes = server.received.map((request) => (JSON.parse(request.body) as { data: { index: number } }).data);
    expect(indexes.map((data) => data.index).sort()).toEqual([0, 1, 2, 3, 4]);
  }, 30_000);

  it("waits for deliveries in flight, not for a retry scheduled later", async () => {
    const held: ServerResponse[] = [];
    const { server, manager } = await setup((request, response) => {
      if (request.url?.endsWith("?down") === true) response.writeHead(503).end();
      else held.push(response);
    });
    await manager.registerWebhook({ event: "a", url: `${server.url}?down` });
    await manager.registerWebhook({ event: "a", url: server.url });
    void manager.triggerWebhook("a", { first: true });
    void manager.triggerWebhook("a", { second: true });
    let flushed = false;
    const flushing = manager.flush().then((result) => {
      flushed = true;
      return result;
    });
    await until(() => held.length === 2, 5_000, "two held requests");
    held.shift()?.writeHead(200).end();
    // The first answer is not enough: the second request is still in flight.
    await until(() => server.received.length === 4, 5_000, "every first attempt");
    expect(flushed).toBe(false);
    held.shift()?.writeHead(200).end();
    // The failing endpoint's two deliveries now wait 5 s for their retry; flush() does not wait for them.
    expect(await flushing).toEqual({ scheduled: 2, damaged: 0 });
    expect((await manager.listDeliveries({ status: "pending" })).map((delivery) => delivery.attempts)).toEqual([1, 1]);
  });

  it("rejects with TIMEOUT when a request is still in flight after timeoutMs, and validates its options", async () => {
    const held: ServerResponse[] = [];
    const { server, clock, manager } = await setup((_request, response) => {
      held.push(response);
    });
    await manager.registerWebhook({ event: "a", url: server.url });
    const triggered = manager.triggerWebhook("a", {});
    await until(() => held.length === 1, 5_000, "the held request");
    const flushing = manager.flush({ timeoutMs: 1_000 });
    const outcome = flushing.then(
      () => undefined,
      (error: unknown) => error,
    );
    await clock.advanceAsync(1_000);
    const error = await outcome;
    expect(PelbiotError.is(error, "TIMEOUT"), String(error)).toBe(true);
    // The request is in flight, and its trigger has not returned yet.
    expect((error as PelbiotError).details).toEqual({ deliveries: 1, operations: 1, timeoutMs: 1_000 });
    held.shift()?.writeHead(200).end();
    await triggered;
    expect(await manager.flush({ timeoutMs: 0 })).toEqual({ scheduled: 0, damaged: 0 });
    await expect(manager.flush({ timeoutMs: -1 })).rejects.toMatchObject({ code: "VALIDATION_ERROR" });
    await manager.close();
    await expect(manager.flush()).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
