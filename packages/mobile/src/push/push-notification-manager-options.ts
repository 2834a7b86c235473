import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import { createLogPushTransport } from "./log-push-transport";
import type { PushTransport } from "./push-notification-manager-types";

/**
 * How failed deliveries are retried (through core's `retry`): `transient` and `rate_limited` outcomes only, with
 * capped exponential backoff and full jitter; a provider's `Retry-After` replaces the computed wait.
 *
 * @example
 * ```ts
 * const push = new PushNotificationManager({ retry: { maxAttempts: 3, initialDelayMs: 1_000 } });
 * ```
 */
export interface PushRetryOptions {
  /** The most attempts per device, the first included. @default 4 */
  maxAttempts?: number | undefined;
  /** The ceiling of the first backoff wait, in milliseconds. @default 500 */
  initialDelayMs?: number | undefined;
  /** The largest computed backoff wait, in milliseconds (a provider's `Retry-After` may be longer). @default 60_000 */
  maxDelayMs?: number | undefined;
  /**
   * The total time one delivery may spend retrying, in milliseconds; a wait that would pass it ends the delivery
   * with its last outcome. Bounds long `Retry-After` waits.
   * @default 300_000
   */
  maxElapsedMs?: number | undefined;
}

/**
 * Options of {@link PushNotificationManager}.
 *
 * @example
 * ```ts
 * const push = new PushNotificationManager({ transports: { fcm: createFcmTransport({ serviceAccount }) }, keyPrefix: "app1:push:" });
 * ```
 */
export interface PushNotificationManagerOptions {
  /**
   * The transports by provider name; a device's `provider` picks one. Each provider's token format is checked at
   * registration when its transport can (`checkToken`).
   * @default { log: createLogPushTransport() } (nothing leaves the process)
   */
  transports?: Readonly<Record<string, PushTransport>> | undefined;
  /** The provider of devices registered without one. @default the first key of `transports` */
  defaultProvider?: string | undefined;
  /** Where the device registry lives; give a durable adapter so devices survive a restart. @default createMemoryStorage() */
  storage?: StorageAdapter | undefined;
  /** Prepended to every storage key, so several managers can share one adapter. @default "pelbiot:push:" */
  keyPrefix?: string | undefined;
  /** Time source for retry waits and timestamps; inject a manual clock in tests. @default systemClock */
  clock?: Clock | undefined;
  /** Receives pruned devices and failed deliveries. @default noopLogger */
  logger?: Logger | undefined;
  /** How `transient` and `rate_limited` deliveries are retried; see {@link PushRetryOptions}. */
  retry?: PushRetryOptions | undefined;
  /** How many deliveries of one bulk send are in flight at once. @default 16 */
  maxConcurrency?: number | undefined;
  /** How many delivery results {@link PushNotificationManager.getDeliveryLog} keeps in memory (oldest dropped first). @default 1_000 */
  maxDeliveryLogs?: number | undefined;
  /** Whether devices whose token the provider declared dead are removed from the registry. @default true */
  pruneInvalidTokens?: boolean | undefined;
}

/** Every option of {@link PushNotificationManagerOptions}, in documentation order. */
export const PUSH_NOTIFICATION_MANAGER_OPTION_KEYS = [
  "transports",
  "defaultProvider",
  "storage",
  "keyPrefix",
  "clock",
  "logger",
  "retry",
  "maxConcurrency",
  "maxDeliveryLogs",
  "pruneInvalidTokens",
] as const satisfies ReadonlyArray<keyof PushNotificationManagerOptions>;

const RETRY_OPTION_KEYS = ["maxAttempts", "initialDelayMs", "maxDelayMs", "maxElapsedMs"] as const;

/** The manager's options with every default applied. */
export interface ResolvedPushNotificationManagerOptions {
  readonly transports: Readonly<Record<string, PushTransport>>;
  readonly defaultProvider: string;
  readonly storage: StorageAdapter;
  readonly keyPrefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retry: Readonly<Required<PushRetryOptions>>;
  readonly maxConcurrency: number;
  readonly maxDeliveryLogs: number;
  readonly pruneInvalidTokens: boolean;
}

const DEFAULT_RETRY = { maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 60_000, maxElapsedMs: 300_000 } as const;
const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Validates the options of `new PushNotificationManager(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted
 * keys and the nearest one for a typo).
 * @example
 * ```ts
 * resolvePushNotificationManagerOptions({}).defaultProvider; // "log"
 * ```
 */
export function resolvePushNotificationManagerOptions(options: unknown): ResolvedPushNotificationManagerOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("PushNotificationManager constructor");
  if (!check.object("options", given)) check.done();
  const input = given as PushNotificationManagerOptions;
  check.knownKeys("options", given as Record<string, unknown>, PUSH_NOTIFICATION_MANAGER_OPTION_KEYS);
  const names = checkTransports(check, input.transports);
  if (input.defaultProvider !== undefined && check.string("options.defaultProvider", input.defaultProvider)) {
    check.check(
      names.includes(input.defaultProvider),
      "options.defaultProvider",
      `must name one of the transports (${names.join(", ")})`,
    );
  }
  if (input.storage !== undefined) check.storage("options.storage", input.storage);
  if (input.keyPrefix !== undefined)
    check.string("options.keyPrefix", input.keyPrefix, { minLength: 0, maxLength: 100 });
  if (input.clock !== undefined) check.clock("options.clock", input.clock);
  if (input.logger !== undefined) check.logger("options.logger", input.logger);
  checkRetry(check, input.retry);
  if (input.maxConcurrency !== undefined) {
    check.number("options.maxConcurrency", input.maxConcurrency, { integer: true, min: 1, max: 1_000 });
  }
  if (input.maxDeliveryLogs !== undefined) {
    check.number("options.maxDeliveryLogs", input.maxDeliveryLogs, { integer: true, min: 0, max: 1_000_000 });
  }
  if (input.pruneInvalidTokens !== undefined) check.boolean("options.pruneInvalidTokens", input.pruneInvalidTokens);
  check.done();

  const transports = Object.freeze({ ...(input.transports ?? { log: createLogPushTransport() }) });
  return Object.freeze({
    transports,
    defaultProvider: input.defaultProvider ?? Object.keys(transports)[0] ?? "log",
    storage: input.storage ?? createMemoryStorage(),
    keyPrefix: input.keyPrefix ?? "pelbiot:push:",
    clock: input.clock ?? systemClock,
    logger: input.logger ?? noopLogger,
    retry: Object.freeze({ ...DEFAULT_RETRY, ...definedOnly(input.retry ?? {}) }),
    maxConcurrency: input.maxConcurrency ?? 16,
    maxDeliveryLogs: input.maxDeliveryLogs ?? 1_000,
    pruneInvalidTokens: input.pruneInvalidTokens ?? true,
  });
}

// Returns the provider names, for the defaultProvider check.
function checkTransports(check: Validator, transports: unknown): string[] {
  if (transports === undefined) return ["log"];
  if (!check.object("options.transports", transports)) return [];
  const names = Object.keys(transports);
  check.check(names.length > 0, "options.transports", "must hold at least one transport");
  for (const name of names) {
    const path = `options.transports.${name}`;
    check.check(PROVIDER_NAME.test(name), path, "must be named with 1-32 lower-case letters, digits, '-' or '_'");
    const transport = transports[name];
    if (!check.object(path, transport)) continue;
    check.fn(`${path}.send`, transport.send);
    check.number(`${path}.maxBatchSize`, transport.maxBatchSize, { integer: true, min: 1 });
    if (transport.checkToken !== undefined) check.fn(`${path}.checkToken`, transport.checkToken);
  }
  return names;
}

function checkRetry(check: Validator, retry: unknown): void {
  if (retry === undefined || !check.object("options.retry", retry)) return;
  check.knownKeys("options.retry", retry, RETRY_OPTION_KEYS);
  const { maxAttempts, initialDelayMs, maxDelayMs, maxElapsedMs } = retry;
  if (maxAttempts !== undefined)
    check.number("options.retry.maxAttempts", maxAttempts, { integer: true, min: 1, max: 20 });
  if (initialDelayMs !== undefined) check.durationMs("options.retry.initialDelayMs", initialDelayMs);
  if (maxDelayMs !== undefined) check.durationMs("options.retry.maxDelayMs", maxDelayMs);
  if (maxElapsedMs !== undefined) check.durationMs("options.retry.maxElapsedMs", maxElapsedMs, { min: 1 });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
