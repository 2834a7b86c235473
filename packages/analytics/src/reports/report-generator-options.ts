import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type StorageAdapter,
  systemClock,
} from "@pelbiot/core";
import type { ReportMetricSource } from "./report-generator-types";

/** Options of {@link ReportGenerator}. */
export interface ReportGeneratorOptions {
  /**
   * Where `generateReport` reads the metrics when the call gives no `rows`: an `AnalyticsDataCollector` (or anything
   * with its `getMetricStats(name, { from, to })`). Buckets take the collector's aggregation windows that start in
   * them, so an `aggregationWindowMs` that divides an hour keeps the buckets exact.
   * @default none: every `generateReport` call must then give `rows`
   */
  source?: ReportMetricSource | undefined;
  /**
   * Drives `generatedAt` and the schedules of `scheduleReport`.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /**
   * Receives a warning when a scheduled run or a storage write fails.
   * @default noopLogger
   */
  logger?: Logger | undefined;
  /**
   * Where each generated report is saved (under `<keyPrefix>reports:<id>`), so another generator over the same
   * storage (or this one after a restart) can export it. Writes happen behind the synchronous calls; `flush()` waits
   * for them and a failure is emitted as `report_storage_failed`. Without this option the reports live in this
   * generator's memory only: a private memory storage that nobody else can read would hold a second, unreachable
   * copy of every report (about 20 MB of JSON for 100,000 rows).
   * @default createMemoryStorage(), private to this generator, into which no report is copied
   */
  storage?: StorageAdapter | undefined;
  /**
   * Prepended to every storage key, so several generators (or other classes) can share one adapter.
   * @default "analytics:"
   */
  keyPrefix?: string | undefined;
  /**
   * The most reports kept for `exportReport`; generating one more forgets the oldest and deletes its stored copy.
   * @default 100
   */
  maxReports?: number | undefined;
  /**
   * The most rows (buckets × metrics) one report may hold; a larger request is a `LIMIT_EXCEEDED` error.
   * @default 2_000_000
   */
  maxRows?: number | undefined;
}

/** Every option of {@link ReportGeneratorOptions}, in documentation order. */
export const REPORT_GENERATOR_OPTION_KEYS = [
  "source",
  "clock",
  "logger",
  "storage",
  "keyPrefix",
  "maxReports",
  "maxRows",
] as const satisfies ReadonlyArray<keyof ReportGeneratorOptions>;

/** The constructor's options with every default applied. */
export interface ResolvedReportGeneratorOptions {
  /**
   * Where `generateReport` reads the metrics when the call gives no `rows`: an `AnalyticsDataCollector` (or anything
   * with its `getMetricStats(name, { from, to })`).
   */
  readonly source: ReportMetricSource | undefined;
  /** Drives `generatedAt` and the schedules of `scheduleReport`. */
  readonly clock: Clock;
  /** Receives a warning when a scheduled run or a storage write fails. */
  readonly logger: Logger;
  /**
   * Where each generated report is saved (under `<keyPrefix>reports:<id>`) when the caller gave `storage`, so another
   * generator over the same storage (or this one after a restart) can export it; otherwise a private memory storage.
   */
  readonly storage: StorageAdapter;
  /** Whether the caller gave `storage`: only then can another generator read it, and only then are reports saved. */
  readonly sharedStorage: boolean;
  /** Prepended to every storage key, so several generators (or other classes) can share one adapter. */
  readonly keyPrefix: string;
  /** The most reports kept for `exportReport`; generating one more forgets the oldest and deletes its stored copy. */
  readonly maxReports: number;
  /** The most rows (buckets × metrics) one report may hold; a larger request is a `LIMIT_EXCEEDED` error. */
  readonly maxRows: number;
}

const DEFAULT_MAX_REPORTS = 100;
const DEFAULT_KEY_PREFIX = "analytics:";
const DEFAULT_MAX_ROWS = 2_000_000;

/**
 * Validates the options of `new ReportGenerator(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted
 * keys and the nearest one for a typo).
 * @example
 * ```ts
 * resolveReportGeneratorOptions({ maxReports: 10 }).maxReports; // 10
 * ```
 */
export function resolveReportGeneratorOptions(options: unknown): ResolvedReportGeneratorOptions {
  const check = createValidator("ReportGenerator constructor");
  const input = options === undefined ? {} : options;
  if (!check.object("options", input)) {
    check.done();
  }
  const record = input as Record<string, unknown>;
  check.knownKeys("options", record, REPORT_GENERATOR_OPTION_KEYS);
  if (record.source !== undefined) {
    const source = record.source as { getMetricStats?: unknown } | null;
    check.check(
      typeof source === "object" && source !== null && typeof source.getMetricStats === "function",
      "options.source",
      "must be an AnalyticsDataCollector or an object with getMetricStats(name, { from, to })",
    );
  }
  if (record.clock !== undefined) check.clock("options.clock", record.clock);
  if (record.logger !== undefined) check.logger("options.logger", record.logger);
  if (record.storage !== undefined) check.storage("options.storage", record.storage);
  if (record.keyPrefix !== undefined) {
    check.string("options.keyPrefix", record.keyPrefix, { minLength: 0, maxLength: 200 });
  }
  if (record.maxReports !== undefined) {
    check.number("options.maxReports", record.maxReports, { integer: true, min: 1, max: 1_000_000 });
  }
  if (record.maxRows !== undefined) {
    check.number("options.maxRows", record.maxRows, { integer: true, min: 1, max: 100_000_000 });
  }
  check.done();
  return Object.freeze({
    source: record.source as ReportMetricSource | undefined,
    clock: (record.clock as Clock | undefined) ?? systemClock,
    logger: (record.logger as Logger | undefined) ?? noopLogger,
    storage: (record.storage as StorageAdapter | undefined) ?? createMemoryStorage(),
    sharedStorage: record.storage !== undefined,
    keyPrefix: (record.keyPrefix as string | undefined) ?? DEFAULT_KEY_PREFIX,
    maxReports: (record.maxReports as number | undefined) ?? DEFAULT_MAX_REPORTS,
    maxRows: (record.maxRows as number | undefined) ?? DEFAULT_MAX_ROWS,
  });
}
