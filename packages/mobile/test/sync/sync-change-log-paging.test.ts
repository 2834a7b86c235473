import { createManualClock, createMemoryStorage, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";
import { createSyncCoordinator } from "../../src/sync/sync-coordinator";

const LOG_PREFIX = "pelbiot:sync-server:log:";

/** A memory store that counts reads of the change log, with or without the `listRange` capability. */
function countingStorage(withRange: boolean) {
  const inner = createMemoryStorage();
  const calls = { listRange: 0, logReads: 0 };
  const { listRange, ...rest } = inner;
  const storage: StorageAdapter = {
    ...rest,
    getItem: (key) => {
      if (key.startsWith(LOG_PREFIX)) calls.logReads += 1;
      return inner.getItem(key);
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

/** Pushes `count` creates from one device through a coordinator on `storage`. */
async function fillLog(storage: StorageAdapter, count: number): Promise<void> {
  const coordinator = createSyncCoordinator({ storage });
  const phone = new OfflineSyncManager({ clock: createManualClock(Date.UTC(2026, 0, 1)) });
  const mutations = [];
  for (let index = 0; index < count; index += 1) {
    mutations.push(await phone.saveOfflineData("phone", { type: "create", entity: "note", data: { index } }));
  }
  const { results } = await coordinator.push({ clientId: "phone", mutations });
  expect(results.every((result) => result.status === "applied")).toBe(true);
}

describe("sync change log reads", () => {
  it("catches up and pulls a page of entries per listRange, without single reads", async () => {
    const { storage, calls } = countingStorage(true);
    await fillLog(storage, 450);
    Object.assign(calls, { listRange: 0, logReads: 0 });
    const fresh = createSyncCoordinator({ storage });
    const pulled = await fresh.pull({ clientId: "tablet", cursor: 100, limit: 300 });
    expect(pulled.cursor).toBe(400);
    expect(pulled.hasMore).toBe(true);
    expect(pulled.changes.map((change) => change.data?.index)).toEqual(Array.from({ length: 300 }, (_, i) => i + 100));
    // Catching up on 450 entries takes 3 pages of 200; the pull takes one page of 300.
    expect(calls).toEqual({ listRange: 4, logReads: 0 });
  });

  it("reads one entry at a time when the storage lacks listRange, with the same result", async () => {
    const paged = countingStorage(true);
    const single = countingStorage(false);
    await fillLog(paged.storage, 30);
    await fillLog(single.storage, 30);
    single.calls.logReads = 0;
    const request = { clientId: "tablet", cursor: 4, limit: 20 };
    const fromSingle = await createSyncCoordinator({ storage: single.storage }).pull(request);
    const fromPaged = await createSyncCoordinator({ storage: paged.storage }).pull(request);
    expect(fromSingle.changes.map((change) => change.data)).toEqual(fromPaged.changes.map((change) => change.data));
    expect(fromSingle).toMatchObject({ cursor: fromPaged.cursor, hasMore: fromPaged.hasMore });
    // 31 reads to catch up (the 31st finds the end) and 20 for the pull.
    expect(single.calls).toEqual({ listRange: 0, logReads: 51 });
  });

  it("pulls the same pages on both paths for any cursors and limits (property)", async () => {
    const paged = countingStorage(true);
    const single = countingStorage(false);
    await fillLog(paged.storage, 40);
    await fillLog(single.storage, 40);
    const pagedCoordinator = createSyncCoordinator({ storage: paged.storage });
    const singleCoordinator = createSyncCoordinator({ storage: single.storage });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 45 }), fc.integer({ min: 1, max: 50 }), async (cursor, limit) => {
        const left = await pagedCoordinator.pull({ clientId: "tablet", cursor, limit });
        const right = await singleCoordinator.pull({ clientId: "tablet", cursor, limit });
        expect(left.changes.map((change) => change.data)).toEqual(right.changes.map((change) => change.data));
        expect([left.cursor, left.hasMore]).toEqual([right.cursor, right.hasMore]);
        expect(left.cursor).toBe(Math.min(40, Math.min(cursor, 40) + limit));
      }),
      { numRuns: 40 },
    );
  }, 30_000);

  for (const withRange of [true, false]) {
    const path = withRange ? "with" : "without";

    it(`reports an entry missing below the last one indexed as STORAGE_ERROR (${path} listRange)`, async () => {
      const { storage } = countingStorage(withRange);
      await fillLog(storage, 5);
      const coordinator = createSyncCoordinator({ storage });
      await coordinator.pull({ clientId: "tablet", cursor: 5 });
      await storage.removeItem(`${LOG_PREFIX}000000000003`);
      const error = await expectPelbiotErrorAsync(
        () => coordinator.pull({ clientId: "tablet", cursor: 0 }),
        "STORAGE_ERROR",
      );
      expect(error.message).toContain("entry 3 is missing");
    });

    it(`reports a damaged entry as INTEGRITY_ERROR (${path} listRange)`, async () => {
      const { storage } = countingStorage(withRange);
      await fillLog(storage, 5);
      await storage.setItem(`${LOG_PREFIX}000000000004`, "{ not json");
      const coordinator = createSyncCoordinator({ storage });
      const error = await expectPelbiotErrorAsync(
        () => coordinator.pull({ clientId: "tablet", cursor: 0 }),
        "INTEGRITY_ERROR",
      );
      expect(PelbiotError.is(error)).toBe(true);
      expect(error.message).toContain("000000000004");
    });
  }
});
