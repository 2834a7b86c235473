import {
  type BackoffOptions,
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import { checkPushBytesOption, DEFAULT_MAX_MUTATION_BYTES, defaultMaxPushBytes } from "./mutation-limits";
import type { ConflictStrategy } from "./sync-types";

/** Options for {@link OfflineSyncManager}. */
export interface OfflineSyncManagerOptions {
  /** Where queues and records live. Pass an AsyncStorage/IndexedDB/localStorage adapter on devices. @default createMemoryStorage() */
  storage?: StorageAdapter;
  /**
   * How conflicts are resolved automatically. `"field-merge"` merges fields only one side changed and gives a field
   * both sides changed (or a delete against an edit) to the later writer by hybrid-logical-clock timestamp;
   * `"manual"` holds every conflict for {@link OfflineSyncManager.resolveConflict}. @default "field-merge"
   */
  conflictStrategy?: ConflictStrategy;
  /** Most mutations a device may hold unsynced; the next save fails with `LIMIT_EXCEEDED`. @default 10000 */
  maxOfflineRecords?: number;
  /**
   * Largest size of one mutation's data, in UTF-8 bytes of its JSON; the coordinator's default is the same. Data is
   * also limited to 64 levels of nesting and 10000 keys. Pulled changes over the limits are quarantined.
   * @default 262144
   */
  maxMutationSize?: number;
  /**
   * Most UTF-8 bytes per push (the JSON array of its mutations): `sync` splits the queue to stay under it. Match the
   * coordinator's `maxPushBytes`. At least `maxMutationSize` + 16384. @default 1048576
   */
  maxPushBytes?: number;
  /** Time source for hybrid-logical-clock timestamps and automatic sync. @default systemClock */
  clock?: Clock;
  /** Where quarantined changes, rejected mutations and failed automatic rounds are reported. @default noopLogger */
  logger?: Logger;
  /** Key prefix inside the storage adapter, so several managers can share one adapter. @default "pelbiot:sync:" */
  keyPrefix?: string;
}

/** Every option of {@link OfflineSyncManagerOptions}. */
export const OFFLINE_SYNC_MANAGER_OPTION_KEYS = [
  "storage",
  "conflictStrategy",
  "maxOfflineRecords",
  "maxMutationSize",
  "maxPushBytes",
  "clock",
  "logger",
  "keyPrefix",
] as const;

/** The manager's options with every default applied. */
export type ResolvedOfflineSyncManagerOptions = Readonly<Required<OfflineSyncManagerOptions>>;

/** Options for {@link OfflineSyncManager.startAutoSync}. */
export interface AutoSyncOptions {
  /** Time between rounds, in milliseconds (MobileAppConfig's `offlineSyncIntervalMs`). @default 30000 */
  intervalMs?: number;
  /** Rounds in a row to try on transient failures before `sync_failed`. @default 4 */
  maxAttempts?: number;
  /** Backoff between those tries (core's exponential backoff with full jitter). @default { initialDelayMs: 1000 } */
  backoff?: BackoffOptions;
}

/** Every option of {@link AutoSyncOptions}. */
export const AUTO_SYNC_OPTION_KEYS = ["intervalMs", "maxAttempts", "backoff"] as const;

/** Automatic sync options with every default applied. */
export type ResolvedAutoSyncOptions = Readonly<Required<AutoSyncOptions>>;

const STRATEGIES = ["server-wins", "client-wins", "last-writer-wins", "field-merge", "manual"] as const;

/**
 * Validates the options of `new OfflineSyncManager(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted keys).
 * @example
 * ```ts
 * resolveOfflineSyncManagerOptions({ conflictStrategy: "manual" }).keyPrefix; // "pelbiot:sync:"
 * ```
 */
export function resolveOfflineSyncManagerOptions(options: unknown): ResolvedOfflineSyncManagerOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("OfflineSyncManager constructor");
  if (check.object("options", given)) {
    check.knownKeys("options", given, OFFLINE_SYNC_MANAGER_OPTION_KEYS);
    checkManagerOptions(check, given);
  }
  check.done();
  const resolved = given as OfflineSyncManagerOptions;
  const maxMutationSize = resolved.maxMutationSize ?? DEFAULT_MAX_MUTATION_BYTES;
  return Object.freeze({
    storage: resolved.storage ?? createMemoryStorage(),
    conflictStrategy: resolved.conflictStrategy ?? "field-merge",
    maxOfflineRecords: resolved.maxOfflineRecords ?? 10_000,
    maxMutationSize,
    maxPushBytes: resolved.maxPushBytes ?? defaultMaxPushBytes(maxMutationSize),
    clock: resolved.clock ?? systemClock,
    logger: resolved.logger ?? noopLogger,
    keyPrefix: resolved.keyPrefix ?? "pelbiot:sync:",
  });
}

function checkManagerOptions(check: Validator, options: Record<string, unknown>): void {
  const { conflictStrategy, maxOfflineRecords, maxMutationSize, maxPushBytes, keyPrefix } = options;
  if (conflictStrategy !== undefined && typeof conflictStrategy !== "function") {
    check.oneOf("options.conflictStrategy", conflictStrategy, STRATEGIES);
  }
  if (maxOfflineRecords !== undefined) {
    check.number("options.maxOfflineRecords", maxOfflineRecords, { integer: true, min: 1 });
  }
  const mutationSizeOk =
    maxMutationSize === undefined ||
    check.number("options.maxMutationSize", maxMutationSize, { integer: true, min: 2 });
  if (maxPushBytes !== undefined && mutationSizeOk) {
    const mutationBytes = typeof maxMutationSize === "number" ? maxMutationSize : DEFAULT_MAX_MUTATION_BYTES;
    checkPushBytesOption(check, "options.maxPushBytes", maxPushBytes, mutationBytes);
  }
  if (options.storage !== undefined) check.storage("options.storage", options.storage);
  if (options.clock !== undefined) check.clock("options.clock", options.clock);
  if (options.logger !== undefined) check.logger("options.logger", options.logger);
  if (keyPrefix !== undefined) check.string("options.keyPrefix", keyPrefix, { minLength: 0, maxLength: 100 });
}

/**
 * Validates the options of {@link OfflineSyncManager.startAutoSync} and applies the defaults.
 *
 * @param check - The validator of the `startAutoSync` call; issues are added to it.
 * @param options - The per-call options.
 * @returns The resolved options (meaningful only when `check` has no issues).
 */
export function resolveAutoSyncOptions(check: Validator, options: unknown): ResolvedAutoSyncOptions {
  const given = options === undefined ? {} : options;
  if (check.object("options", given)) {
    check.knownKeys("options", given, AUTO_SYNC_OPTION_KEYS);
    if (given.intervalMs !== undefined) check.durationMs("options.intervalMs", given.intervalMs, { min: 100 });
    if (given.maxAttempts !== undefined) {
      check.number("options.maxAttempts", given.maxAttempts, { integer: true, min: 1 });
    }
    if (given.backoff !== undefined) check.object("options.backoff", given.backoff);
  }
  const resolved = given as AutoSyncOptions;
  return Object.freeze({
    intervalMs: resolved.intervalMs ?? 30_000,
    maxAttempts: resolved.maxAttempts ?? 4,
    backoff: resolved.backoff ?? { initialDelayMs: 1000 },
  });
}
