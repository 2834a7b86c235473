import { PelbiotError } from "../errors/pelbiot-error";
import { createPendingOperations } from "../internal/pending-operations";
import { validateServerTexts } from "../internal/server-storage-checks";
import type { StorageAdapter, StorageEntry, StorageRangeEntry } from "../storage/storage-adapter";
import { compareStorageKeys, validateRangeArguments } from "../storage/storage-range";
import {
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "../storage/validate-key";
import {
  type PostgresQueryable,
  type PostgresStorageOptions,
  resolvePostgresStorageOptions,
} from "./postgres-storage-options";

/**
 * The longest key the PostgreSQL adapter accepts, in bytes of UTF-8. A B-tree index entry must fit in a third of a
 * page (about 2.7 kB); this bound leaves room for the entry's header. Every key of up to 1024 characters from the
 * Basic Latin, Latin-1 and most alphabetic blocks fits; a 1024-character key of CJK text (3 bytes each) does not.
 */
export const MAX_POSTGRES_KEY_BYTES = 2048;

/** The largest `bigint`: no version can be above it, so a larger expected version matches nothing. */
const MAX_BIGINT = 9223372036854775807n;
const VERSION_TEXT = /^[1-9][0-9]{0,18}$/;

/** A pool the adapter created itself, from a connection string; it ends it in `dispose()`. */
interface OwnedPool extends PostgresQueryable {
  end(): Promise<void>;
}

/**
 * Creates a {@link StorageAdapter} over one PostgreSQL table, through node-postgres (`pg`). Any number of processes
 * may share the table; `compareAndSet` is atomic across all of them.
 *
 * The table has four columns: `key text COLLATE "C" PRIMARY KEY`, `value bytea` (the value's UTF-8 bytes, so NUL
 * characters survive), `version bigint` and `updated_at timestamptz`. It and its version sequence
 * (`<table>_version_seq`) are created on first use with `CREATE … IF NOT EXISTS` under an advisory lock, so many
 * processes may start at once. Every write takes a fresh number from the sequence, so a version never repeats for a
 * key, even after the key is deleted and written again.
 *
 * - `compareAndSet` is one statement: `INSERT … ON CONFLICT DO NOTHING` to create, `UPDATE … WHERE key = $1 AND
 *   version = $3` to replace and `DELETE … WHERE key = $1 AND version = $2` to delete. PostgreSQL re-checks the
 *   condition on the newest row when writers race, so exactly one of them wins.
 * - `keys(prefix)` is a range query on the primary key (`key >= $1 AND key LIKE $2 ESCAPE '\'`, with `%`, `_` and
 *   `\` of the prefix escaped), which the `"C"` collation lets PostgreSQL answer from the index.
 * - `listRange(prefix, { after, limit })` is one index range scan: `key > $after AND key LIKE 'prefix%' ORDER BY key
 *   LIMIT $n` (the larger of prefix and cursor as the lower bound), so a page costs one statement and reads only its
 *   own rows however long the table is. The `"C"` collation orders keys by code point, the capability's order.
 * - Every value reaches the server as a query parameter; only the validated table and schema names are part of the
 *   SQL text.
 *
 * Give it your own `pool` (recommended: it is never ended by the adapter), or a `connectionString`, in which case
 * `pg` is loaded on first use and the pool is ended by `dispose()`. Importing this module never loads `pg`.
 *
 * @param options - A `pool` or a `connectionString`, and optionally `table`, `schema` and `maxValueBytes`.
 * @returns An adapter named `"postgres"`. Its methods reject with `STORAGE_ERROR` (the driver's error as `cause`)
 *   when the server cannot be reached or a statement fails, `CONFIGURATION_ERROR` when a `connectionString` is given
 *   but `pg` is not installed, and `VALIDATION_ERROR` before any query for malformed arguments, keys holding NUL or
 *   a lone surrogate, keys over {@link MAX_POSTGRES_KEY_BYTES} bytes and values over `maxValueBytes`.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when the options are malformed, unknown, or name an unsafe
 *   table or schema.
 * @example
 * ```ts
 * import pg from "pg";
 * import { createPostgresStorage } from "@pelbiot/core/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const storage = createPostgresStorage({ pool, table: "pelbiot_storage" });
 * await storage.setItem("device:42", JSON.stringify({ name: "boiler" }));
 * const entry = await storage.getEntry("device:42");
 * await storage.compareAndSet("device:42", entry?.version ?? null, JSON.stringify({ name: "heater" }));
 * await storage.dispose?.();
 * await pool.end();
 * ```
 */
export function createPostgresStorage(options: PostgresStorageOptions): StorageAdapter {
  const resolved = resolvePostgresStorageOptions(options);
  const { schema, table, maxValueBytes, connectionString } = resolved;
  const qualifiedTable = `"${schema}"."${table}"`;
  const sequenceName = `"${schema}"."${table}_version_seq"`;
  const nextVersion = `nextval('${sequenceName}')`;
  const keyRules = { allowNul: false, maxBytes: MAX_POSTGRES_KEY_BYTES } as const;
  const valueRules = { allowNul: true, maxBytes: maxValueBytes } as const;
  // A cursor need not be a stored key, so only what PostgreSQL text cannot hold is refused.
  const cursorRules = { allowNul: false, maxBytes: Number.POSITIVE_INFINITY } as const;
  const pending = createPendingOperations();
  let pool: Promise<PostgresQueryable> | undefined =
    resolved.pool === undefined ? undefined : Promise.resolve(resolved.pool);
  let ownedPool: OwnedPool | undefined;
  let ready: Promise<void> | undefined;
  let disposed = false;

  const ensureOpen = (method: string): void => {
    if (disposed) {
      throw new PelbiotError(
        "STORAGE_ERROR",
        `postgresStorage.${method} was called after dispose(); create a new PostgreSQL storage instead.`,
        { details: { table: `${schema}.${table}` } },
      );
    }
  };

  const getPool = (): Promise<PostgresQueryable> => {
    if (pool === undefined) {
      const loading = createOwnedPool(connectionString ?? "").then((created) => {
        ownedPool = created;
        return created;
      });
      loading.catch(() => {
        if (pool === loading) pool = undefined;
      });
      pool = loading;
    }
    return pool;
  };

  const migrate = async (client: PostgresQueryable): Promise<void> => {
    // One simple-protocol query runs as one transaction, so the advisory lock is held until the table exists and
    // processes that start together do not race on the catalog.
    await client.query(
      `SELECT pg_advisory_xact_lock(1885693026, hashtext('${schema}.${table}'));
CREATE SEQUENCE IF NOT EXISTS ${sequenceName};
CREATE TABLE IF NOT EXISTS ${qualifiedTable} (
  key text COLLATE "C" PRIMARY KEY,
  value bytea NOT NULL,
  version bigint NOT NULL DEFAULT ${nextVersion},
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
    );
  };

  const ensureReady = async (): Promise<PostgresQueryable> => {
    const client = await getPool();
    if (ready === undefined) {
      const migrating = migrate(client);
      // A failed migration (the server was down, say) is retried by the next call instead of sticking.
      migrating.catch(() => {
        if (ready === migrating) ready = undefined;
      });
      ready = migrating;
    }
    await ready;
    return client;
  };

  // Runs one public operation: waits for the table, maps driver errors and lets dispose() wait for it.
  const run = <T>(method: string, key: string | undefined, task: (client: PostgresQueryable) => Promise<T>) => {
    const operation = (async () => {
      try {
        return await task(await ensureReady());
      } catch (error) {
        throw toStorageError(error, method, key);
      }
    })();
    return pending.track(operation);
  };

  const toStorageError = (error: unknown, method: string, key: string | undefined): PelbiotError => {
    if (PelbiotError.is(error)) return error;
    const reason = error instanceof Error ? error.message || error.name : String(error);
    const subject = key === undefined ? "" : ` for key ${quoteKey(key)}`;
    return new PelbiotError(
      "STORAGE_ERROR",
      `postgresStorage.${method} failed${subject} on table ${schema}.${table}: ${reason}`,
      { cause: error, details: { table: `${schema}.${table}`, ...(key === undefined ? {} : { key }) } },
    );
  };

  return {
    specificationVersion: "v1",
    name: "postgres",

    async getItem(key) {
      ensureOpen("getItem");
      validateStorageKey(key, "postgresStorage.getItem");
      validateServerTexts("postgresStorage.getItem", [["key", key, keyRules]]);
      return run("getItem", key, async (client) => {
        const result = await client.query(`SELECT value FROM ${qualifiedTable} WHERE key = $1`, [key]);
        const row = result.rows[0];
        return row === undefined ? null : decodeValue(row.value);
      });
    },

    async getEntry(key) {
      ensureOpen("getEntry");
      validateStorageKey(key, "postgresStorage.getEntry");
      validateServerTexts("postgresStorage.getEntry", [["key", key, keyRules]]);
      return run("getEntry", key, async (client): Promise<StorageEntry | null> => {
        const result = await client.query(
          `SELECT value, version::text AS version FROM ${qualifiedTable} WHERE key = $1`,
          [key],
        );
        const row = result.rows[0];
        return row === undefined
          ? null
          : Object.freeze({ value: decodeValue(row.value), version: String(row.version) });
      });
    },

    async setItem(key, value) {
      ensureOpen("setItem");
      validateSetItemArguments(key, value, "postgresStorage.setItem");
      validateServerTexts("postgresStorage.setItem", [
        ["key", key, keyRules],
        ["value", value, valueRules],
      ]);
      await run("setItem", key, async (client) => {
        await client.query(
          `INSERT INTO ${qualifiedTable} (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = ${nextVersion}, updated_at = now()`,
          [key, Buffer.from(value, "utf8")],
        );
      });
    },

    async removeItem(key) {
      ensureOpen("removeItem");
      validateStorageKey(key, "postgresStorage.removeItem");
      validateServerTexts("postgresStorage.removeItem", [["key", key, keyRules]]);
      await run("removeItem", key, async (client) => {
        await client.query(`DELETE FROM ${qualifiedTable} WHERE key = $1`, [key]);
      });
    },

    async compareAndSet(key, expectedVersion, value) {
      ensureOpen("compareAndSet");
      validateCompareAndSetArguments(key, expectedVersion, value, "postgresStorage.compareAndSet");
      validateServerTexts("postgresStorage.compareAndSet", [
        ["key", key, keyRules],
        ["value", value, valueRules],
      ]);
      return run("compareAndSet", key, async (client) => {
        if (expectedVersion === null) {
          if (value === null) {
            const result = await client.query(`SELECT 1 FROM ${qualifiedTable} WHERE key = $1`, [key]);
            return result.rows.length === 0;
          }
          const result = await client.query(
            `INSERT INTO ${qualifiedTable} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
            [key, Buffer.from(value, "utf8")],
          );
          return result.rowCount === 1;
        }
        // A version this adapter never hands out (another adapter's, or text) can match no row.
        if (!VERSION_TEXT.test(expectedVersion) || BigInt(expectedVersion) > MAX_BIGINT) return false;
        const result =
          value === null
            ? await client.query(`DELETE FROM ${qualifiedTable} WHERE key = $1 AND version = $2::bigint`, [
                key,
                expectedVersion,
              ])
            : await client.query(
                `UPDATE ${qualifiedTable} SET value = $2, version = ${nextVersion}, updated_at = now()
WHERE key = $1 AND version = $3::bigint`,
                [key, Buffer.from(value, "utf8"), expectedVersion],
              );
        return result.rowCount === 1;
      });
    },

    async keys(prefix) {
      ensureOpen("keys");
      validateStoragePrefix(prefix, "postgresStorage.keys");
      if (prefix !== undefined) {
        validateServerTexts("postgresStorage.keys", [["prefix", prefix, keyRules]]);
      }
      return run("keys", undefined, async (client) => {
        const result =
          prefix === undefined || prefix === ""
            ? await client.query(`SELECT key FROM ${qualifiedTable}`)
            : await client.query(`SELECT key FROM ${qualifiedTable} WHERE key >= $1 AND key LIKE $2 ESCAPE '\\'`, [
                prefix,
                `${escapeLikePattern(prefix)}%`,
              ]);
        // Sorted here: the contract wants UTF-16 code-unit order, and the "C" collation sorts by code point.
        return result.rows.map((row) => String(row.key)).sort();
      });
    },

    async listRange(prefix, options) {
      ensureOpen("listRange");
      validateRangeArguments(prefix, options, "postgresStorage.listRange");
      const { after, limit } = options;
      validateServerTexts("postgresStorage.listRange", [
        ["prefix", prefix, keyRules],
        ...(after === undefined ? [] : [["options.after", after, cursorRules] as const]),
      ]);
      return run("listRange", undefined, async (client): Promise<StorageRangeEntry[]> => {
        // The lower bound is the larger of the prefix and the cursor, so the primary-key index starts the scan there
        // and ORDER BY … LIMIT stops it after `limit` rows; LIKE only filters out the rows past the prefix.
        const inclusive = after === undefined || compareStorageKeys(after, prefix) < 0;
        const lowerBound = inclusive ? prefix : after;
        const result = await client.query(
          `SELECT key, value, version::text AS version FROM ${qualifiedTable}
WHERE key ${inclusive ? ">=" : ">"} $1 AND key LIKE $2 ESCAPE '\\' ORDER BY key LIMIT $3`,
          [lowerBound, `${escapeLikePattern(prefix)}%`, limit],
        );
        return result.rows.map((row) =>
          Object.freeze({ key: String(row.key), value: decodeValue(row.value), version: String(row.version) }),
        );
      });
    },

    async clear() {
      ensureOpen("clear");
      await run("clear", undefined, async (client) => {
        await client.query(`DELETE FROM ${qualifiedTable}`);
      });
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      await pending.settled();
      await pool?.catch(() => undefined);
      await ownedPool?.end().catch(() => undefined);
    },
  };
}

/**
 * Escapes the `LIKE` metacharacters `%`, `_` and the escape character `\`, so the text matches only itself.
 *
 * @example
 * ```ts
 * escapeLikePattern("50%_off\\"); // "50\\%\\_off\\\\"
 * ```
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

async function createOwnedPool(connectionString: string): Promise<OwnedPool> {
  let driver: unknown;
  try {
    driver = await import("pg");
  } catch (error) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "createPostgresStorage was given a connectionString, which needs the pg package: install it " +
        "(npm install pg) or pass your own pool.",
      { cause: error },
    );
  }
  type PoolConstructor = new (config: {
    connectionString: string;
  }) => OwnedPool & {
    on(event: "error", listener: (error: Error) => void): unknown;
  };
  const exports = driver as { Pool?: PoolConstructor; default?: { Pool?: PoolConstructor } };
  const Pool = exports.Pool ?? exports.default?.Pool;
  if (Pool === undefined) {
    throw new PelbiotError("CONFIGURATION_ERROR", "The installed pg package has no Pool export; install pg 8.");
  }
  const created = new Pool({ connectionString });
  // An idle connection that drops is reported here; the next query reconnects or fails with STORAGE_ERROR.
  created.on("error", () => undefined);
  return created;
}

function decodeValue(stored: unknown): string {
  if (Buffer.isBuffer(stored)) return stored.toString("utf8");
  // A pool whose bytea parser was replaced may hand back the text form, `\x` followed by hex digits.
  if (typeof stored === "string" && stored.startsWith("\\x"))
    return Buffer.from(stored.slice(2), "hex").toString("utf8");
  throw new PelbiotError("STORAGE_ERROR", `postgresStorage read a value of unexpected type ${typeof stored}`);
}

function quoteKey(key: string): string {
  return JSON.stringify(key.length > 100 ? `${key.slice(0, 100)}…` : key);
}
