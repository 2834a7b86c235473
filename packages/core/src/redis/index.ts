/**
 * @module @pelbiot/core/redis
 *
 * The Redis storage adapter, for an ioredis client (`ioredis`, an optional peer dependency). Importing this module
 * does not load `ioredis`: the adapter uses the client you pass.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createRedisStorage } from "@pelbiot/core/redis";
 *
 * const storage = createRedisStorage({ client: new Redis(), keyPrefix: "{pelbiot}:" });
 * ```
 */
export { createRedisStorage, escapeGlobPattern } from "./redis-storage";
export type { RedisCommandClient, RedisStorageOptions } from "./redis-storage-options";
