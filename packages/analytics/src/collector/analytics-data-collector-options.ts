import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type RetryOptions,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import type { AnalyticsSink } from "./analytics-data-collector-types";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Options of {@link AnalyticsDataCollector}. Every field is optional. */
export interface AnalyticsDataCollectorOptions {
  /**
   * How often the collector's timer closes finished windows and sends due sink batches. `0` turns the timer off
   * (windows still close when a later value arrives, and `flush()` still sends).
   * @default 10000
   */
  trackingIntervalMs?: number | undefined;
  /** The guide's name of `trackingIntervalMs`, kept as an alias; giving both is a `VALIDATION_ERROR`. */
  trackingInterval?: number | undefined;
  /**
   * Length of the tumbling aggregation windows, in milliseconds. Windows start at multiples of it (UTC epoch).
   * @default 60000
   */
  aggregationWindowMs?: number | undefined;
  /** The guide's name of `aggregationWindowMs`, kept as an alias; giving both is a `VALIDATION_ERROR`. */
  aggregationWindow?: number | undefined;
  /**
   * Windows, raw events and raw metric points older than this many days are evicted by the cleanup.
   * @default 90
   */
  dataRetentionDays?: number | undefined;
  /**
   * Most raw events kept for `getEvents()` (oldest evicted first, each eviction counted and emitted). Duplicate
   * ids are detected among the kept events. Aggregates are not affected.
   * @default 10000
   */
  maxEvents?: number | undefined;
  /**
   * Most raw metric points kept for `getMetrics()` (oldest evicted first, counted and emitted).
   * @default 10000
   */
  maxMetrics?: number | undefined;
  /**
   * How often the retention cleanup runs. `0` turns the timer off (`cleanup()` can still be called).
   * @default 3600000
   */
  autoCleanupIntervalMs?: number | undefined;
  /** The guide's name of `autoCleanupIntervalMs`, kept as an alias; giving both is a `VALIDATION_ERROR`. */
  autoCleanupInterval?: number | undefined;
  /**
   * Most windows kept per series (event name or metric name + tag set); the oldest is evicted first. With the
   * default window of one minute, 1440 windows are one day of per-minute aggregates.
   * @default 1440
   */
  maxWindowsPerSeries?: number | undefined;
  /**
   * Most distinct tag sets per metric name (tag cardinality). A value that would open one more series is
   * rejected with `LIMIT_EXCEEDED`.
   * @default 1000
   */
  maxSeriesPerMetric?: number | undefined;
  /**
   * Most series in total (one per event name, one per metric name and tag set); a value that would open one more
   * is rejected with `LIMIT_EXCEEDED`. Together with `maxWindowsPerSeries` it bounds the aggregates' memory.
   * @default 10000
   */
  maxSeries?: number | undefined;
  /**
   * Longest event or metric name, in UTF-16 units.
   * @default 200
   */
  maxNameLength?: number | undefined;
  /**
   * Most keys in an event's `properties` (and in `context`), and most tags on a metric point.
   * @default 50
   */
  maxProperties?: number | undefined;
  /**
   * Largest `properties` (and `context`) object, measured as the length of its JSON text.
   * @default 8192
   */
  maxPropertyBytes?: number | undefined;
  /**
   * Relative accuracy α of the DDSketch behind p50/p90/p95/p99: a reported quantile `q̂` of a positive series is
   * within `α·|q|` of the exact value `q` of the same rank.
   * @default 0.01
   */
  relativeAccuracy?: number | undefined;
  /** Where tracked events and metric points are forwarded in batches (e.g. `createMemoryAnalyticsSink()`). */
  sinks?: readonly AnalyticsSink[] | undefined;
  /**
   * Items (events + points) per sink batch; a batch is sent as soon as it is full, else on the tracking timer.
   * @default 500
   */
  batchSize?: number | undefined;
  /**
   * Most items waiting for the sinks; more are dropped (counted and emitted with reason `sink_backlog`) so memory
   * stays bounded while a sink is down.
   * @default 100000
   */
  maxPendingItems?: number | undefined;
  /**
   * Retry policy of every sink write (core's `retry()`; `clock` is the collector's).
   * @default { maxAttempts: 5 }
   */
  retry?: Omit<RetryOptions, "clock" | "signal"> | undefined;
  /** Source of event timestamps and of the window and cleanup timers. @default systemClock */
  clock?: Clock | undefined;
  /** Receives a warning for every failed sink batch. @default noopLogger */
  logger?: Logger | undefined;
  /** Where `save()` writes the snapshot and `restore()` reads it. @default a private createMemoryStorage() */
  storage?: StorageAdapter | undefined;
  /** Prefix of the storage key (`<keyPrefix>snapshot`). @default "analytics:collector:" */
  keyPrefix?: string | undefined;
}

/** Every accepted option key, in documentation order. */
export const ANALYTICS_DATA_COLLECTOR_OPTION_KEYS = [
  "trackingIntervalMs",
  "trackingInterval",
  "aggregationWindowMs",
  "aggregationWindow",
  "dataRetentionDays",
  "maxEvents",
  "maxMetrics",
  "autoCleanupIntervalMs",
  "autoCleanupInterval",
  "maxWindowsPerSeries",
  "maxSeriesPerMetric",
  "maxSeries",
  "maxNameLength",
  "maxProperties",
  "maxPropertyBytes",
  "relativeAccuracy",
  "sinks",
  "batchSize",
  "maxPendingItems",
  "retry",
  "clock",
  "logger",
  "storage",
  "keyPrefix",
] as const;

/** The options with every default applied (aliases folded into their `Ms` names). */
export interface ResolvedAnalyticsDataCollectorOptions {
  /** How often the collector's timer closes finished windows and sends due sink batches. */
  readonly trackingIntervalMs: number;
  /** Length of the tumbling aggregation windows, in milliseconds. */
  readonly aggregationWindowMs: number;
  /** Windows, raw events and raw metric points older than this many days are evicted by the cleanup. */
  readonly dataRetentionDays: number;
  /** `dataRetentionDays` in milliseconds. */
  readonly retentionMs: number;
  /** Most raw events kept for `getEvents()` (oldest evicted first, each eviction counted and emitted). */
  readonly maxEvents: number;
  /** Most raw metric points kept for `getMetrics()` (oldest evicted first, counted and emitted). */
  readonly maxMetrics: number;
  /** How often the retention cleanup runs. */
  readonly autoCleanupIntervalMs: number;
  /** Most windows kept per series (event name or metric name + tag set); the oldest is evicted first. */
  readonly maxWindowsPerSeries: number;
  /** Most distinct tag sets per metric name (tag cardinality). */
  readonly maxSeriesPerMetric: number;
  /**
   * Most series in total (one per event name, one per metric name and tag set); a value that would open one more is
   * rejected with `LIMIT_EXCEEDED`.
   */
  readonly maxSeries: number;
  /** Longest event or metric name, in UTF-16 units. */
  readonly maxNameLength: number;
  /** Most keys in an event's `properties` (and in `context`), and most tags on a metric point. */
  readonly maxProperties: number;
  /** Largest `properties` (and `context`) object, measured as the length of its JSON text. */
  readonly maxPropertyBytes: number;
  /**
   * Relative accuracy α of the DDSketch behind p50/p90/p95/p99: a reported quantile `q̂` of a positive series is within
   * `α·|q|` of the exact value `q` of the same rank.
   */
  readonly relativeAccuracy: number;
  /** Where tracked events and metric points are forwarded in batches (e.g. `createMemoryAnalyticsSink()`). */
  readonly sinks: readonly AnalyticsSink[];
  /** Items (events + points) per sink batch; a batch is sent as soon as it is full, else on the tracking timer. */
  readonly batchSize: number;
  /**
   * Most items waiting for the sinks; more are dropped (counted and emitted with reason `sink_backlog`) so memory stays
   * bounded while a sink is down.
   */
  readonly maxPendingItems: number;
  /** Retry policy of every sink write (core's `retry()`; `clock` is the collector's). */
  readonly retry: Omit<RetryOptions, "clock" | "signal">;
  /** Source of event timestamps and of the window and cleanup timers. */
  readonly clock: Clock;
  /** Receives a warning for every failed sink batch. */
  readonly logger: Logger;
  /** Where `save()` writes the snapshot and `restore()` reads it. */
  readonly storage: StorageAdapter;
  /** Prefix of the storage key (`<keyPrefix>snapshot`). */
  readonly keyPrefix: string;
}

const COUNT_LIMIT = 100_000_000;

/**
 * Validates the options of `new AnalyticsDataCollector(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option, or a duration given
 * under both its `Ms` name and the guide's alias.
 * @example
 * ```ts
 * resolveAnalyticsDataCollectorOptions({ aggregationWindow: 30_000 }).aggregationWindowMs; // 30000
 * ```
 */
export function resolveAnalyticsDataCollectorOptions(options: unknown): ResolvedAnalyticsDataCollectorOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("AnalyticsDataCollector constructor");
  if (!check.object("options", given)) check.done();
  const input = given as Record<string, unknown>;
  check.knownKeys("options", input, ANALYTICS_DATA_COLLECTOR_OPTION_KEYS);
  const trackingIntervalMs = duration(check, input, "trackingIntervalMs", "trackingInterval", 10 * SECOND, 0);
  const aggregationWindowMs = duration(check, input, "aggregationWindowMs", "aggregationWindow", MINUTE, 1);
  const autoCleanupIntervalMs = duration(check, input, "autoCleanupIntervalMs", "autoCleanupInterval", HOUR, 0);
  const dataRetentionDays = numberOption(check, input, "dataRetentionDays", 90, { min: 0, max: 36_500 });
  const count = (key: string, fallback: number, min = 1) =>
    numberOption(check, input, key, fallback, { min, max: COUNT_LIMIT, integer: true });
  const resolved = {
    trackingIntervalMs,
    aggregationWindowMs,
    dataRetentionDays,
    retentionMs: dataRetentionDays * DAY,
    maxEvents: count("maxEvents", 10_000, 0),
    maxMetrics: count("maxMetrics", 10_000, 0),
    autoCleanupIntervalMs,
    maxWindowsPerSeries: count("maxWindowsPerSeries", 1440),
    maxSeriesPerMetric: count("maxSeriesPerMetric", 1000),
    maxSeries: count("maxSeries", 10_000),
    maxNameLength: numberOption(check, input, "maxNameLength", 200, { min: 1, max: 10_000, integer: true }),
    maxProperties: numberOption(check, input, "maxProperties", 50, { min: 0, max: 10_000, integer: true }),
    maxPropertyBytes: count("maxPropertyBytes", 8192, 2),
    relativeAccuracy: numberOption(check, input, "relativeAccuracy", 0.01, { min: 0.0001, max: 0.5 }),
    sinks: checkSinks(check, input.sinks),
    batchSize: count("batchSize", 500),
    maxPendingItems: count("maxPendingItems", 100_000),
    retry: checkRetry(check, input.retry),
    clock: input.clock === undefined ? systemClock : input.clock,
    logger: input.logger === undefined ? noopLogger : input.logger,
    storage: input.storage === undefined ? createMemoryStorage() : input.storage,
    keyPrefix: input.keyPrefix === undefined ? "analytics:collector:" : input.keyPrefix,
  };
  if (input.clock !== undefined) check.clock("options.clock", input.clock);
  if (input.logger !== undefined) check.logger("options.logger", input.logger);
  if (input.storage !== undefined) check.storage("options.storage", input.storage);
  if (input.keyPrefix !== undefined)
    check.string("options.keyPrefix", input.keyPrefix, { minLength: 0, maxLength: 200 });
  check.done();
  return Object.freeze(resolved as ResolvedAnalyticsDataCollectorOptions);
}

/** Reads a duration given under its `Ms` name or the guide's alias; both given is an issue. */
function duration(
  check: Validator,
  input: Record<string, unknown>,
  key: string,
  alias: string,
  fallback: number,
  min: number,
): number {
  const value = input[key];
  const aliased = input[alias];
  if (value !== undefined && aliased !== undefined) {
    check.fail(`options.${alias}`, `is the guide's name of ${key}; give one of them, not both`);
    return fallback;
  }
  const chosen = value ?? aliased;
  const path = `options.${value === undefined ? alias : key}`;
  if (chosen === undefined) return fallback;
  return check.durationMs(path, chosen, { min, max: 365 * DAY }) ? chosen : fallback;
}

function numberOption(
  check: Validator,
  input: Record<string, unknown>,
  key: string,
  fallback: number,
  rule: { min: number; max: number; integer?: boolean },
): number {
  const value = input[key];
  if (value === undefined) return fallback;
  return check.number(`options.${key}`, value, rule) ? value : fallback;
}

function checkSinks(check: Validator, sinks: unknown): readonly AnalyticsSink[] {
  if (sinks === undefined) return Object.freeze([]);
  if (!check.array("options.sinks", sinks, { maxLength: 20 })) return [];
  sinks.forEach((sink, index) => {
    const path = `options.sinks.${index}`;
    if (!check.object(path, sink)) return;
    check.string(`${path}.name`, sink.name, { maxLength: 100 });
    check.fn(`${path}.send`, sink.send);
  });
  return Object.freeze([...(sinks as AnalyticsSink[])]);
}

function checkRetry(check: Validator, retry: unknown): Omit<RetryOptions, "clock" | "signal"> {
  if (retry === undefined) return Object.freeze({ maxAttempts: 5 });
  if (!check.object("options.retry", retry)) return {};
  check.knownKeys("options.retry", retry, [
    "maxAttempts",
    "maxElapsedMs",
    "random",
    "initialDelayMs",
    "maxDelayMs",
    "multiplier",
    "jitter",
    "shouldRetry",
    "onRetry",
  ]);
  if (retry.maxAttempts !== undefined)
    check.number("options.retry.maxAttempts", retry.maxAttempts, { min: 1, max: 100, integer: true });
  return Object.freeze({ ...(retry as Omit<RetryOptions, "clock" | "signal">) });
}
