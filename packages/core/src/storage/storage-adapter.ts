import type { MaybePromise } from "../types";

/** A stored value together with its version, as returned by {@link StorageAdapter.getEntry}. */
export interface StorageEntry {
  /** The stored string. */
  readonly value: string;
  /**
   * An opaque token that changes on every write of this key. Compare it only for equality, and pass it back to
   * {@link StorageAdapter.compareAndSet}. It must never repeat for a key while the key exists, including after a
   * delete and re-create (so a stale reader cannot win an ABA race).
   */
  readonly version: string;
}

/**
 * The storage contract every PELBIOT store implements (memory, file, Redis, PostgreSQL, IndexedDB, AsyncStorage…).
 * Values are strings: core does the serialising. Methods may be sync or async. Keys are non-empty strings of at most
 * 1024 UTF-16 units; adapters must store any such key, including `/`, `:`, spaces and non-ASCII characters.
 *
 * `compareAndSet` is the one atomic primitive: idempotency records, sync queues and credential rotation are built on
 * it, so it must be atomic across every process that shares the store (a Lua script or `WATCH` in Redis, a
 * conditional `UPDATE … WHERE version = $1` in SQL, a transaction in IndexedDB).
 *
 * Check an adapter with the conformance suite in `@pelbiot/core/testing`.
 */
export interface StorageAdapter {
  /** Contract version; changes only in a major release of `@pelbiot/core`. */
  readonly specificationVersion: "v1";
  /** A short name for logs and errors, e.g. `"memory"` or `"file"`. */
  readonly name: string;
  /** The value stored under `key`, or `null`. */
  getItem(key: string): MaybePromise<string | null>;
  /** The value and its version, or `null` when the key is absent. */
  getEntry(key: string): MaybePromise<StorageEntry | null>;
  /** Stores `value` under `key` unconditionally. */
  setItem(key: string, value: string): MaybePromise<void>;
  /** Deletes `key`; deleting an absent key is not an error. */
  removeItem(key: string): MaybePromise<void>;
  /**
   * Atomically writes `key` only when its current version equals `expectedVersion`.
   *
   * @param key - The key.
   * @param expectedVersion - The version last read, or `null` to require that the key is absent (set-if-absent).
   * @param value - The new value, or `null` to delete the key.
   * @returns `true` when the write happened, `false` when another writer got there first (nothing changed).
   */
  compareAndSet(key: string, expectedVersion: string | null, value: string | null): MaybePromise<boolean>;
  /** Every key that starts with `prefix` (all keys when omitted), in ascending code-unit order. */
  keys(prefix?: string): MaybePromise<string[]>;
  /** Deletes every key. Optional capability. */
  clear?(): MaybePromise<void>;
  /** Releases handles, timers and connections. Optional capability; the adapter is unusable afterwards. */
  dispose?(): MaybePromise<void>;
}

/** A factory that builds a {@link StorageAdapter} from its options. */
export type StorageAdapterFactory<Options = void> = (options: Options) => StorageAdapter;
