import {
  createKeyedMutex,
  createValidator,
  type StorageAdapter,
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "@pelbiot/core";
import { openEnvelope, sealEnvelope } from "../internal/versioned-envelope";

/** The part of React Native's AsyncStorage (or a compatible store) the adapter uses. */
export interface AsyncStorageLike {
  /** The value stored under `key`, or `null`. */
  getItem(key: string): Promise<string | null>;
  /** Stores `value` under `key`, replacing any value. */
  setItem(key: string, value: string): Promise<void>;
  /** Removes `key`; a missing key is not an error. */
  removeItem(key: string): Promise<void>;
  /** Every key in the store, the adapter's and others'. */
  getAllKeys(): Promise<readonly string[]>;
}

/** Options for {@link createAsyncStorageAdapter}. */
export interface AsyncStorageAdapterOptions {
  /** Namespace inside AsyncStorage, so other libraries' keys are never touched. @default "pelbiot:" */
  namespace?: string;
}

/**
 * A `StorageAdapter` on React Native's AsyncStorage (pass the module in; it is not imported). AsyncStorage has no
 * atomic operations, so writes to one key are serialised inside this adapter: `compareAndSet` is atomic for every
 * caller sharing the adapter in the app's JavaScript runtime, which is the one process that owns AsyncStorage.
 *
 * @param asyncStorage - `AsyncStorage` from `@react-native-async-storage/async-storage`, or a compatible store.
 * @param options - Namespace.
 * @returns A storage adapter.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `asyncStorage` lacks the methods.
 * @example
 * ```ts
 * import AsyncStorage from "@react-native-async-storage/async-storage";
 * const sync = new OfflineSyncManager({ storage: createAsyncStorageAdapter(AsyncStorage) });
 * ```
 */
export function createAsyncStorageAdapter(
  asyncStorage: AsyncStorageLike,
  options: AsyncStorageAdapterOptions = {},
): StorageAdapter {
  const check = createValidator("createAsyncStorageAdapter");
  if (check.object("asyncStorage", asyncStorage)) {
    for (const method of ["getItem", "setItem", "removeItem", "getAllKeys"] as const) {
      check.fn(`asyncStorage.${method}`, asyncStorage[method]);
    }
  }
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["namespace"]);
    if (options.namespace !== undefined) {
      check.string("options.namespace", options.namespace, { minLength: 0, maxLength: 100 });
    }
  }
  check.done();
  const { namespace = "pelbiot:" } = options;
  const exclusive = createKeyedMutex();
  const readEntry = async (key: string) =>
    openEnvelope(await asyncStorage.getItem(namespace + key), `AsyncStorage key "${namespace + key}"`);
  const write = (key: string, value: string): Promise<void> =>
    asyncStorage.setItem(namespace + key, sealEnvelope(value));

  return {
    specificationVersion: "v1",
    name: "async-storage",
    async getItem(key) {
      validateStorageKey(key, "asyncStorage.getItem");
      return (await readEntry(key))?.d ?? null;
    },
    async getEntry(key) {
      validateStorageKey(key, "asyncStorage.getEntry");
      const envelope = await readEntry(key);
      return envelope === null ? null : { value: envelope.d, version: envelope.v };
    },
    async setItem(key, value) {
      validateSetItemArguments(key, value, "asyncStorage.setItem");
      await exclusive(key, () => write(key, value));
    },
    async removeItem(key) {
      validateStorageKey(key, "asyncStorage.removeItem");
      await exclusive(key, () => asyncStorage.removeItem(namespace + key));
    },
    async compareAndSet(key, expectedVersion, value) {
      validateCompareAndSetArguments(key, expectedVersion, value, "asyncStorage.compareAndSet");
      return exclusive(key, async () => {
        if (((await readEntry(key))?.v ?? null) !== expectedVersion) return false;
        if (value === null) await asyncStorage.removeItem(namespace + key);
        else await write(key, value);
        return true;
      });
    },
    async keys(prefix) {
      validateStoragePrefix(prefix, "asyncStorage.keys");
      const wanted = namespace + (prefix ?? "");
      return (await asyncStorage.getAllKeys())
        .filter((key) => key.startsWith(wanted))
        .map((key) => key.slice(namespace.length))
        .sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
    },
  };
}
