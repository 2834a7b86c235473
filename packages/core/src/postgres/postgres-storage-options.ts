import { createValidator } from "../validation/validator";

/** One result of {@link PostgresQueryable.query}: the part of a node-postgres `QueryResult` the adapter reads. */
export interface PostgresQueryResult {
  /** The rows, as objects keyed by column name. */
  readonly rows: ReadonlyArray<Record<string, unknown>>;
  /** How many rows the statement inserted, updated or deleted. */
  readonly rowCount: number | null;
}

/**
 * What the adapter needs from a PostgreSQL client: a node-postgres (`pg`) `Pool` fits as it is. Declared here rather
 * than imported from `pg`, so this module loads and type-checks in apps that do not install the driver.
 */
export interface PostgresQueryable {
  /** Runs one statement; `values` fill its `$1`, `$2`, … parameters. */
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
}

/**
 * Options of {@link createPostgresStorage}: exactly one of `pool` and `connectionString`.
 *
 * @example
 * ```ts
 * import pg from "pg";
 *
 * const options: PostgresStorageOptions = { pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) };
 * ```
 */
export interface PostgresStorageOptions {
  /**
   * A node-postgres `Pool` (or anything with its `query` method) that you own: the adapter never ends it. Several
   * adapters may share one pool.
   */
  pool?: PostgresQueryable;
  /**
   * A `postgres://` connection string. The adapter then loads `pg` on first use, creates its own pool and ends it in
   * `dispose()`.
   */
  connectionString?: string;
  /**
   * The table that holds the keys: lower-case letters, digits and `_`, starting with a letter or `_`, at most 48
   * characters. It is created on first use when missing.
   * @default "pelbiot_storage"
   */
  table?: string;
  /**
   * The schema of the table, with the same rules as `table`. It must exist; the adapter creates only the table.
   * @default "public"
   */
  schema?: string;
  /**
   * The largest value accepted, in bytes of UTF-8. Larger values are refused with `VALIDATION_ERROR` before any
   * query.
   * @default 16777216 (16 MiB)
   */
  maxValueBytes?: number;
}

/** The options after validation and defaults. */
export interface ResolvedPostgresStorageOptions {
  readonly pool: PostgresQueryable | undefined;
  readonly connectionString: string | undefined;
  readonly table: string;
  readonly schema: string;
  readonly maxValueBytes: number;
}

const OPTION_KEYS = ["pool", "connectionString", "table", "schema", "maxValueBytes"] as const;
/** Safe to interpolate into SQL unquoted and still quoted: PostgreSQL identifiers are at most 63 bytes. */
const IDENTIFIER = {
  regex: /^[a-z_][a-z0-9_]{0,47}$/,
  description: "1–48 lower-case letters, digits or _, not starting with a digit",
};
/** The largest value PostgreSQL can store in one field is 1 GiB. */
const MAX_VALUE_BYTES_LIMIT = 1024 * 1024 * 1024 - 1;

/**
 * Validates the options of {@link createPostgresStorage} and applies the defaults.
 *
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` listing every malformed option.
 */
export function resolvePostgresStorageOptions(options: unknown): ResolvedPostgresStorageOptions {
  const check = createValidator("createPostgresStorage");
  if (!check.object("options", options)) {
    check.done();
  }
  const given = options as Record<string, unknown>;
  check.knownKeys("options", given, OPTION_KEYS);
  const {
    pool,
    connectionString,
    table = "pelbiot_storage",
    schema = "public",
    maxValueBytes = 16 * 1024 * 1024,
  } = given;
  if (pool !== undefined) {
    const hasQuery =
      typeof pool === "object" && pool !== null && typeof (pool as { query?: unknown }).query === "function";
    check.check(hasQuery, "options.pool", "must be a node-postgres Pool (an object with a query method)");
  }
  if (connectionString !== undefined) check.string("options.connectionString", connectionString);
  check.check(
    (pool === undefined) !== (connectionString === undefined),
    "options",
    pool === undefined ? "must have a pool or a connectionString" : "must have a pool or a connectionString, not both",
  );
  check.string("options.table", table, { pattern: IDENTIFIER });
  check.string("options.schema", schema, { pattern: IDENTIFIER });
  check.number("options.maxValueBytes", maxValueBytes, { integer: true, positive: true, max: MAX_VALUE_BYTES_LIMIT });
  check.done();
  return Object.freeze({
    pool: pool as PostgresQueryable | undefined,
    connectionString: connectionString as string | undefined,
    table: table as string,
    schema: schema as string,
    maxValueBytes: maxValueBytes as number,
  });
}
