import {
  PelbiotError,
  type StorageAdapter,
  type StorageEntry,
  uuidv7,
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "@pelbiot/core";

/** Options for {@link createIndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** Database name. @default "pelbiot" */
  databaseName?: string;
  /** Object store inside it. @default "kv" */
  storeName?: string;
  /** The IndexedDB factory (pass one in workers, tests or non-window contexts). @default globalThis.indexedDB */
  indexedDB?: IDBFactory;
}

interface StoredRecord {
  key: string;
  value: string;
  version: string;
}

/**
 * A durable `StorageAdapter` on IndexedDB, for PWAs and browsers. Every method runs in one IndexedDB transaction, so
 * `compareAndSet` is atomic across tabs and workers of the same origin (IndexedDB serialises overlapping read-write
 * transactions).
 *
 * @param options - Database, store and factory.
 * @returns A storage adapter; `dispose()` closes the connection.
 * @throws {PelbiotError} UNSUPPORTED when no IndexedDB factory is available.
 * @example
 * ```ts
 * const sync = new OfflineSyncManager({ storage: createIndexedDbStorage({ databaseName: "my-app" }) });
 * ```
 */
export function createIndexedDbStorage(options: IndexedDbStorageOptions = {}): StorageAdapter {
  const { databaseName = "pelbiot", storeName = "kv", indexedDB: factory = globalThis.indexedDB } = options;
  if (factory === undefined) {
    throw new PelbiotError(
      "UNSUPPORTED",
      "IndexedDB is not available here; pass options.indexedDB, or use another storage adapter",
    );
  }
  let database: Promise<IDBDatabase> | undefined;
  let disposed = false;

  const open = (): Promise<IDBDatabase> => {
    if (disposed) return Promise.reject(new PelbiotError("STORAGE_ERROR", "indexedDbStorage was used after dispose()"));
    database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(databaseName, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(storeName)) {
          request.result.createObjectStore(storeName, { keyPath: "key" });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(storageError("open the database", request.error));
      request.onblocked = () =>
        reject(new PelbiotError("STORAGE_ERROR", `IndexedDB "${databaseName}" is blocked by another connection`));
    });
    return database;
  };

  // Runs `body` in one transaction and resolves when the transaction commits, so a write is durable on return.
  const transact = async <T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => Promise<T>): Promise<T> => {
    const connection = await open();
    const transaction = connection.transaction(storeName, mode);
    const committed = new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(storageError("commit", transaction.error));
      transaction.onerror = () => reject(storageError("commit", transaction.error));
    });
    const result = await body(transaction.objectStore(storeName));
    await committed;
    return result;
  };

  const read = <T>(request: IDBRequest<T>): Promise<T> =>
    new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(storageError("read", request.error));
    });

  const entryOf = (record: StoredRecord | undefined): StorageEntry | null =>
    record === undefined ? null : { value: record.value, version: record.version };

  return {
    specificationVersion: "v1",
    name: "indexeddb",

    async getItem(key) {
      validateStorageKey(key, "indexedDbStorage.getItem");
      return transact(
        "readonly",
        async (store) => entryOf(await read<StoredRecord | undefined>(store.get(key)))?.value ?? null,
      );
    },

    async getEntry(key) {
      validateStorageKey(key, "indexedDbStorage.getEntry");
      return transact("readonly", async (store) => entryOf(await read<StoredRecord | undefined>(store.get(key))));
    },

    async setItem(key, value) {
      validateSetItemArguments(key, value, "indexedDbStorage.setItem");
      await transact("readwrite", async (store) => {
        await read(store.put({ key, value, version: uuidv7() } satisfies StoredRecord));
      });
    },

    async removeItem(key) {
      validateStorageKey(key, "indexedDbStorage.removeItem");
      await transact("readwrite", async (store) => {
        await read(store.delete(key));
      });
    },

    async compareAndSet(key, expectedVersion, value) {
      validateCompareAndSetArguments(key, expectedVersion, value, "indexedDbStorage.compareAndSet");
      return transact("readwrite", async (store) => {
        const current = await read<StoredRecord | undefined>(store.get(key));
        if ((current?.version ?? null) !== expectedVersion) return false;
        if (value === null) await read(store.delete(key));
        else await read(store.put({ key, value, version: uuidv7() } satisfies StoredRecord));
        return true;
      });
    },

    async keys(prefix) {
      validateStoragePrefix(prefix, "indexedDbStorage.keys");
      return transact("readonly", async (store) => {
        const range = prefix ? IDBKeyRange.lowerBound(prefix) : undefined;
        const keys = (await read(store.getAllKeys(range))) as string[];
        // Keys come back in code-unit order; stop at the first one past the prefix.
        const matching: string[] = [];
        for (const key of keys) {
          if (prefix && !key.startsWith(prefix)) break;
          matching.push(key);
        }
        return matching;
      });
    },

    async clear() {
      await transact("readwrite", async (store) => {
        await read(store.clear());
      });
    },

    async dispose() {
      disposed = true;
      const connection = await database?.catch(() => undefined);
      connection?.close();
    },
  };
}

function storageError(action: string, cause: unknown): PelbiotError {
  return new PelbiotError("STORAGE_ERROR", `IndexedDB could not ${action}: ${String(cause)}`, { cause });
}
