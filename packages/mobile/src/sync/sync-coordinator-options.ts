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
import { checkPushBytesOption, DEFAULT_MAX_MUTATION_BYTES, defaultMaxPushBytes } from "./mutation-limits";
import type { QueuedMutation, ServerRecord } from "./sync-types";

/** Decides whether a mutation may be written; return a reason to reject it for good. */
export type MutationValidator = (mutation: QueuedMutation, current: ServerRecord | null) => string | undefined;

/** Options for {@link createSyncCoordinator}. */
export interface SyncCoordinatorOptions {
  /** Where the change log lives. Every coordinator process sharing it sees one consistent history. @default createMemoryStorage() */
  storage?: StorageAdapter;
  /** Application rules; a returned string rejects the mutation without blocking the device's other mutations. */
  validateMutation?: MutationValidator;
  /** Key prefix inside the storage adapter. @default "pelbiot:sync-server:" */
  keyPrefix?: string;
  /** Most mutations accepted in one push. @default 1000 */
  maxPushSize?: number;
  /**
   * Most UTF-8 bytes of the pushed mutations, as a JSON array; a larger push fails whole with `LIMIT_EXCEEDED`
   * (devices split their queue to stay under it). At least `maxMutationSize` + 16384. @default 1048576
   */
  maxPushBytes?: number;
  /**
   * Largest size of one mutation's data, in UTF-8 bytes of its JSON; the same default as the device's. A larger one
   * is rejected with `VALIDATION_ERROR`, as is data more than 64 levels deep or with more than 10000 keys, or an
   * invalid HLC. @default 262144
   */
  maxMutationSize?: number;
  /**
   * How far a mutation's hybrid-logical-clock time may run ahead of `clock`, in whole milliseconds; a mutation
   * further ahead is rejected with `LIMIT_EXCEEDED`, since it would win every last-writer-wins conflict until real
   * time caught up. A day tolerates devices set to the wrong time zone or a stale manual time, which are hours off,
   * not years.
   * @default 86400000
   */
  maxClockDriftMs?: number;
  /** Time source for the drift check. @default systemClock */
  clock?: Clock;
  /** Where refused pushes are reported. @default noopLogger */
  logger?: Logger;
  /** Most changes returned by one pull. @default 1000 */
  maxPullSize?: number;
}

/** Every option of {@link SyncCoordinatorOptions}. */
export const SYNC_COORDINATOR_OPTION_KEYS = [
  "storage",
  "validateMutation",
  "keyPrefix",
  "maxPushSize",
  "maxPullSize",
  "maxPushBytes",
  "maxMutationSize",
  "maxClockDriftMs",
  "clock",
  "logger",
] as const;

/** The coordinator's options with every default applied (`validateMutation` stays optional). */
export type ResolvedSyncCoordinatorOptions = Readonly<
  Required<Omit<SyncCoordinatorOptions, "validateMutation">> & Pick<SyncCoordinatorOptions, "validateMutation">
>;

/**
 * Validates the options of {@link createSyncCoordinator} and applies the defaults.
 *
 * @param options - The factory's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted keys).
 * @example
 * ```ts
 * resolveSyncCoordinatorOptions({ maxPullSize: 200 }).maxPushSize; // 1000
 * ```
 */
export function resolveSyncCoordinatorOptions(options: unknown): ResolvedSyncCoordinatorOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("createSyncCoordinator");
  if (check.object("options", given)) {
    check.knownKeys("options", given, SYNC_COORDINATOR_OPTION_KEYS);
    checkCoordinatorOptions(check, given);
  }
  check.done();
  const resolved = given as SyncCoordinatorOptions;
  const maxMutationSize = resolved.maxMutationSize ?? DEFAULT_MAX_MUTATION_BYTES;
  return Object.freeze({
    storage: resolved.storage ?? createMemoryStorage(),
    ...(resolved.validateMutation === undefined ? {} : { validateMutation: resolved.validateMutation }),
    keyPrefix: resolved.keyPrefix ?? "pelbiot:sync-server:",
    maxPushSize: resolved.maxPushSize ?? 1000,
    maxPullSize: resolved.maxPullSize ?? 1000,
    maxMutationSize,
    maxPushBytes: resolved.maxPushBytes ?? defaultMaxPushBytes(maxMutationSize),
    maxClockDriftMs: resolved.maxClockDriftMs ?? 86_400_000,
    clock: resolved.clock ?? systemClock,
    logger: resolved.logger ?? noopLogger,
  });
}

function checkCoordinatorOptions(check: Validator, options: Record<string, unknown>): void {
  const { maxMutationSize, maxPushBytes } = options;
  if (options.validateMutation !== undefined) check.fn("options.validateMutation", options.validateMutation);
  if (options.maxPushSize !== undefined) {
    check.number("options.maxPushSize", options.maxPushSize, { integer: true, min: 1 });
  }
  if (options.maxPullSize !== undefined) {
    check.number("options.maxPullSize", options.maxPullSize, { integer: true, min: 1 });
  }
  if (options.keyPrefix !== undefined) {
    check.string("options.keyPrefix", options.keyPrefix, { minLength: 0, maxLength: 100 });
  }
  const mutationSizeOk =
    maxMutationSize === undefined ||
    check.number("options.maxMutationSize", maxMutationSize, { integer: true, min: 2 });
  if (maxPushBytes !== undefined && mutationSizeOk) {
    const mutationBytes = typeof maxMutationSize === "number" ? maxMutationSize : DEFAULT_MAX_MUTATION_BYTES;
    checkPushBytesOption(check, "options.maxPushBytes", maxPushBytes, mutationBytes);
  }
  if (options.maxClockDriftMs !== undefined) {
    // Compared with timestamps, never given to a timer, so it may exceed a timer's 2^31 − 1 ms.
    check.durationMs("options.maxClockDriftMs", options.maxClockDriftMs, { max: Number.MAX_SAFE_INTEGER });
  }
  if (options.storage !== undefined) check.storage("options.storage", options.storage);
  if (options.clock !== undefined) check.clock("options.clock", options.clock);
  if (options.logger !== undefined) check.logger("options.logger", options.logger);
}
