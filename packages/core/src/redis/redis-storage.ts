import { createHash, randomUUID } from "node:crypto";
import { PelbiotError } from "../errors/pelbiot-error";
import { createPendingOperations } from "../internal/pending-operations";
import { validateServerTexts } from "../internal/server-storage-checks";
import type { StorageAdapter, StorageEntry, StorageRangeEntry } from "../storage/storage-adapter";
import { rangeCandidates, validateRangeArguments } from "../storage/storage-range";
import {
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "../storage/validate-key";
import { type RedisStorageOptions, resolveRedisStorageOptions } from "./redis-storage-options";

/**
 * The compare-and-set script. KEYS[1] is the hash of the key; ARGV: "1" to require the version ARGV[2] or "0" to
 * require that the key is absent, then "1" to write ARGV[4] with version ARGV[5] or "0" to delete.
 */
const COMPARE_AND_SET_SCRIPT = `local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'value', ARGV[4], 'version', ARGV[5])
elseif current then
  redis.call('DEL', KEYS[1])
end
return 1`;
const COMPARE_AND_SET_SHA = createHash("sha1").update(COMPARE_AND_SET_SCRIPT).digest("hex");
const SCAN_COUNT = 1000;
const UNLINK_BATCH = 500;

/**
 * Creates a {@link StorageAdapter} over Redis, through an ioredis client. Any number of processes may share the
 * database; `compareAndSet` is atomic across all of them.
 *
 * Each key is one Redis hash, `<keyPrefix><key>`, holding the fields `value` and `version`, so a value and its
 * version are always read and written together. A version is a random UUID drawn for every write, so it never
 * repeats for a key, even after the key is deleted and written again.
 *
 * - `compareAndSet` runs a Lua script (`EVALSHA`, falling back to `EVAL` after a server restart) that compares the
 *   version and writes or deletes in one atomic step.
 * - `keys(prefix)` walks the keyspace with `SCAN … MATCH <keyPrefix><prefix>*` (glob characters escaped), never
 *   `KEYS`, so it does not block the server; `clear()` deletes what that walk finds with `UNLINK`.
 * - `listRange(prefix, { after, limit })` (the optional paging capability) makes the same SCAN walk, sorts the keys
 *   in code-point order and reads only the page's hashes, sent together. The walk costs O(keys under the prefix) per
 *   page, so paging saves reads and transfer but not the walk; a sorted-set index would avoid it at the price of a
 *   second key touched by every write (and a backfill for keys written by older versions), which this adapter
 *   does not take on.
 * - Redis Cluster: every command and script touches exactly one Redis key, so all per-key operations are valid in
 *   a cluster whatever the keys. Give the store a hash-tagged prefix such as `"{app}:"`: Redis then hashes only
 *   `app`, so every key of the store lives in one slot and hence on one node, and `keys()` and `clear()`, which
 *   scan the node the client talks to, see all of them.
 *
 * The adapter never closes the client; close it yourself after `dispose()`.
 *
 * @param options - The `client`, and optionally `keyPrefix` and `maxValueBytes`.
 * @returns An adapter named `"redis"`. Its methods reject with `STORAGE_ERROR` (the client's error as `cause`) when
 *   the server cannot be reached or a command fails, and `VALIDATION_ERROR` before any command for malformed
 *   arguments, keys or values holding a lone UTF-16 surrogate (which has no UTF-8 form) and values over
 *   `maxValueBytes`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when the options are malformed, unknown, or the key prefix
 *   holds unsafe characters.
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createRedisStorage } from "@pelbiot/core/redis";
 *
 * const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
 * const storage = createRedisStorage({ client, keyPrefix: "{pelbiot}:" });
 * await storage.setItem("device:42", JSON.stringify({ name: "boiler" }));
 * const entry = await storage.getEntry("device:42");
 * await storage.compareAndSet("device:42", entry?.version ?? null, JSON.stringify({ name: "heater" }));
 * await storage.dispose?.();
 * client.disconnect();
 * ```
 */
export function createRedisStorage(options: RedisStorageOptions): StorageAdapter {
  const { client, keyPrefix, maxValueBytes } = resolveRedisStorageOptions(options);
  const keyRules = { allowNul: true, maxBytes: Number.POSITIVE_INFINITY } as const;
  const valueRules = { allowNul: true, maxBytes: maxValueBytes } as const;
  const pending = createPendingOperations();
  let disposed = false;

  const ensureOpen = (method: string): void => {
    if (disposed) {
      throw new PelbiotError(
        "STORAGE_ERROR",
        `redisStorage.${method} was called after dispose(); create a new Redis storage instead.`,
        { details: { keyPrefix } },
      );
    }
  };

  const toStorageError = (error: unknown, method: string, key: string | undefined): PelbiotError => {
    if (PelbiotError.is(error)) return error;
    const reason = error instanceof Error ? error.message || error.name : String(error);
    const subject = key === undefined ? "" : ` for key ${quoteKey(key)}`;
    return new PelbiotError("STORAGE_ERROR", `redisStorage.${method} failed${subject}: ${reason}`, {
      cause: error,
      details: { keyPrefix, ...(key === undefined ? {} : { key }) },
    });
  };

  const run = <T>(method: string, key: string | undefined, task: () => Promise<T>): Promise<T> => {
    const operation = (async () => {
      try {
        return await task();
      } catch (error) {
        throw toStorageError(error, method, key);
      }
    })();
    return pending.track(operation);
  };

  const redisKey = (key: string): string => `${keyPrefix}${key}`;

  const compareAndSet = async (args: string[], key: string): Promise<unknown> => {
    try {
      return await client.call("EVALSHA", COMPARE_AND_SET_SHA, 1, redisKey(key), ...args);
    } catch (error) {
      // The script cache is empty after a restart or SCRIPT FLUSH: send the script itself, which caches it again.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return client.call("EVAL", COMPARE_AND_SET_SCRIPT, 1, redisKey(key), ...args);
    }
  };

  const readEntry = async (key: string): Promise<StorageEntry | null> => {
    const [value, version] = (await client.call("HMGET", redisKey(key), "value", "version")) as [
      string | null,
      string | null,
    ];
    if (value === null) return null;
    if (version === null) {
      throw new PelbiotError(
        "INTEGRITY_ERROR",
        `The Redis hash ${quoteKey(redisKey(key))} has a value but no version: it was not written by this ` +
          "adapter. Delete it or give the store a key prefix of its own.",
        { details: { keyPrefix, key } },
      );
    }
    return Object.freeze({ value: String(value), version: String(version) });
  };

  // SCAN walks the whole prefix (O(keys under it)); only the page's hashes are then read, all sent at once so they
  // share one round trip. Keys deleted since the walk are skipped and the next candidates read in their place.
  const listRange = async (prefix: string, after: string | undefined, limit: number): Promise<StorageRangeEntry[]> => {
    const found = (await scan(prefix)).map((redisName) => redisName.slice(keyPrefix.length));
    const candidates = rangeCandidates(found, prefix, after);
    const page: StorageRangeEntry[] = [];
    let next = 0;
    while (page.length < limit && next < candidates.length) {
      const batch = candidates.slice(next, next + limit - page.length);
      next += batch.length;
      const entries = await Promise.all(batch.map((key) => readEntry(key)));
      for (const [index, entry] of entries.entries()) {
        const key = batch[index];
        if (entry !== null && key !== undefined) page.push(Object.freeze({ key, ...entry }));
      }
    }
    return page;
  };

  /** Every Redis key under the store's prefix that starts with `prefix`, from a full SCAN. */
  const scan = async (prefix: string): Promise<string[]> => {
    const pattern = `${escapeGlobPattern(keyPrefix + prefix)}*`;
    const found = new Set<string>();
    let cursor = "0";
    do {
      const reply = await client.call("SCAN", cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
      const [next, keys] = reply as [string, string[]];
      // SCAN may return a key more than once while the keyspace is rehashed; the set drops the repeats.
      for (const key of keys) found.add(String(key));
      cursor = String(next);
    } while (cursor !== "0");
    return [...found];
  };

  return {
    specificationVersion: "v1",
    name: "redis",

    async getItem(key) {
      ensureOpen("getItem");
      validateStorageKey(key, "redisStorage.getItem");
      validateServerTexts("redisStorage.getItem", [["key", key, keyRules]]);
      return run("getItem", key, async () => {
        const value = await client.call("HGET", redisKey(key), "value");
        return value === null ? null : String(value);
      });
    },

    async getEntry(key) {
      ensureOpen("getEntry");
      validateStorageKey(key, "redisStorage.getEntry");
      validateServerTexts("redisStorage.getEntry", [["key", key, keyRules]]);
      return run("getEntry", key, () => readEntry(key));
    },

    async setItem(key, value) {
      ensureOpen("setItem");
      validateSetItemArguments(key, value, "redisStorage.setItem");
      validateServerTexts("redisStorage.setItem", [
        ["key", key, keyRules],
        ["value", value, valueRules],
      ]);
      await run("setItem", key, async () => {
        // One HSET writes both fields atomically.
        await client.call("HSET", redisKey(key), "value", value, "version", randomUUID());
      });
    },

    async removeItem(key) {
      ensureOpen("removeItem");
      validateStorageKey(key, "redisStorage.removeItem");
      validateServerTexts("redisStorage.removeItem", [["key", key, keyRules]]);
      await run("removeItem", key, async () => {
        await client.call("DEL", redisKey(key));
      });
    },

    async compareAndSet(key, expectedVersion, value) {
      ensureOpen("compareAndSet");
      validateCompareAndSetArguments(key, expectedVersion, value, "redisStorage.compareAndSet");
      validateServerTexts("redisStorage.compareAndSet", [
        ["key", key, keyRules],
        ["value", value, valueRules],
      ]);
      return run("compareAndSet", key, async () => {
        const reply = await compareAndSet(
          [
            expectedVersion === null ? "0" : "1",
            expectedVersion ?? "",
            value === null ? "0" : "1",
            value ?? "",
            randomUUID(),
          ],
          key,
        );
        return Number(reply) === 1;
      });
    },

    async keys(prefix) {
      ensureOpen("keys");
      validateStoragePrefix(prefix, "redisStorage.keys");
      if (prefix !== undefined) validateServerTexts("redisStorage.keys", [["prefix", prefix, keyRules]]);
      return run("keys", undefined, async () => {
        const keys = (await scan(prefix ?? "")).map((found) => found.slice(keyPrefix.length));
        // The default sort compares UTF-16 code units, which is the order the contract promises.
        return keys.sort();
      });
    },

    async listRange(prefix, options) {
      ensureOpen("listRange");
      validateRangeArguments(prefix, options, "redisStorage.listRange");
      const { after, limit } = options;
      validateServerTexts("redisStorage.listRange", [
        ["prefix", prefix, keyRules],
        ...(after === undefined ? [] : [["options.after", after, keyRules] as const]),
      ]);
      return run("listRange", undefined, () => listRange(prefix, after, limit));
    },

    async clear() {
      ensureOpen("clear");
      await run("clear", undefined, async () => {
        const keys = await scan("");
        for (let start = 0; start < keys.length; start += UNLINK_BATCH) {
          await client.call("UNLINK", ...keys.slice(start, start + UNLINK_BATCH));
        }
      });
    },

    async dispose() {
      disposed = true;
      await pending.settled();
    },
  };
}

/**
 * Escapes the glob characters of `SCAN … MATCH` (`*`, `?`, `[`, `]` and `\`), so the text matches only itself.
 *
 * @example
 * ```ts
 * escapeGlobPattern("user:[1]*"); // "user:\\[1\\]\\*"
 * ```
 */
export function escapeGlobPattern(text: string): string {
  return text.replace(/[\\*?[\]]/g, "\\$&");
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}
