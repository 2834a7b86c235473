import "fake-indexeddb/auto";
import { createMemoryStorage, PelbiotError } from "@pelbiot/core";
import { storageAdapterContract } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { createAsyncStorageAdapter } from "../../src/storage/async-storage";
import { createIndexedDbStorage } from "../../src/storage/indexed-db-storage";
import { createWebStorageAdapter, type WebStorageLike } from "../../src/storage/web-storage";
import { OfflineSyncManager } from "../../src/sync/offline-sync-manager";

// In-memory stand-ins with the exact API shapes of localStorage and React Native's AsyncStorage.
class FakeWebStorage implements WebStorageLike {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}

function fakeAsyncStorage() {
  const items = new Map<string, string>();
  // Each call yields to the event loop, as the native bridge does, so interleavings really happen.
  const later = <T>(value: () => T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value()), 0));
  return {
    items,
    getItem: (key: string) => later(() => items.get(key) ?? null),
    setItem: (key: string, value: string) => later(() => void items.set(key, value)),
    removeItem: (key: string) => later(() => void items.delete(key)),
    getAllKeys: () => later(() => [...items.keys()]),
  };
}

let databases = 0;
const nextDatabaseName = (prefix: string): string => {
  databases += 1;
  return `${prefix}-${databases}`;
};

describe.each([
  ["IndexedDB", () => createIndexedDbStorage({ databaseName: nextDatabaseName("contract") })],
  ["Web Storage", () => createWebStorageAdapter(new FakeWebStorage())],
  ["AsyncStorage", () => createAsyncStorageAdapter(fakeAsyncStorage())],
])("%s adapter", (_name, create) => {
  for (const testCase of storageAdapterContract(create)) it(testCase.name, testCase.run, 30_000);
});

describe("device storage adapters", () => {
  it("keep other scripts' keys untouched through a namespace", async () => {
    const shared = new FakeWebStorage();
    shared.setItem("theme", "dark");
    const adapter = createWebStorageAdapter(shared, { namespace: "app:" });
    adapter.setItem("a", "1");
    await adapter.clear?.();
    expect(shared.getItem("theme")).toBe("dark");
    expect(adapter.keys()).toEqual([]);
  });

  it("report foreign values under their namespace as INTEGRITY_ERROR", async () => {
    const backing = fakeAsyncStorage();
    backing.items.set("pelbiot:x", "not an envelope");
    const adapter = createAsyncStorageAdapter(backing);
    await expect(adapter.getItem("x")).rejects.toSatisfy((error) => PelbiotError.is(error, "INTEGRITY_ERROR"));
  });

  it("refuse objects that are not storage", () => {
    expect(() => createWebStorageAdapter({} as WebStorageLike)).toThrow(/storage.getItem: must be a function/);
    expect(() => createAsyncStorageAdapter(null as never)).toThrow(/asyncStorage: must be an object/);
    const saved = globalThis.indexedDB;
    Reflect.deleteProperty(globalThis, "indexedDB");
    try {
      expect(() => createIndexedDbStorage()).toThrow(/IndexedDB is not available here/);
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it("IndexedDB keeps the sync queue across a restart of the app", async () => {
    const databaseName = nextDatabaseName("sync");
    const first = new OfflineSyncManager({ storage: createIndexedDbStorage({ databaseName }) });
    const queued = await first.saveOfflineData("d", { type: "create", entity: "note", data: { text: "offline" } });
    const second = new OfflineSyncManager({ storage: createIndexedDbStorage({ databaseName }) });
    expect(await second.getPendingChanges("d")).toEqual([queued]);
    // A memory store shares nothing between instances, which is why the durable adapters exist.
    const volatile = new OfflineSyncManager({ storage: createMemoryStorage() });
    expect(await volatile.getPendingChanges("d")).toEqual([]);
  });
});
