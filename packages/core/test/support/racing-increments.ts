import { expect } from "vitest";
import type { StorageAdapter } from "../../src/storage/storage-adapter";

/** Adds one to a counter with a compare-and-set loop; returns how many rounds it lost to other writers. */
async function increment(storage: StorageAdapter, key: string): Promise<number> {
  for (let lost = 0; lost < 1000; lost += 1) {
    const entry = await storage.getEntry(key);
    const next = String((entry === null ? 0 : Number(entry.value)) + 1);
    if (await storage.compareAndSet(key, entry?.version ?? null, next)) return lost;
  }
  throw new Error("lost 1000 compareAndSet rounds in a row");
}

/**
 * Runs 40 increments of one counter, alternating between two adapters on separate connections to the same store,
 * and checks that none was lost and that the connections really raced (some writer had to retry).
 */
export async function expectAtomicIncrements(stores: readonly [StorageAdapter, StorageAdapter]): Promise<void> {
  const writers = Array.from({ length: 40 }, (_, index) => increment(stores[index % 2] as StorageAdapter, "n"));
  const lost = await Promise.all(writers);
  expect(await stores[0].getItem("n")).toBe("40");
  expect(lost.some((rounds) => rounds > 0)).toBe(true);
}
