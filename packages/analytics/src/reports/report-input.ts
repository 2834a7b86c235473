/** Checks of the arguments of ReportGenerator's methods; each adds issues to the call's validator. */
import type { Validator } from "@pelbiot/core";
import type { CsvWriteOptions } from "./csv-report-writer";
import type { PdfWriteOptions } from "./pdf-report-writer";
import type { ReportFormat, ReportInterval, ReportStatistic } from "./report-generator-types";
import { EXCEL_MAX_ROWS, type XlsxWriteOptions } from "./xlsx-report-writer";

/** The accepted formats, in documentation order. */
export const REPORT_FORMATS = ["json", "csv", "excel", "pdf"] as const satisfies readonly ReportFormat[];
export const REPORT_INTERVALS = ["day", "hour"] as const satisfies readonly ReportInterval[];

const MAX_TITLE_LENGTH = 200;
const MAX_METRICS = 50;
const MAX_METRIC_NAME_LENGTH = 200;
const EXPORT_OPTION_KEYS = [
  "escapeFormulas",
  "bom",
  "delimiter",
  "maxRowsPerSheet",
  "maxPdfRows",
  "chartStatistic",
  "indent",
];
/** What a PDF chart can draw: the fields of `ReportStats`. */
const STATISTICS: readonly ReportStatistic[] = ["count", "sum", "mean", "min", "max", "p50", "p95"];

/** Every export option with its default applied. */
export interface ResolvedExportOptions extends CsvWriteOptions, XlsxWriteOptions, PdfWriteOptions {
  readonly indent: number;
}

export function checkTitle(check: Validator, title: unknown): title is string {
  return check.string("title", title, { maxLength: MAX_TITLE_LENGTH });
}

export function checkMetrics(check: Validator, metrics: unknown, path = "metrics"): metrics is string[] {
  if (!check.array(path, metrics, { minLength: 1, maxLength: MAX_METRICS })) return false;
  const seen = new Set<string>();
  let ok = true;
  metrics.forEach((metric, index) => {
    if (!check.string(`${path}.${index}`, metric, { maxLength: MAX_METRIC_NAME_LENGTH })) {
      ok = false;
    } else if (seen.has(metric)) {
      ok = check.fail(`${path}.${index}`, `repeats "${metric}": name each metric once`);
    } else {
      seen.add(metric);
    }
  });
  return ok;
}

export function checkFormat(check: Validator, path: string, format: unknown): format is ReportFormat {
  return check.oneOf(path, format, REPORT_FORMATS);
}

export function checkReportId(check: Validator, id: unknown): id is string {
  return check.string("id", id, { maxLength: 200 });
}

/** Checks `generateReport`'s options; returns the interval and the rows (or `undefined` for the source). */
export function checkGenerateOptions(
  check: Validator,
  options: unknown,
): { interval: ReportInterval; rows: Iterable<unknown> | undefined } | undefined {
  if (options === undefined) return { interval: "day", rows: undefined };
  if (!check.object("options", options)) return undefined;
  check.knownKeys("options", options, ["rows", "interval"]);
  const interval = options.interval ?? "day";
  check.oneOf("options.interval", interval, REPORT_INTERVALS);
  const rows = options.rows;
  const iterable =
    rows === undefined ||
    (typeof rows === "object" && rows !== null && typeof (rows as Iterable<unknown>)[Symbol.iterator] === "function");
  check.check(iterable, "options.rows", "must be an array (or iterable) of { metric, timestamp, value }");
  return { interval: interval as ReportInterval, rows: rows as Iterable<unknown> | undefined };
}

/** Checks the options of `exportReport` / `writeReport` and applies the defaults. */
export function checkExportOptions(check: Validator, options: unknown): ResolvedExportOptions | undefined {
  const input = options ?? {};
  if (!check.object("options", input)) return undefined;
  check.knownKeys("options", input, EXPORT_OPTION_KEYS);
  const flag = (key: "escapeFormulas" | "bom", fallback: boolean): boolean => {
    const value = input[key];
    if (value === undefined) return fallback;
    return check.boolean(`options.${key}`, value) ? value : fallback;
  };
  const whole = (key: string, fallback: number, min: number, max: number): number => {
    const value = input[key];
    if (value === undefined) return fallback;
    return check.number(`options.${key}`, value, { integer: true, min, max }) ? value : fallback;
  };
  const delimiter = input.delimiter ?? ",";
  if (check.string("options.delimiter", delimiter, { maxLength: 1 })) {
    check.check(
      !/["\r\n]/.test(delimiter),
      "options.delimiter",
      'must not be a quote or a line break; "," or ";" or a tab',
    );
  }
  const chartStatistic = checkChartStatistic(check, input.chartStatistic);
  return {
    escapeFormulas: flag("escapeFormulas", true),
    bom: flag("bom", false),
    delimiter: typeof delimiter === "string" ? delimiter : ",",
    maxRowsPerSheet: whole("maxRowsPerSheet", EXCEL_MAX_ROWS, 2, EXCEL_MAX_ROWS),
    maxPdfRows: whole("maxPdfRows", 2_000, 0, 1_000_000),
    chartStatistic,
    indent: whole("indent", 2, 0, 8),
  };
}

/** `chartStatistic`: one statistic, or a map from metric name to statistic, as a lookup by metric. */
function checkChartStatistic(check: Validator, value: unknown): (metric: string) => ReportStatistic {
  const accepted = `one of ${STATISTICS.map((name) => `"${name}"`).join(", ")}`;
  const isStatistic = (candidate: unknown): candidate is ReportStatistic =>
    typeof candidate === "string" && (STATISTICS as readonly string[]).includes(candidate);
  if (value === undefined) return () => "sum";
  if (typeof value === "string") {
    if (
      check.check(isStatistic(value), "options.chartStatistic", `must be ${accepted}, or a map from metric name to one`)
    ) {
      return () => value as ReportStatistic;
    }
    return () => "sum";
  }
  if (!check.object("options.chartStatistic", value)) return () => "sum";
  const byMetric = new Map<string, ReportStatistic>();
  for (const [metric, statistic] of Object.entries(value)) {
    if (check.check(isStatistic(statistic), `options.chartStatistic.${metric}`, `must be ${accepted}`)) {
      byMetric.set(metric, statistic as ReportStatistic);
    }
  }
  return (metric) => byMetric.get(metric) ?? "sum";
}

/** A file name from the title and period: ASCII, lower case, `-` between words. */
export function reportFilename(title: string, periodLabel: string, format: ReportFormat): string {
  const slug =
    title
      .replace(/[ßłŁđøæœþ]/g, (letter) => TRANSLITERATIONS[letter] ?? "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/g, "") || "report";
  const dates = periodLabel.match(/\d{4}-\d{2}-\d{2}/g) ?? [];
  const suffix = dates.length > 0 ? `_${dates.join("_")}` : "";
  return `${slug}${suffix}.${FILE_EXTENSIONS[format]}`;
}

// Letters that Unicode decomposition leaves alone.
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  ß: "ss",
  ł: "l",
  Ł: "L",
  đ: "d",
  ø: "o",
  æ: "ae",
  œ: "oe",
  þ: "th",
};

const FILE_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  json: "json",
  csv: "csv",
  excel: "xlsx",
  pdf: "pdf",
};

/** The media type of each format. */
export const MIME_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  excel: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};
