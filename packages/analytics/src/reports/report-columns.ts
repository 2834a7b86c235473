import type { ReportRow, ReportStats } from "./report-generator-types";

/** The columns of the tabular exports (CSV, Excel, PDF detail table), in order. */
export const REPORT_COLUMNS = [
  "period_start",
  "period_end",
  "metric",
  "count",
  "sum",
  "mean",
  "min",
  "max",
  "p50",
  "p95",
] as const;

/** The statistics columns, shared by the rows and the totals. */
export const STAT_KEYS = ["count", "sum", "mean", "min", "max", "p50", "p95"] as const satisfies ReadonlyArray<
  keyof ReportStats
>;

/** A row as the values of {@link REPORT_COLUMNS}; `null` where a statistic has no value (an empty bucket). */
export function rowValues(row: ReportRow): [string, string, string, ...(number | null)[]] {
  return [row.start, row.end, row.metric, ...STAT_KEYS.map((key) => row[key])];
}
