import type { PelbiotError } from "@pelbiot/core";

/** The file formats a report can be exported to. `excel` is an Office Open XML workbook (`.xlsx`). */
export type ReportFormat = "json" | "csv" | "excel" | "pdf";

/** The size of the buckets a report's rows aggregate: one UTC day or one UTC hour. */
export type ReportInterval = "day" | "hour";

/**
 * The period of a report. A date-only string (`"2025-09-30"`) names a whole UTC day, so `end: "2025-09-30"` includes
 * that day; a timestamp (ISO-8601 date-time, epoch milliseconds or `Date`) is an instant, and `end` is then exclusive.
 */
export interface ReportPeriodInput {
  /** The first day or instant covered. */
  start: string | number | Date;
  /** The last day covered (date-only string) or the first instant after the period (timestamp). */
  end: string | number | Date;
}

/** A report's period as stored: ISO-8601 instants in UTC, `end` exclusive. */
export interface ReportPeriod {
  /** First instant covered, e.g. `"2025-09-01T00:00:00.000Z"`. */
  readonly start: string;
  /** First instant after the period, e.g. `"2025-10-01T00:00:00.000Z"` for a period ending on 30 September. */
  readonly end: string;
  /** A human label, e.g. `"2025-09-01 – 2025-09-30"`. */
  readonly label: string;
}

/**
 * Aggregates of one metric over a set of values. `mean`, `min`, `max`, `p50` and `p95` are `null` when `count` is 0.
 * With rows given by the caller, quantiles are exact (nearest rank); from an `AnalyticsDataCollector` they come from
 * its DDSketch and are within its `relativeAccuracy`.
 */
export interface ReportStats {
  /** How many values. */
  readonly count: number;
  /** Their exact sum (0 for none). */
  readonly sum: number;
  /** `sum / count`. */
  readonly mean: number | null;
  /** The smallest value. */
  readonly min: number | null;
  /** The largest value. */
  readonly max: number | null;
  /** The median. */
  readonly p50: number | null;
  /** The 95th percentile. */
  readonly p95: number | null;
}

/** The name of one statistic of {@link ReportStats}. */
export type ReportStatistic = keyof ReportStats;

/** One bucket (a day or an hour) of one metric. */
export interface ReportRow extends ReportStats {
  /** Start of the bucket, ISO-8601 UTC. */
  readonly start: string;
  /** End of the bucket (exclusive), ISO-8601 UTC. */
  readonly end: string;
  /** The metric name. */
  readonly metric: string;
}

/** The totals of one metric over the whole period. */
export interface ReportTotals extends ReportStats {
  /** The metric name. */
  readonly metric: string;
}

/**
 * A generated report: the typed model behind every export, and exactly what the `json` export contains (with
 * `format: "pelbiot.analytics.Report"` and `version: 1` added).
 */
export interface Report {
  /** The report's id, for `getReport`, `exportReport` and `deleteReport`. */
  readonly id: string;
  /** The title given to `generateReport`, shown at the top of every export. */
  readonly title: string;
  /** The metrics, in the order they were asked for. */
  readonly metrics: readonly string[];
  /** The period covered. */
  readonly period: ReportPeriod;
  /** The bucket size of `rows`. */
  readonly interval: ReportInterval;
  /** The format given to `generateReport`: what `exportReport(id)` uses when no format is given. */
  readonly defaultFormat: ReportFormat;
  /** When the report was generated, ISO-8601 UTC (from the generator's clock). */
  readonly generatedAt: string;
  /** One row per bucket and metric, ordered by bucket start then by the order of `metrics`. Empty buckets included. */
  readonly rows: readonly ReportRow[];
  /** One entry per metric, in the order of `metrics`. */
  readonly totals: readonly ReportTotals[];
}

/** One observation given to `generateReport` in place of the collector. */
export interface ReportInputRow {
  /** The metric name; rows of metrics not asked for are ignored. */
  metric: string;
  /** Epoch milliseconds, a `Date` or an ISO-8601 string; rows outside the period are ignored. */
  timestamp: number | Date | string;
  /** A finite number. */
  value: number;
}

/** Options of `generateReport`. */
export interface GenerateReportOptions {
  /** Observations to aggregate instead of the generator's `source`. */
  rows?: Iterable<ReportInputRow> | undefined;
  /** The bucket size of the rows. @default "day" */
  interval?: ReportInterval | undefined;
}

/** Options of `exportReport` and `writeReport`; each applies to the formats named in its description. */
export interface ExportReportOptions {
  /**
   * CSV and Excel: prefix string cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
   * tab or carriage return, also on any line of a multi-line cell) with `'`. Turn off only for files that no
   * spreadsheet will open.
   * @default true
   */
  escapeFormulas?: boolean | undefined;
  /**
   * CSV: start the file with a UTF-8 byte order mark so Excel reads accented text correctly.
   * @default false
   */
  bom?: boolean | undefined;
  /**
   * CSV: the field delimiter, one character.
   * @default ","
   */
  delimiter?: string | undefined;
  /**
   * Excel: the most rows per worksheet, header included; further rows continue on `Data (2)`, `Data (3)`, …
   * @default 1_048_576 (Excel's limit)
   */
  maxRowsPerSheet?: number | undefined;
  /**
   * PDF: the most bucket rows drawn in the detail table; the rest are counted in a note (the CSV and Excel exports
   * always hold every row).
   * @default 2_000
   */
  maxPdfRows?: number | undefined;
  /**
   * PDF: the statistic each metric's chart draws per bucket, one for every metric or one per metric name (metrics
   * left out draw `"sum"`). Use `"mean"` or `"p95"` for gauges such as CPU usage or latency, whose sum means nothing.
   * Buckets without values are left out of a `mean`, `min`, `max`, `p50` or `p95` line.
   * @default "sum"
   */
  chartStatistic?: ReportStatistic | Readonly<Record<string, ReportStatistic>> | undefined;
  /**
   * JSON: indentation of the JSON text, 0 for one line.
   * @default 2
   */
  indent?: number | undefined;
}

/** A report rendered to bytes. */
export interface ReportExport {
  /** A file name made from the title and period, e.g. `monthly-revenue-report_2025-09-01_2025-09-30.csv`. */
  readonly filename: string;
  /** `application/json`, `text/csv; charset=utf-8`, the `.xlsx` type or `application/pdf`. */
  readonly mimeType: string;
  /** The file's bytes. */
  readonly content: Uint8Array;
}

/** What `writeReport` wrote. */
export interface WrittenReport {
  /** The file name written, as in {@link ReportExport.filename}. */
  readonly filename: string;
  /** The file's media type, as in {@link ReportExport.mimeType}. */
  readonly mimeType: string;
  /** Bytes written. */
  readonly bytes: number;
}

/** What a scheduled report generates each time it runs. */
export interface ScheduledReportSpec {
  /** The title of each generated report. */
  title: string;
  /** The metric names to report, in this order. */
  metrics: readonly string[];
  /** The `defaultFormat` of each generated report. @default "json" */
  format?: ReportFormat | undefined;
  /** The bucket size of each report's rows. @default "day" */
  interval?: ReportInterval | undefined;
  /**
   * How far back each run's period reaches, in milliseconds: the period is `[now − lookbackMs, now)`.
   * @default the schedule's interval (`every`)
   */
  lookbackMs?: number | undefined;
}

/** A running schedule. */
export interface ScheduledReport {
  /** The schedule's id, the `scheduleId` of its events. */
  readonly id: string;
  /** Milliseconds between runs. */
  readonly everyMs: number;
  /** Stops the schedule; a run in progress still completes. Calling it again does nothing. */
  cancel(): void;
}

/** A write to the `storage` adapter that failed: the report stays in memory, but its stored copy is missing or stale. */
export interface ReportStorageFailure {
  /** `save` after `generateReport` (or a restore), `delete` after `deleteReport` or an eviction past `maxReports`. */
  readonly operation: "save" | "delete";
  /** The report whose stored copy failed. */
  readonly reportId: string;
  /** The storage key, `<keyPrefix>reports:<id>`. */
  readonly key: string;
  /** `STORAGE_ERROR`, with the adapter's error as its `cause`. */
  readonly error: PelbiotError;
}

/** What `ReportGenerator.flush()` waited for: the storage writes since the previous flush. */
export interface ReportFlushResult {
  /** Reports written to storage. */
  readonly saved: number;
  /** Deletions of stored reports done (deleting a record that was not there counts too). */
  readonly deleted: number;
  /** Writes and deletions that failed (each was also emitted as `report_storage_failed`). */
  readonly failed: readonly ReportStorageFailure[];
}

/** Events of `ReportGenerator`. */
export interface ReportGeneratorEvents {
  /** A scheduled run generated a report. */
  report_generated: [
    event: {
      /** The schedule that ran. */
      readonly scheduleId: string;
      /** The report it generated. */
      readonly report: Report;
    },
  ];
  /** A scheduled run failed; the schedule keeps running. */
  report_failed: [
    event: {
      /** The schedule that ran. */
      readonly scheduleId: string;
      /** Why the run failed. */
      readonly error: PelbiotError;
    },
  ];
  /** Saving or deleting a stored report failed; `flush()` lists the same failures. */
  report_storage_failed: [failure: ReportStorageFailure];
}

/**
 * Where `generateReport` reads metrics when no rows are given: an `AnalyticsDataCollector` or anything with its
 * `getMetricStats(name, { from, to })` (every window starting in `[from, to)` merged).
 */
export interface ReportMetricSource {
  /**
   * Stats of the metric `name` over the windows starting in `[from, to)`, merged; one entry (or none without data).
   *
   * @param name - The metric name.
   * @param query - The time range, epoch milliseconds, `to` exclusive.
   * @returns The stats; only the first entry is read.
   */
  getMetricStats(
    name: string,
    query: { from: number; to: number },
  ): readonly {
    /** How many values. */
    readonly count: number;
    /** Their sum. */
    readonly sum: number;
    /** The smallest value, `null` for none. */
    readonly min: number | null;
    /** The largest value, `null` for none. */
    readonly max: number | null;
    /** The median, `null` for none. */
    readonly p50: number | null;
    /** The 95th percentile, `null` for none. */
    readonly p95: number | null;
  }[];
}
