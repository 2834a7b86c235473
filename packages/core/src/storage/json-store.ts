import { PelbiotError } from "../errors/pelbiot-error";
import { PelbiotValidationError } from "../errors/pelbiot-validation-error";
import type { MaybePromise } from "../types";
import { describeType } from "../validation/describe-type";
import { createValidator, type Validator } from "../validation/validator";
import { type DamageSeen, isQuarantineKey, moveToQuarantine, QUARANTINE_PREFIX } from "./quarantine";
import type { StorageAdapter } from "./storage-adapter";
import { checkStorageKey, MAX_STORAGE_KEY_LENGTH } from "./validate-key";

/** How many times {@link JsonStore.update} re-reads and retries when other writers keep winning. */
const DEFAULT_MAX_ATTEMPTS = 50;
/** How many times {@link JsonStore.listEntries} re-reads a damaged record that other writers keep replacing. */
const MAX_QUARANTINE_ATTEMPTS = 3;

/**
 * A damaged record that {@link JsonStore.entries} or {@link JsonStore.listEntries} skipped.
 *
 * @example
 * ```ts
 * const store = createJsonStore(storage, { prefix: "devices:", onDamaged: (record: DamagedRecord) => {
 *   logger.warn("skipped a damaged device", { key: record.key, quarantineKey: record.quarantineKey });
 * } });
 * ```
 */
export interface DamagedRecord {
  /** The record's key, without the store's prefix. */
  readonly key: string;
  /** The record's full key in the adapter. */
  readonly storageKey: string;
  /**
   * Where the record was moved (see `QUARANTINE_PREFIX` and `listQuarantinedRecords`), or `undefined` when the
   * adapter refused the move and the record stays under its key.
   */
  readonly quarantineKey: string | undefined;
  /** `INTEGRITY_ERROR`; its `cause` is the JSON parse error or the adapter's own integrity error. */
  readonly error: PelbiotError;
}

/**
 * What {@link JsonStore.listEntries} read: the readable records and the damaged ones it skipped.
 *
 * @example
 * ```ts
 * const { entries, damaged }: JsonStoreListing<Device> = await devices.listEntries();
 * ```
 */
export interface JsonStoreListing<T> {
  /** `[key, value]` pairs, keys without the prefix, in ascending key order. */
  readonly entries: Array<[key: string, value: T]>;
  /** The damaged records skipped by this call, in ascending key order. */
  readonly damaged: DamagedRecord[];
}

/**
 * Options of {@link createJsonStore}.
 *
 * @example
 * ```ts
 * const options: JsonStoreOptions = { prefix: "webhooks:" };
 * ```
 */
export interface JsonStoreOptions {
  /**
   * Prepended to every key in the adapter, so several stores can share one adapter without clashing
   * (e.g. `"webhooks:"`). Keys returned by the store never include it. Full keys starting with
   * `QUARANTINE_PREFIX` are reserved for quarantined records and are never listed by a store with an empty prefix.
   * @default ""
   */
  prefix?: string;
  /**
   * Called once for every damaged record that {@link JsonStore.entries} or {@link JsonStore.listEntries} skips and
   * quarantines. An error it throws (or a promise it rejects) is ignored, so it cannot break the listing.
   */
  onDamaged?: ((record: DamagedRecord) => void) | undefined;
}

/**
 * Options of {@link JsonStore.update}.
 *
 * @example
 * ```ts
 * await store.update("quota", (current) => (current ?? 0) + 1, { maxAttempts: 10 });
 * ```
 */
export interface JsonStoreUpdateOptions {
  /**
   * How many read-modify-write rounds to try before giving up with `CONFLICT`. Each lost round means another writer
   * changed the key in between, so the updater runs again on the fresh value.
   * @default 50
   */
  maxAttempts?: number;
}

/**
 * Computes the next value of a key from its current one; return `undefined` to delete the key. It may run several
 * times when writers race, so it must not have side effects.
 *
 * @example
 * ```ts
 * const releaseSlot: JsonStoreUpdater<number> = (current) => (current === undefined || current <= 1 ? undefined : current - 1);
 * ```
 */
export type JsonStoreUpdater<T> = (current: T | undefined) => MaybePromise<T | undefined>;

/**
 * Typed JSON records on top of a {@link StorageAdapter}. Values must survive `JSON.stringify` and `JSON.parse`
 * unchanged (no `Date`, `Map`, `undefined` or class instances). Every method returns a promise.
 *
 * @example
 * ```ts
 * const devices: JsonStore<{ name: string }> = createJsonStore(createMemoryStorage(), { prefix: "devices:" });
 * if (await devices.setIfAbsent("42", { name: "boiler" })) console.log("registered");
 * for (const [id, device] of await devices.entries()) console.log(id, device.name);
 * ```
 */
export interface JsonStore<T> {
  /** The adapter the store reads and writes. */
  readonly adapter: StorageAdapter;
  /** The prefix added to every key in the adapter. */
  readonly prefix: string;
  /**
   * Reads a record.
   *
   * @param key - The key, without the store's prefix.
   * @returns The parsed value, or `undefined` when the key is absent.
   * @throws {PelbiotError} `INTEGRITY_ERROR` when the stored text is not valid JSON or the adapter finds the record
   *   damaged. An explicit read never hides damage and never quarantines; only listings do.
   */
  get(key: string): Promise<T | undefined>;
  /**
   * Writes a record unconditionally.
   *
   * @param key - The key, without the store's prefix.
   * @param value - A JSON-serialisable value.
   * @throws {PelbiotValidationError} `VALIDATION_ERROR` when the key is malformed or `value` cannot be serialised.
   */
  set(key: string, value: T): Promise<void>;
  /**
   * Deletes a record; deleting an absent key is not an error.
   *
   * @param key - The key, without the store's prefix.
   */
  delete(key: string): Promise<void>;
  /**
   * Lists the store's keys, without its prefix, in ascending code-unit order.
   *
   * @returns Every key of this store.
   */
  keys(): Promise<string[]>;
  /**
   * Writes a record only when the key is absent, atomically across every process that shares the adapter.
   *
   * @param key - The key, without the store's prefix.
   * @param value - A JSON-serialisable value.
   * @returns `true` when the record was written, `false` when the key already existed (nothing changed).
   */
  setIfAbsent(key: string, value: T): Promise<boolean>;
  /**
   * Atomically replaces a record with `updater(current)`, retrying with the fresh value whenever another writer got
   * there first. Returning `undefined` from the updater deletes the key.
   *
   * @param key - The key, without the store's prefix.
   * @param updater - Computes the next value; may run more than once, so keep it free of side effects.
   * @param options - `maxAttempts`.
   * @returns The value written, or `undefined` when the key ended up deleted.
   * @throws {PelbiotError} `CONFLICT` when every attempt lost the race.
   * @throws {PelbiotError} `INTEGRITY_ERROR` when the stored text is not valid JSON or the adapter finds the record
   *   damaged; nothing is written.
   */
  update(key: string, updater: JsonStoreUpdater<T>, options?: JsonStoreUpdateOptions): Promise<T | undefined>;
  /**
   * Reads every readable record of this store. Keys deleted while the list is being read are left out. A damaged
   * record (text that is not JSON, or one the adapter reports as `INTEGRITY_ERROR`) is skipped, moved to quarantine
   * and passed to `options.onDamaged`, so one bad record never stops the rest; see {@link JsonStore.listEntries}.
   *
   * @returns `[key, value]` pairs, keys without the prefix, in ascending key order.
   * @throws {PelbiotError} Whatever the adapter throws other than `INTEGRITY_ERROR` (e.g. `STORAGE_ERROR`).
   */
  entries(): Promise<Array<[key: string, value: T]>>;
  /**
   * Like {@link JsonStore.entries}, and also returns the damaged records this call skipped. Each damaged record is
   * copied into quarantine (under `QUARANTINE_PREFIX`, with its raw text when the adapter can read it) and then
   * removed from its key with `compareAndSet` on the version read, so a record rewritten meanwhile is read again
   * rather than lost. A record the adapter refuses to move stays in place, is still skipped and has no
   * `quarantineKey`.
   *
   * @returns The readable records and the damaged ones, both in ascending key order.
   * @throws {PelbiotError} Whatever the adapter throws other than `INTEGRITY_ERROR` (e.g. `STORAGE_ERROR`).
   * @example
   * ```ts
   * const { entries, damaged } = await devices.listEntries();
   * if (damaged.length > 0) logger.warn("damaged devices quarantined", { count: damaged.length });
   * ```
   */
  listEntries(): Promise<JsonStoreListing<T>>;
}

/**
 * Creates a typed JSON layer over a storage adapter: values are serialised with `JSON.stringify`, and `update` turns
 * the adapter's `compareAndSet` into a safe read-modify-write loop.
 *
 * @typeParam T - The type of the stored values. It is not checked at runtime: the store trusts what it wrote.
 * @param adapter - Any storage adapter; sync and async adapters are both awaited.
 * @param options - An optional key `prefix`.
 * @returns The store.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `adapter` lacks a storage method or `prefix` is malformed.
 * @example
 * ```ts
 * interface Counter { count: number }
 * const counters = createJsonStore<Counter>(createMemoryStorage(), { prefix: "counters:" });
 * await counters.set("visits", { count: 0 });
 * await counters.update("visits", (current) => ({ count: (current?.count ?? 0) + 1 }));
 * await counters.get("visits"); // { count: 1 }
 * ```
 */
export function createJsonStore<T>(adapter: StorageAdapter, options: JsonStoreOptions = {}): JsonStore<T> {
  const { prefix = "", onDamaged } = options;
  const validator = createValidator("createJsonStore");
  if (validator.object("adapter", adapter)) {
    for (const method of ["getItem", "getEntry", "setItem", "removeItem", "compareAndSet", "keys"] as const) {
      validator.fn(`adapter.${method}`, adapter[method]);
    }
  }
  if (validator.object("options", options)) validator.knownKeys("options", options, ["prefix", "onDamaged"]);
  // One unit is left for the key itself.
  validator.string("options.prefix", prefix, { minLength: 0, maxLength: MAX_STORAGE_KEY_LENGTH - 1 });
  if (onDamaged !== undefined) validator.fn("options.onDamaged", onDamaged);
  validator.done();
  // A store whose prefix the quarantine's keys also start with must not list them as its own records.
  const hidesQuarantine = prefix.length < QUARANTINE_PREFIX.length && QUARANTINE_PREFIX.startsWith(prefix);

  // Adds the key's issues to `keyValidator`, so a call reports every malformed argument at once.
  const checkKey = (keyValidator: Validator, key: string): void => {
    if (!checkStorageKey(keyValidator, "key", key)) return;
    keyValidator.check(
      prefix.length + key.length <= MAX_STORAGE_KEY_LENGTH,
      "key",
      `must be at most ${MAX_STORAGE_KEY_LENGTH - prefix.length} characters with this store's prefix, got ${key.length}`,
    );
  };

  const storageKey = (key: string, method: string): string => {
    if (typeof key === "string" && key.length > 0 && prefix.length + key.length <= MAX_STORAGE_KEY_LENGTH) {
      return prefix + key; // hot path: skip building a validator for a well-formed key
    }
    const keyValidator = createValidator(`jsonStore.${method}`);
    checkKey(keyValidator, key);
    keyValidator.done();
    return prefix + key;
  };

  const serialise = (value: unknown, method: string): string => {
    let text: unknown;
    let problem = `must be JSON-serialisable, got ${describeType(value)}`;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      problem = `must be JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (typeof text === "string") return text;
    throw new PelbiotValidationError([{ path: "value", message: problem }], `jsonStore.${method}`);
  };

  const parse = (key: string, text: string): T => {
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new PelbiotError(
        "INTEGRITY_ERROR",
        `The value stored under key ${JSON.stringify(prefix + key)} in ${adapter.name} storage is not valid JSON; ` +
          "delete or rewrite it.",
        { cause: error, details: { key: prefix + key } },
      );
    }
  };

  const listKeys = async (): Promise<string[]> => {
    const fullKeys = await adapter.keys(prefix);
    const ownKeys = hidesQuarantine ? fullKeys.filter((fullKey) => !isQuarantineKey(fullKey)) : fullKeys;
    return ownKeys.map((fullKey) => fullKey.slice(prefix.length));
  };

  const report = (record: DamagedRecord): void => {
    if (onDamaged === undefined) return;
    try {
      const result: unknown = onDamaged(record);
      // A listener's failure is its own business: it must not break the listing or surface as unhandled.
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // Ignored for the same reason.
    }
  };

  const integrityError = (key: string, cause: unknown): PelbiotError =>
    new PelbiotError(
      "INTEGRITY_ERROR",
      `The record under key ${JSON.stringify(prefix + key)} in ${adapter.name} storage is damaged ` +
        `(${cause instanceof Error ? cause.message : String(cause)}), so the listing skipped it.`,
      { cause, details: { key: prefix + key } },
    );

  // Reads one key for a listing: its value, `undefined` when it is absent, or the damaged record it was.
  const readForListing = async (key: string): Promise<{ value: T | undefined } | DamagedRecord> => {
    const fullKey = prefix + key;
    for (let attempt = 1; attempt <= MAX_QUARANTINE_ATTEMPTS; attempt += 1) {
      let seen: DamageSeen;
      let error: PelbiotError;
      try {
        const entry = await adapter.getEntry(fullKey);
        if (entry === null) return { value: undefined };
        try {
          return { value: JSON.parse(entry.value) as T };
        } catch (parseError) {
          error = integrityError(key, parseError);
        }
        seen = { raw: entry.value, version: entry.version };
      } catch (readError) {
        // Only damage is skipped: a failing disk or network must still stop the listing.
        if (!PelbiotError.is(readError, "INTEGRITY_ERROR")) throw readError;
        error = integrityError(key, readError);
        seen = { raw: null, error: readError };
      }
      const outcome = await moveToQuarantine(adapter, fullKey, seen, error.message);
      if (outcome.status === "rewritten") continue;
      const quarantineKey = outcome.status === "moved" ? outcome.quarantineKey : undefined;
      return { key, storageKey: fullKey, quarantineKey, error };
    }
    // Writers kept replacing the record with damaged text: skip it this time, without moving it.
    const error = new PelbiotError(
      "INTEGRITY_ERROR",
      `jsonStore.listEntries skipped key ${JSON.stringify(fullKey)} in ${adapter.name} storage: it stayed damaged ` +
        `while other writers replaced it ${MAX_QUARANTINE_ATTEMPTS} times, so it was left in place.`,
      { details: { key: fullKey } },
    );
    return { key, storageKey: fullKey, quarantineKey: undefined, error };
  };

  const listEntries = async (): Promise<JsonStoreListing<T>> => {
    const entries: Array<[key: string, value: T]> = [];
    const damaged: DamagedRecord[] = [];
    for (const key of await listKeys()) {
      const result = await readForListing(key);
      if ("error" in result) {
        damaged.push(result);
        report(result);
      } else if (result.value !== undefined) {
        entries.push([key, result.value]);
      }
    }
    return { entries, damaged };
  };

  const read = async (key: string, fullKey: string): Promise<T | undefined> => {
    const text = await adapter.getItem(fullKey);
    return text === null ? undefined : parse(key, text);
  };

  return {
    adapter,
    prefix,

    async get(key) {
      return read(key, storageKey(key, "get"));
    },

    async set(key, value) {
      const fullKey = storageKey(key, "set");
      await adapter.setItem(fullKey, serialise(value, "set"));
    },

    async delete(key) {
      await adapter.removeItem(storageKey(key, "delete"));
    },

    keys: listKeys,

    async setIfAbsent(key, value) {
      const fullKey = storageKey(key, "setIfAbsent");
      return adapter.compareAndSet(fullKey, null, serialise(value, "setIfAbsent"));
    },

    async update(key, updater, updateOptions = {}) {
      const { maxAttempts = DEFAULT_MAX_ATTEMPTS } = updateOptions;
      const validator = createValidator("jsonStore.update");
      checkKey(validator, key);
      validator.fn("updater", updater);
      validator.number("options.maxAttempts", maxAttempts, { integer: true, min: 1 });
      validator.done();
      const fullKey = prefix + key;

      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const entry = await adapter.getEntry(fullKey);
        const current = entry === null ? undefined : parse(key, entry.value);
        const next = await updater(current);
        // Nothing to delete: skip the write rather than rely on how an adapter treats deleting an absent key.
        if (next === undefined && entry === null) return undefined;
        const text = next === undefined ? null : serialise(next, "update");
        if (await adapter.compareAndSet(fullKey, entry?.version ?? null, text)) return next;
      }
      throw new PelbiotError(
        "CONFLICT",
        `jsonStore.update gave up on key ${JSON.stringify(fullKey)} after ${maxAttempts} attempts because other ` +
          "writers kept changing it; retry later or raise options.maxAttempts.",
        { details: { key: fullKey, maxAttempts } },
      );
    },

    async entries() {
      return (await listEntries()).entries;
    },

    listEntries,
  };
}
