/**
 * Reading a report model back from JSON (a snapshot or a stored record), field by field, so a damaged or foreign
 * value never becomes a report that an export would choke on.
 */
import type { Validator } from "@pelbiot/core";
import type { Report, ReportStats } from "./report-generator-types";
import { checkFormat, checkMetrics, REPORT_INTERVALS } from "./report-input";

const REPORT_KEYS = [
  "id",
  "title",
  "metrics",
  "period",
  "interval",
  "defaultFormat",
  "generatedAt",
  "rows",
  "totals",
] as const satisfies ReadonlyArray<keyof Report>;
const STATS_KEYS = ["count", "sum", "mean", "min", "max", "p50", "p95"] as const satisfies ReadonlyArray<
  keyof ReportStats
>;
const NULLABLE_STATS = ["mean", "min", "max", "p50", "p95"] as const;
const ISO_INSTANT = { regex: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, description: "an ISO-8601 UTC instant" };

/**
 * Checks that `value` is a report model as `generateReport` makes it and returns a frozen copy, or `undefined`
 * after adding an issue under `path` for every field that is wrong.
 */
export function readReportRecord(check: Validator, path: string, value: unknown): Report | undefined {
  if (!check.object(path, value)) return undefined;
  const before = issueCount(check);
  check.knownKeys(path, value, REPORT_KEYS);
  check.string(`${path}.id`, value.id, { maxLength: 200 });
  check.string(`${path}.title`, value.title, { maxLength: 200 });
  const metricsOk = checkMetrics(check, value.metrics, `${path}.metrics`);
  if (check.object(`${path}.period`, value.period)) {
    const period = value.period;
    check.knownKeys(`${path}.period`, period, ["start", "end", "label"]);
    check.string(`${path}.period.start`, period.start, { pattern: ISO_INSTANT });
    check.string(`${path}.period.end`, period.end, { pattern: ISO_INSTANT });
    check.string(`${path}.period.label`, period.label, { maxLength: 200 });
  }
  check.oneOf(`${path}.interval`, value.interval, REPORT_INTERVALS);
  checkFormat(check, `${path}.defaultFormat`, value.defaultFormat);
  check.string(`${path}.generatedAt`, value.generatedAt, { pattern: ISO_INSTANT });
  const metrics = metricsOk ? new Set(value.metrics as string[]) : undefined;
  if (check.array(`${path}.rows`, value.rows)) {
    value.rows.forEach((row, index) => {
      checkRow(check, `${path}.rows.${index}`, row, metrics);
    });
  }
  if (check.array(`${path}.totals`, value.totals)) {
    value.totals.forEach((total, index) => {
      checkTotals(check, `${path}.totals.${index}`, total, metrics);
    });
  }
  if (issueCount(check) > before) return undefined;
  // Rebuilt from the checked fields, so nothing the caller still holds is shared with the kept report.
  const report = structuredClone(value) as unknown as Report;
  return freezeReport(report);
}

function checkRow(check: Validator, path: string, row: unknown, metrics: Set<string> | undefined): void {
  if (!check.object(path, row)) return;
  check.knownKeys(path, row, ["start", "end", "metric", ...STATS_KEYS]);
  check.string(`${path}.start`, row.start, { pattern: ISO_INSTANT });
  check.string(`${path}.end`, row.end, { pattern: ISO_INSTANT });
  checkMetricName(check, `${path}.metric`, row.metric, metrics);
  checkStats(check, path, row);
}

function checkTotals(check: Validator, path: string, total: unknown, metrics: Set<string> | undefined): void {
  if (!check.object(path, total)) return;
  check.knownKeys(path, total, ["metric", ...STATS_KEYS]);
  checkMetricName(check, `${path}.metric`, total.metric, metrics);
  checkStats(check, path, total);
}

function checkMetricName(check: Validator, path: string, metric: unknown, metrics: Set<string> | undefined): void {
  if (!check.string(path, metric, { maxLength: 200 }) || metrics === undefined) return;
  check.check(metrics.has(metric), path, `must be one of the report's metrics, got "${metric}"`);
}

function checkStats(check: Validator, path: string, stats: Record<string, unknown>): void {
  check.number(`${path}.count`, stats.count, { integer: true, min: 0 });
  check.number(`${path}.sum`, stats.sum);
  for (const key of NULLABLE_STATS) {
    if (stats[key] !== null) check.number(`${path}.${key}`, stats[key]);
  }
}

function issueCount(check: Validator): number {
  return check.issues.length;
}

/** Freezes a report and everything in it, so a kept report cannot be changed through a reference to it. */
export function freezeReport(report: Report): Report {
  for (const row of report.rows) Object.freeze(row);
  for (const total of report.totals) Object.freeze(total);
  Object.freeze(report.rows);
  Object.freeze(report.totals);
  Object.freeze(report.metrics);
  Object.freeze(report.period);
  return Object.freeze(report);
}
