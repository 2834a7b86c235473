import type { ServerResponse } from "node:http";
import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { startTestServer, until } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const keyProvider = createEphemeralKeyProvider();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** How many requests the server received for each `data.index`, in index order. */
function hitsPerIndex(bodies: readonly string[], count: number): number[] {
  const hits = Array.from({ length: count }, () => 0);
  for (const body of bodies) {
    const index = (JSON.parse(body) as { data: { index: number } }).data.index;
    hits[index] = (hits[index] ?? 0) + 1;
  }
  return hits;
}

describe("delivery leases", () => {
  it("never sends twice a delivery that waited for a concurrency slot longer than its lease", async () => {
    const storage = createMemoryStorage();
    const clock = createManualClock(START);
    // Requests are held until `answering` is set, so the first manager's single slot stays busy.
    const held: ServerResponse[] = [];
    let answering = false;
    const server = await startTestServer((_request, response) => {
      if (answering) response.writeHead(200).end();
      else held.push(response);
    });
    cleanups.push(() => server.close());
    const options = { clock, keyProvider, storage, allowedHosts: ["127.0.0.1"], leaseMs: 500 };
    const first = new WebhookManager({ ...options, maxConcurrency: 1 });
    cleanups.push(() => first.close());
    await first.registerWebhook({ event: "a", url: server.url });
    const triggers = [0, 1, 2, 3].map((index) => first.triggerWebhook("a", { index }));
    await until(() => held.length === 1, 5_000, "the first request");
    // The first delivery succeeds; the slot passes to the second, the third and fourth keep waiting for it.
    held.shift()?.writeHead(200).end();
    await until(() => held.length === 1, 5_000, "the second request");

    // The waiting deliveries' leases run out while they queue for the slot; a second manager takes them over.
    clock.setTime(START + 500);
    const second = new WebhookManager(options);
    cleanups.push(() => second.close());
    await second.resume();
    answering = true;
    for (const response of held.splice(0)) response.writeHead(200).end();
    await Promise.all(triggers);
    await until(async () => (await second.listDeliveries()).length === 0, 5_000, "an empty queue");
    await first.close();
    await second.close();

    expect(
      hitsPerIndex(
        server.received.map((request) => request.body),
        4,
      ),
    ).toEqual([1, 1, 1, 1]);
  });
});
