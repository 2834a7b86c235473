import { createManualClock, createMemoryStorage, listQuarantinedRecords, type StorageAdapter } from "@pelbiot/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { DeliveryQueue, type StoredDelivery } from "../../src/webhooks/delivery-queue";
import { DELIVERY_PAGE_SIZE } from "../../src/webhooks/paged-listing";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { startTestServer, until } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const PREFIX = "webhooks:deliveries:";
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A memory store that counts the calls the queue makes, with or without the `listRange` capability. */
function countingStorage(withRange: boolean) {
  const inner = createMemoryStorage();
  const calls = { listRange: 0, keys: 0, getEntry: 0 };
  const { listRange, ...rest } = inner;
  const storage: StorageAdapter = {
    ...rest,
    keys: (prefix) => {
      calls.keys += 1;
      return inner.keys(prefix);
    },
    getEntry: (key) => {
      calls.getEntry += 1;
      return inner.getEntry(key);
    },
    ...(withRange && listRange !== undefined
      ? {
          listRange: (prefix: string, options: { after?: string | undefined; limit: number }) => {
            calls.listRange += 1;
            return listRange(prefix, options);
          },
        }
      : {}),
  };
  return { storage, calls };
}

function delivery(id: string, overrides: Partial<StoredDelivery> = {}): StoredDelivery {
  return {
    id,
    messageId: `msg_${id}`,
    endpointId: "ep_1",
    event: "a",
    body: JSON.stringify({ id }),
    status: "pending",
    attempts: 0,
    nextAttemptAt: START,
    lastError: null,
    createdAt: START,
    leaseOwner: null,
    leaseUntil: 0,
    ...overrides,
  };
}

describe("DeliveryQueue.entries", () => {
  it("reads a storage with listRange a page at a time, without a key listing or single reads", async () => {
    const { storage, calls } = countingStorage(true);
    const queue = new DeliveryQueue({ storage, owner: "me", leaseMs: 1_000 });
    const ids = Array.from({ length: DELIVERY_PAGE_SIZE * 2 + 7 }, (_, index) => `d${String(index).padStart(4, "0")}`);
    for (const id of ids) await queue.add(delivery(id));
    storage.setItem("webhooks:deliveriez", "another prefix");
    Object.assign(calls, { listRange: 0, keys: 0, getEntry: 0 });
    const entries = await queue.entries();
    expect(entries.map(([id]) => id)).toEqual(ids);
    expect(entries[3]?.[1]).toEqual(delivery("d0003"));
    expect(calls).toEqual({ listRange: 3, keys: 0, getEntry: 0 });
  });

  it("falls back to keys() and one read per key when the storage lacks listRange", async () => {
    const { storage, calls } = countingStorage(false);
    const queue = new DeliveryQueue({ storage, owner: "me", leaseMs: 1_000 });
    for (const id of ["b", "a", "c"]) await queue.add(delivery(id));
    const entries = await queue.entries();
    expect(entries.map(([id]) => id)).toEqual(["a", "b", "c"]);
    expect(calls).toEqual({ listRange: 0, keys: 1, getEntry: 3 });
  });

  it("lists the same records on both paths, whatever the ids (property)", async () => {
    const id = fc.string({ minLength: 1, maxLength: 12, unit: "binary" });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(id, { maxLength: 30 }), async (ids) => {
        const withRange = new DeliveryQueue({ storage: countingStorage(true).storage, owner: "me", leaseMs: 1 });
        const withoutRange = new DeliveryQueue({ storage: countingStorage(false).storage, owner: "me", leaseMs: 1 });
        for (const [index, deliveryId] of ids.entries()) {
          await withRange.add(delivery(deliveryId, { attempts: index }));
          await withoutRange.add(delivery(deliveryId, { attempts: index }));
        }
        const sortById = (entries: Array<[string, StoredDelivery]>) =>
          [...entries].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
        expect(sortById(await withRange.entries())).toEqual(sortById(await withoutRange.entries()));
        expect((await withRange.entries()).length).toBe(ids.length);
      }),
      { numRuns: 25 },
    );
  }, 30_000);

  it("on a damaged record, lists key by key so the record is quarantined and reported", async () => {
    const { storage, calls } = countingStorage(true);
    const damaged: string[] = [];
    const queue = new DeliveryQueue({
      storage,
      owner: "me",
      leaseMs: 1_000,
      onDamaged: (record) => damaged.push(record.key),
    });
    await queue.add(delivery("a"));
    storage.setItem(`${PREFIX}b`, "{ not json");
    await queue.add(delivery("c"));
    expect((await queue.entries()).map(([id]) => id)).toEqual(["a", "c"]);
    expect(calls.listRange).toBe(1);
    expect(calls.keys).toBe(1);
    expect(damaged).toEqual(["b"]);
    expect((await listQuarantinedRecords(storage)).map((record) => record.storageKey)).toEqual([`${PREFIX}b`]);
    // Clean again: the next listing takes the paged path to the end.
    Object.assign(calls, { listRange: 0, keys: 0 });
    expect((await queue.entries()).map(([id]) => id)).toEqual(["a", "c"]);
    expect(calls).toMatchObject({ listRange: 1, keys: 0 });
  });

  it("releases this manager's leases on both paths", async () => {
    for (const withRange of [true, false]) {
      const { storage } = countingStorage(withRange);
      const queue = new DeliveryQueue({ storage, owner: "me", leaseMs: 1_000 });
      await queue.add(delivery("mine", { leaseOwner: "me", leaseUntil: START + 1_000 }));
      await queue.add(delivery("theirs", { leaseOwner: "other", leaseUntil: START + 1_000 }));
      await queue.releaseLeases();
      expect((await queue.get("mine"))?.leaseOwner).toBeNull();
      expect((await queue.get("theirs"))?.leaseOwner).toBe("other");
    }
  });
});

describe("WebhookManager.resume over both listing paths", () => {
  for (const withRange of [true, false]) {
    it(`takes over a stopped manager's queue ${withRange ? "with" : "without"} listRange`, async () => {
      const { storage, calls } = countingStorage(withRange);
      const keyProvider = createEphemeralKeyProvider();
      let up = false;
      const server = await startTestServer((_request, response) => {
        response.writeHead(up ? 200 : 503).end();
      });
      cleanups.push(() => server.close());
      const clock = createManualClock(START);
      const options = { clock, keyProvider, storage, allowedHosts: ["127.0.0.1"] };
      const first = new WebhookManager(options);
      await first.registerWebhook({ event: "a", url: server.url });
      for (let index = 0; index < 4; index += 1) await first.triggerWebhook("a", { index });
      await first.close();

      up = true;
      const second = new WebhookManager(options);
      cleanups.push(() => second.close());
      const succeeded: string[] = [];
      second.on("delivery_succeeded", (log) => succeeded.push(log.messageId));
      Object.assign(calls, { listRange: 0, keys: 0 });
      expect(await second.resume()).toBe(4);
      expect(calls.listRange > 0).toBe(withRange);
      await clock.advanceAsync(5_000);
      await until(() => succeeded.length === 4);
      expect(await second.listDeliveries({ status: "pending" })).toEqual([]);
      expect(server.received).toHaveLength(8);
    });
  }
});
