import { PelbiotError } from "../errors/pelbiot-error";
import type { StorageAdapter, StorageEntry, StorageRangeEntry } from "./storage-adapter";
import { rangeCandidates, validateRangeArguments } from "./storage-range";
import {
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "./validate-key";

/**
 * Creates an in-memory {@link StorageAdapter}: the default store of every PELBIOT package. It answers synchronously,
 * keeps nothing across restarts and is shared by nobody but its holder, which makes `compareAndSet` trivially atomic.
 *
 * It has the optional `listRange` capability (a page of keys from a cursor, with values), which sorts the matching
 * keys on each call.
 *
 * Versions come from a counter that only grows for the life of the store, so a version never repeats for a key, even
 * after the key is deleted and written again.
 *
 * @returns A fresh, empty adapter named `"memory"`.
 * @throws {PelbiotValidationError} From every method, `VALIDATION_ERROR` when a key, prefix, version or value is
 *   malformed; nothing is changed.
 * @throws {PelbiotError} From every method, `STORAGE_ERROR` once `dispose()` has been called.
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * storage.setItem("session:42", JSON.stringify({ user: "ada" }));
 * const entry = storage.getEntry("session:42");
 * storage.compareAndSet("session:42", entry?.version ?? null, JSON.stringify({ user: "grace" })); // true
 * ```
 */
export function createMemoryStorage(): StorageAdapter {
  const entries = new Map<string, StorageEntry>();
  let lastVersion = 0;
  let disposed = false;

  const ensureOpen = (method: string): void => {
    if (disposed) {
      throw new PelbiotError(
        "STORAGE_ERROR",
        `memoryStorage.${method} was called after dispose(); create a new memory storage instead.`,
      );
    }
  };

  const write = (key: string, value: string): void => {
    lastVersion += 1;
    entries.set(key, Object.freeze({ value, version: String(lastVersion) }));
  };

  return {
    specificationVersion: "v1",
    name: "memory",

    getItem(key) {
      ensureOpen("getItem");
      validateStorageKey(key, "memoryStorage.getItem");
      return entries.get(key)?.value ?? null;
    },

    getEntry(key) {
      ensureOpen("getEntry");
      validateStorageKey(key, "memoryStorage.getEntry");
      return entries.get(key) ?? null;
    },

    setItem(key, value) {
      ensureOpen("setItem");
      validateSetItemArguments(key, value, "memoryStorage.setItem");
      write(key, value);
    },

    removeItem(key) {
      ensureOpen("removeItem");
      validateStorageKey(key, "memoryStorage.removeItem");
      entries.delete(key);
    },

    compareAndSet(key, expectedVersion, value) {
      ensureOpen("compareAndSet");
      validateCompareAndSetArguments(key, expectedVersion, value, "memoryStorage.compareAndSet");
      const currentVersion = entries.get(key)?.version ?? null;
      if (currentVersion !== expectedVersion) return false;
      if (value === null) entries.delete(key);
      else write(key, value);
      return true;
    },

    keys(prefix) {
      ensureOpen("keys");
      validateStoragePrefix(prefix, "memoryStorage.keys");
      const matching: string[] = [];
      for (const key of entries.keys()) {
        if (prefix === undefined || key.startsWith(prefix)) matching.push(key);
      }
      // The default sort compares UTF-16 code units, which is the order the contract promises.
      return matching.sort();
    },

    listRange(prefix, options) {
      ensureOpen("listRange");
      validateRangeArguments(prefix, options, "memoryStorage.listRange");
      const page: StorageRangeEntry[] = [];
      for (const key of rangeCandidates(entries.keys(), prefix, options.after)) {
        if (page.length === options.limit) break;
        const entry = entries.get(key);
        if (entry !== undefined) page.push(Object.freeze({ key, value: entry.value, version: entry.version }));
      }
      return page;
    },

    clear() {
      ensureOpen("clear");
      entries.clear();
    },

    dispose() {
      disposed = true;
      entries.clear();
    },
  };
}
