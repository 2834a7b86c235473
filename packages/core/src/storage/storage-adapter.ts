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
 * Options of {@link StorageAdapter.listRange}.
 *
 * @example
 * ```ts
 * const page: StorageRangeOptions = { after: "queue:0042", limit: 100 };
 * ```
 */
export interface StorageRangeOptions {
  /** Return only keys that sort after this one (exclusive); omit it to start at the first key of the prefix. */
  readonly after?: string | undefined;
  /** The most entries to return: a whole number from 1 to {@link MAX_STORAGE_RANGE_LIMIT}. */
  readonly limit: number;
}

/**
 * One entry of a {@link StorageAdapter.listRange} page: the key with the value and version `getEntry` would return.
 *
 * @example
 * ```ts
 * const [first]: StorageRangeEntry[] = await storage.listRange("queue:", { limit: 1 });
 * ```
 */
export interface StorageRangeEntry extends StorageEntry {
  /** The full key, as given to `setItem`. */
  readonly key: string;
}

/**
 * The largest `limit` {@link StorageAdapter.listRange} accepts, so one page stays a bounded amount of memory.
 *
 * @example
 * ```ts
 * const page = await storage.listRange("log:", { limit: MAX_STORAGE_RANGE_LIMIT });
 * ```
 */
export const MAX_STORAGE_RANGE_LIMIT = 1000;

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
  /**
   * Reads one page of the keys starting with `prefix`, with their values and versions, in ascending Unicode
   * code-point order (the order of the keys' UTF-8 bytes, which is what a B-tree under a binary collation and Redis'
   * lexicographic ranges give). Optional capability: callers check `storage.listRange !== undefined` and fall back to
   * `keys()` plus `getEntry()`. Page through a prefix by passing the last key of a page as the next `after`.
   *
   * - A page holds `limit` entries unless the range has no more: a shorter page means the end was reached.
   * - Each entry is consistent on its own (its value belongs to its version); a page is not a snapshot, so a key
   *   written or deleted while pages are read may or may not appear, but a key present throughout is returned exactly
   *   once, and keys never come out of order.
   * - Code-point order equals the UTF-16 code-unit order of `keys()` unless keys differ at a character from U+E000 to
   *   U+FFFF against one above U+FFFF; keys of ASCII text, digits and ids sort the same either way.
   *
   * @param prefix - Only keys starting with it (the empty string matches every key); `%`, `_`, `*`, `[` and the like
   *   are plain characters.
   * @param options - `after` (exclusive cursor) and `limit` (1 to {@link MAX_STORAGE_RANGE_LIMIT}).
   * @returns The page's entries, in ascending key order.
   */
  listRange?(prefix: string, options: StorageRangeOptions): MaybePromise<StorageRangeEntry[]>;
  /** Deletes every key. Optional capability. */
  clear?(): MaybePromise<void>;
  /** Releases handles, timers and connections. Optional capability; the adapter is unusable afterwards. */
  dispose?(): MaybePromise<void>;
}

/** A factory that builds a {@link StorageAdapter} from its options. */
export type StorageAdapterFactory<Options = void> = (options: Options) => StorageAdapter;
