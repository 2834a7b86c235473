import {
  createValidator,
  PelbiotError,
  type StorageAdapter,
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "@pelbiot/core";
import { openEnvelope, sealEnvelope } from "../internal/versioned-envelope";

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) the adapter uses. */
export interface WebStorageLike {
  /** How many keys the store holds. */
  readonly length: number;
  /** The key at `index` (in the store's own order), or `null` past the end. */
  key(index: number): string | null;
  /** The value stored under `key`, or `null`. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`; throws `QuotaExceededError` when the store is full. */
  setItem(key: string, value: string): void;
  /** Removes `key`; a missing key is not an error. */
  removeItem(key: string): void;
}

/** Options for {@link createWebStorageAdapter}. */
export interface WebStorageAdapterOptions {
  /** Namespace inside the shared Web Storage area, so other scripts' keys are never touched. @default "pelbiot:" */
  namespace?: string;
}

/**
 * A `StorageAdapter` on `localStorage` or `sessionStorage`. Web Storage is synchronous, so every method, including
 * `compareAndSet`, is atomic within a page; two tabs writing the same key at once are not coordinated (use
 * {@link createIndexedDbStorage} for that). Values are kept with their version in a small JSON envelope.
 *
 * @param storage - `localStorage`, `sessionStorage` or anything with the same methods.
 * @param options - Namespace.
 * @returns A storage adapter.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `storage` lacks the Web Storage methods.
 * @example
 * ```ts
 * const storage = createWebStorageAdapter(window.localStorage, { namespace: "my-app:" });
 * ```
 */
export function createWebStorageAdapter(
  storage: WebStorageLike,
  options: WebStorageAdapterOptions = {},
): StorageAdapter {
  const check = createValidator("createWebStorageAdapter");
  if (check.object("storage", storage)) {
    for (const method of ["key", "getItem", "setItem", "removeItem"] as const)
      check.fn(`storage.${method}`, storage[method]);
  }
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["namespace"]);
    if (options.namespace !== undefined) {
      check.string("options.namespace", options.namespace, { minLength: 0, maxLength: 100 });
    }
  }
  check.done();
  const { namespace = "pelbiot:" } = options;

  const readEntry = (key: string) =>
    openEnvelope(storage.getItem(namespace + key), `Web Storage key "${namespace + key}"`);
  const write = (key: string, value: string): void => {
    try {
      storage.setItem(namespace + key, sealEnvelope(value));
    } catch (error) {
      // Browsers throw QuotaExceededError when the origin's 5–10 MB are used up.
      throw new PelbiotError("STORAGE_ERROR", `Web Storage refused the write of "${key}": ${String(error)}`, {
        cause: error,
      });
    }
  };

  const listKeys = (prefix: string | undefined): string[] => {
    const wanted = namespace + (prefix ?? "");
    const found: string[] = [];
    for (let index = 0; index < storage.length; index += 1) {
      const key = storage.key(index);
      if (key?.startsWith(wanted)) found.push(key.slice(namespace.length));
    }
    return found.sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  };

  return {
    specificationVersion: "v1",
    name: "web-storage",
    getItem(key) {
      validateStorageKey(key, "webStorage.getItem");
      return readEntry(key)?.d ?? null;
    },
    getEntry(key) {
      validateStorageKey(key, "webStorage.getEntry");
      const envelope = readEntry(key);
      return envelope === null ? null : { value: envelope.d, version: envelope.v };
    },
    setItem(key, value) {
      validateSetItemArguments(key, value, "webStorage.setItem");
      write(key, value);
    },
    removeItem(key) {
      validateStorageKey(key, "webStorage.removeItem");
      storage.removeItem(namespace + key);
    },
    compareAndSet(key, expectedVersion, value) {
      validateCompareAndSetArguments(key, expectedVersion, value, "webStorage.compareAndSet");
      if ((readEntry(key)?.v ?? null) !== expectedVersion) return false;
      if (value === null) storage.removeItem(namespace + key);
      else write(key, value);
      return true;
    },
    keys(prefix) {
      validateStoragePrefix(prefix, "webStorage.keys");
      return listKeys(prefix);
    },
    clear() {
      for (const key of listKeys(undefined)) storage.removeItem(namespace + key);
    },
  };
}
