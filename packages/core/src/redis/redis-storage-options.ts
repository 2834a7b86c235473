import { createValidator } from "../validation/validator";

/**
 * What the adapter needs from a Redis client: ioredis's `Redis` fits as it is (its `call` method sends any command).
 * Declared here rather than imported from `ioredis`, so this module loads and type-checks in apps that do not
 * install the driver.
 */
export interface RedisCommandClient {
  /** Sends one command, e.g. `call("HGET", key, "value")`, and resolves with the server's reply. */
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
}

/**
 * Options of {@link createRedisStorage}.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 *
 * const options: RedisStorageOptions = { client: new Redis(process.env.REDIS_URL ?? ""), keyPrefix: "{app}:" };
 * ```
 */
export interface RedisStorageOptions {
  /** A connected ioredis client that you own: the adapter never closes it. Several adapters may share it. */
  client: RedisCommandClient;
  /**
   * Prepended to every key in Redis, so several stores and other data share one database. 1–128 characters among
   * letters, digits, `_`, `.`, `:`, `/` and `-`, with at most one hash tag in braces, such as `"{app}:"`. The
   * prefixes of stores that share a database must not be prefixes of one another, since `keys()` and `clear()` see
   * every key under their own prefix.
   * @default "pelbiot:"
   */
  keyPrefix?: string;
  /**
   * The largest value accepted, in bytes of UTF-8. Larger values are refused with `VALIDATION_ERROR` before any
   * command is sent.
   * @default 16777216 (16 MiB)
   */
  maxValueBytes?: number;
}

/** The options after validation and defaults. */
export interface ResolvedRedisStorageOptions {
  readonly client: RedisCommandClient;
  readonly keyPrefix: string;
  readonly maxValueBytes: number;
}

const OPTION_KEYS = ["client", "keyPrefix", "maxValueBytes"] as const;
const KEY_PREFIX = {
  regex: /^[A-Za-z0-9_.:/-]*(?:\{[A-Za-z0-9_.:/-]+\}[A-Za-z0-9_.:/-]*)?$/,
  description:
    "letters, digits, _ . : / and -, with at most one non-empty hash tag in braces (such as {app}), " +
    "so that no key pattern or slot surprises arise",
};
/** Redis caps a string, and so a hash field, at 512 MiB. */
const MAX_VALUE_BYTES_LIMIT = 512 * 1024 * 1024;

/**
 * Validates the options of {@link createRedisStorage} and applies the defaults.
 *
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` listing every malformed option.
 */
export function resolveRedisStorageOptions(options: unknown): ResolvedRedisStorageOptions {
  const check = createValidator("createRedisStorage");
  if (!check.object("options", options)) check.done();
  const given = options as Record<string, unknown>;
  check.knownKeys("options", given, OPTION_KEYS);
  const { client, keyPrefix = "pelbiot:", maxValueBytes = 16 * 1024 * 1024 } = given;
  const hasCall =
    typeof client === "object" && client !== null && typeof (client as { call?: unknown }).call === "function";
  check.check(hasCall, "options.client", "must be an ioredis client (an object with a call method)");
  check.string("options.keyPrefix", keyPrefix, { maxLength: 128, pattern: KEY_PREFIX });
  check.number("options.maxValueBytes", maxValueBytes, { integer: true, positive: true, max: MAX_VALUE_BYTES_LIMIT });
  check.done();
  return Object.freeze({
    client: client as RedisCommandClient,
    keyPrefix: keyPrefix as string,
    maxValueBytes: maxValueBytes as number,
  });
}
