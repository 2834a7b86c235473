import { PelbiotError } from "../errors/pelbiot-error";
import { PelbiotValidationError } from "../errors/pelbiot-validation-error";
import type { MaybePromise } from "../types";
import { describeType } from "../validation/describe-type";
import { createValidator, type Validator } from "../validation/validator";
import type { StorageAdapter } from "./storage-adapter";
import { checkStorageKey, MAX_STORAGE_KEY_LENGTH } from "./validate-key";

/** How many times {@link JsonStore.update} re-reads and retries when other writers keep winning. */
const DEFAULT_MAX_ATTEMPTS = 50;

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
   * (e.g. `"webhooks:"`). Keys returned by the store never include it.
   * @default ""
   */
  prefix?: string;
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
   * @throws {PelbiotError} `INTEGRITY_ERROR` when the stored text is not valid JSON.
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
   * @throws {PelbiotError} `INTEGRITY_ERROR` when the stored text is not valid JSON.
   */
  update(key: string, updater: JsonStoreUpdater<T>, options?: JsonStoreUpdateOptions): Promise<T | undefined>;
  /**
   * Reads every record of this store. Keys deleted while the list is being read are left out.
   *
   * @returns `[key, value]` pairs, keys without the prefix, in ascending key order.
   * @throws {PelbiotError} `INTEGRITY_ERROR` when a stored text is not valid JSON.
   */
  entries(): Promise<Array<[key: string, value: T]>>;
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
  const { prefix = "" } = options;
  const validator = createValidator("createJsonStore");
  if (validator.object("adapter", adapter)) {
    for (const method of ["getItem", "getEntry", "setItem", "removeItem", "compareAndSet", "keys"] as const) {
      validator.fn(`adapter.${method}`, adapter[method]);
    }
  }
  // One unit is left for the key itself.
  validator.string("options.prefix", prefix, { minLength: 0, maxLength: MAX_STORAGE_KEY_LENGTH - 1 });
  validator.done();

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
    return fullKeys.map((fullKey) => fullKey.slice(prefix.length));
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
      const result: Array<[key: string, value: T]> = [];
      for (const key of await listKeys()) {
        const value = await read(key, prefix + key);
        if (value !== undefined) result.push([key, value]);
      }
      return result;
    },
  };
}
