/**
 * @module @pelbiot/core/postgres
 *
 * The PostgreSQL storage adapter, on node-postgres (`pg`, an optional peer dependency). Importing this module does
 * not load `pg`: pass your own pool, or a connection string and `pg` is loaded on first use.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createPostgresStorage } from "@pelbiot/core/postgres";
 *
 * const storage = createPostgresStorage({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * ```
 */
export { createPostgresStorage, escapeLikePattern, MAX_POSTGRES_KEY_BYTES } from "./postgres-storage";
export type {
  PostgresQueryable,
  PostgresQueryResult,
  PostgresStorageOptions,
} from "./postgres-storage-options";
