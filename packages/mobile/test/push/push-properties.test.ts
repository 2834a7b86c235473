import { PushNotificationManager } from "@pelbiot/mobile/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeliveryLog } from "../../src/push/delivery-log";
import type { DeliveryResult } from "../../src/push/push-notification-manager-types";
import { sendInBatches } from "../../src/push/send-in-batches";

const DEVICES = ["a", "b", "c"] as const;
const TOPICS = ["news", "alerts", "sale"] as const;
const operation = fc.record({
  kind: fc.constantFrom("subscribe", "unsubscribe", "register"),
  deviceId: fc.constantFrom(...DEVICES),
  topic: fc.constantFrom(...TOPICS),
});

describe("push invariants", () => {
  it("topics match a plain set model after any sequence of un-awaited calls", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const push = new PushNotificationManager();
        await Promise.all(DEVICES.map((deviceId) => push.registerDevice(deviceId, `token-${deviceId}`)));
        const model = new Map<string, Set<string>>(DEVICES.map((deviceId) => [deviceId, new Set()]));
        const calls = operations.map(({ kind, deviceId, topic }) => {
          const topics = model.get(deviceId) as Set<string>;
          if (kind === "subscribe") {
            topics.add(topic);
            return push.subscribeToTopic(deviceId, topic);
          }
          if (kind === "unsubscribe") {
            topics.delete(topic);
            return push.unsubscribeFromTopic(deviceId, topic);
          }
          return push.registerDevice(deviceId, `token-${deviceId}-${topic}`); // keeps topics
        });
        for (const topic of TOPICS) {
          const expected = DEVICES.filter((deviceId) => model.get(deviceId)?.has(topic));
          const listed = (await push.listDevices({ topic })).map((device) => device.deviceId);
          expect(listed).toEqual(expected);
        }
        await Promise.all(calls);
        for (const deviceId of DEVICES) {
          expect((await push.getDevice(deviceId))?.topics).toEqual([...(model.get(deviceId) ?? [])].sort());
        }
      }),
      { numRuns: 60 },
    );
  });

  it("bulk sends keep the caller's order, never mix providers in a batch, and respect limits", async () => {
    const item = fc.record({ provider: fc.constantFrom("fcm", "apns", "webpush"), id: fc.nat() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 5 }),
        async (items, batchLimit, concurrency) => {
          const inFlight = new Map<string, number>();
          let peak = 0;
          const results = await sendInBatches(items, {
            batchSize: () => batchLimit,
            concurrency,
            send: async (entry) => {
              inFlight.set(entry.provider, (inFlight.get(entry.provider) ?? 0) + 1);
              expect(inFlight.size).toBe(1); // one provider's batch at a time
              const total = [...inFlight.values()].reduce((sum, count) => sum + count, 0);
              peak = Math.max(peak, total);
              await Promise.resolve();
              const left = (inFlight.get(entry.provider) ?? 1) - 1;
              if (left === 0) inFlight.delete(entry.provider);
              else inFlight.set(entry.provider, left);
              return entry;
            },
          });
          expect(results).toEqual(items);
          expect(peak).toBeLessThanOrEqual(Math.min(batchLimit, concurrency));
        },
      ),
    );
  });

  it("the delivery log keeps exactly the newest results, in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100 }), (capacity, count) => {
        const log = new DeliveryLog(capacity);
        const results = Array.from({ length: count }, (_, index) => ({ deviceId: `d${index}` }) as DeliveryResult);
        for (const result of results) log.add(result);
        expect(log.read({})).toEqual(capacity === 0 ? [] : results.slice(-capacity));
      }),
    );
  });
});
