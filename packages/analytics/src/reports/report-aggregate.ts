/**
 * Turns observations into a report's bucket rows and totals: exactly from rows the caller gives, or from the
 * collector's merged aggregation windows.
 */
import { toEpochMillis, type Validator } from "@pelbiot/core";
import type {
  ReportInterval,
  ReportMetricSource,
  ReportRow,
  ReportStats,
  ReportTotals,
} from "./report-generator-types";
import { bucketStarts, intervalMs, type PeriodRange } from "./report-period";

/** The rows and totals of a report. */
export interface AggregatedReport {
  readonly rows: ReportRow[];
  readonly totals: ReportTotals[];
}

const MAX_ROW_ISSUES = 10;
const EMPTY_STATS: ReportStats = { count: 0, sum: 0, mean: null, min: null, max: null, p50: null, p95: null };

/**
 * Exact stats of a list of values (sorted in place): quantiles by nearest rank, the smallest value with at least
 * that share of the values at or below it.
 */
export function exactStats(values: number[]): ReportStats {
  if (values.length === 0) return EMPTY_STATS;
  values.sort(ascending);
  let sum = 0;
  for (const value of values) sum += value;
  return {
    count: values.length,
    sum,
    mean: sum / values.length,
    min: values[0] as number,
    max: values[values.length - 1] as number,
    p50: nearestRank(values, 0.5),
    p95: nearestRank(values, 0.95),
  };
}

// Module-level rather than made per call: exactStats runs once per bucket, 100,000 times for a large report.
function ascending(left: number, right: number): number {
  return left - right;
}

function nearestRank(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] as number;
}

/**
 * Aggregates rows given by the caller. Each row is checked (the first few problems are reported with their index);
 * rows of other metrics or outside the period are skipped. A named metric with no row at all is an issue.
 */
export function aggregateInputRows(
  check: Validator,
  input: Iterable<unknown>,
  metrics: readonly string[],
  range: PeriodRange,
  interval: ReportInterval,
): AggregatedReport | undefined {
  const starts = bucketStarts(range, interval);
  const size = intervalMs(interval);
  const first = starts[0] as number;
  const wanted = new Map(metrics.map((metric) => [metric, starts.map((): number[] => [])]));
  const seen = new Set<string>();
  let index = 0;
  let issues = 0;
  for (const row of input) {
    const path = `options.rows.${index}`;
    index += 1;
    const problem = describeRowProblem(row);
    if (problem !== undefined) {
      issues += 1;
      if (issues <= MAX_ROW_ISSUES) check.fail(path, problem);
      continue;
    }
    const { metric, value } = row as { metric: string; value: number };
    seen.add(metric);
    const buckets = wanted.get(metric);
    const time = toEpochMillis((row as { timestamp: unknown }).timestamp) as number;
    if (buckets === undefined || time < range.start || time >= range.end) continue;
    buckets[Math.floor((time - first) / size)]?.push(value);
  }
  if (issues > MAX_ROW_ISSUES) check.fail("options.rows", `${issues - MAX_ROW_ISSUES} more rows are malformed`);
  metrics.forEach((metric, position) => {
    check.check(seen.has(metric), `metrics.${position}`, `names unknown metric "${metric}": no row has it`);
  });
  if (check.issues.length > 0) return undefined;
  // Totals first: exactStats sorts each bucket in place, and the totals need every value of the period.
  const totals = metrics.map((metric) => ({ metric, ...exactStats((wanted.get(metric) ?? []).flat()) }));
  const rows = assemble(metrics, starts, range, size, (metric, bucket) =>
    exactStats(wanted.get(metric)?.[bucket] ?? []),
  );
  return { rows, totals };
}

/** Aggregates from a collector: one `getMetricStats` per metric and bucket, plus one per metric for the totals. */
export function aggregateSource(
  check: Validator,
  source: ReportMetricSource,
  metrics: readonly string[],
  range: PeriodRange,
  interval: ReportInterval,
): AggregatedReport | undefined {
  metrics.forEach((metric, position) => {
    const known = source.getMetricStats(metric, { from: 0, to: Number.MAX_SAFE_INTEGER }).length > 0;
    check.check(known, `metrics.${position}`, `names unknown metric "${metric}": the source has no data for it`);
  });
  if (check.issues.length > 0) return undefined;
  const starts = bucketStarts(range, interval);
  const size = intervalMs(interval);
  const read = (metric: string, from: number, to: number) =>
    fromSourceStats(source.getMetricStats(metric, { from, to }));
  const rows = assemble(metrics, starts, range, size, (metric, bucket) => {
    const start = Math.max(range.start, starts[bucket] as number);
    return read(metric, start, Math.min(range.end, (starts[bucket] as number) + size));
  });
  // Totals come from one merge over the whole period: exact counts and sums, and quantiles of all the values.
  return { rows, totals: metrics.map((metric) => ({ metric, ...read(metric, range.start, range.end) })) };
}

function assemble(
  metrics: readonly string[],
  starts: readonly number[],
  range: PeriodRange,
  size: number,
  statsOf: (metric: string, bucket: number) => ReportStats,
): ReportRow[] {
  const rows: ReportRow[] = [];
  starts.forEach((bucketStart, bucket) => {
    const start = new Date(Math.max(range.start, bucketStart)).toISOString();
    const end = new Date(Math.min(range.end, bucketStart + size)).toISOString();
    for (const metric of metrics) {
      const stats = statsOf(metric, bucket);
      // Spelt out rather than spread: every row then has the same compact shape, which matters at 100,000 rows.
      rows.push({
        start,
        end,
        metric,
        count: stats.count,
        sum: stats.sum,
        mean: stats.mean,
        min: stats.min,
        max: stats.max,
        p50: stats.p50,
        p95: stats.p95,
      });
    }
  });
  return rows;
}

function fromSourceStats(list: ReturnType<ReportMetricSource["getMetricStats"]>): ReportStats {
  const stats = list[0];
  if (stats === undefined || stats.count === 0) return EMPTY_STATS;
  return {
    count: stats.count,
    sum: stats.sum,
    mean: stats.sum / stats.count,
    min: stats.min,
    max: stats.max,
    p50: stats.p50,
    p95: stats.p95,
  };
}

function describeRowProblem(row: unknown): string | undefined {
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    return "must be an object { metric, timestamp, value }";
  }
  const { metric, timestamp, value } = row as Record<string, unknown>;
  if (typeof metric !== "string" || metric === "") return "metric must be a non-empty string";
  if (toEpochMillis(timestamp) === undefined) {
    return "timestamp must be a Date, epoch milliseconds or an ISO-8601 string";
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return "value must be a finite number";
  return undefined;
}
