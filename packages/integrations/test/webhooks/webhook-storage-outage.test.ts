import { createManualClock, createMemoryStorage, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { startTestServer, status, until } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const LEASE_MS = 1_000;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Memory storage whose next compare-and-set on a delivery record fails with STORAGE_ERROR, as during a restart. */
function flakyStorage(): { storage: StorageAdapter; failNextDeliveryWrite(): void; failures(): number } {
  const inner = createMemoryStorage();
  let armed = false;
  let failures = 0;
  const storage: StorageAdapter = {
    ...inner,
    compareAndSet(key, expectedVersion, value) {
      if (armed && key.includes(":deliveries:")) {
        armed = false;
        failures += 1;
        throw new PelbiotError("STORAGE_ERROR", "connection terminated by administrator command");
      }
      return inner.compareAndSet(key, expectedVersion, value);
    },
  };
  return { storage, failNextDeliveryWrite: () => (armed = true), failures: () => failures };
}

describe("WebhookManager when the storage fails for a moment", () => {
  // Regression: a STORAGE_ERROR inside a delivery loop moved the delivery to the dead-letter list as soon as the
  // storage answered again, so a database restart could bury messages that were never sent.
  it("keeps the delivery queued and sends it once the lease runs out, instead of burying it", async () => {
    const server = await startTestServer(status(200));
    cleanups.push(() => server.close());
    const clock = createManualClock(START);
    const flaky = flakyStorage();
    const manager = new WebhookManager({
      clock,
      storage: flaky.storage,
      keyProvider: createEphemeralKeyProvider(),
      allowedHosts: ["127.0.0.1"],
      leaseMs: LEASE_MS,
    });
    cleanups.push(() => manager.close());
    await manager.registerWebhook({ event: "a", url: server.url });

    // The lease renewal right before sending is the write that fails.
    flaky.failNextDeliveryWrite();
    const { deliveries } = await manager.triggerWebhook("a", { n: 1 });
    expect(flaky.failures()).toBe(1);
    expect(server.received).toHaveLength(0);
    expect(deliveries[0]?.status).toBe("pending");
    expect(await manager.listDeadLetters()).toEqual([]);

    // The reclaim scan takes it back when its lease runs out, and sends it once.
    await until(() => clock.pendingTimers > 0, 5_000, "the reclaim timer");
    await clock.advanceAsync(LEASE_MS);
    await until(async () => (await manager.listDeliveries()).length === 0, 5_000, "the delivery to be sent");
    expect(server.received).toHaveLength(1);
    expect(await manager.listDeadLetters()).toEqual([]);
  });
});
