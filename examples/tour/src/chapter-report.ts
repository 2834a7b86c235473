/**
 * Chapter: a two-week report of the collector's metrics (revenue, checkout latency, CPU) is written as CSV, Excel and PDF (with a chart per metric),
 * and the forecast with the anomalies as an SVG chart, into `out/`. Each file is read back and checked.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type AnalyticsDataCollector, ReportGenerator, renderTimeSeriesChartSvg } from "@pelbiot/analytics";
import type { Recorded } from "./chapter-analytics";
import type { MlResults } from "./chapter-ml";
import { CPU_DAYS, DAY } from "./shop-data";
import { chapter, progress, say, verify } from "./story";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CSV_HEADER = "period_start,period_end,metric,count,sum,mean,min,max,p50,p95";

/** The files the chapter writes, by kind. */
export interface TourFiles {
  readonly csv: string;
  readonly xlsx: string;
  readonly pdf: string;
  readonly svg: string;
}

/** Runs the report chapter and returns the paths of the files it wrote. */
export async function reportChapter(
  analytics: AnalyticsDataCollector,
  ml: MlResults,
  outDirectory: string,
  expected: Recorded,
): Promise<TourFiles> {
  chapter("Reports and charts (@pelbiot/analytics)");
  await mkdir(outDirectory, { recursive: true });
  const files: TourFiles = {
    csv: join(outDirectory, "shop-report.csv"),
    xlsx: join(outDirectory, "shop-report.xlsx"),
    pdf: join(outDirectory, "shop-report.pdf"),
    svg: join(outDirectory, "cpu-forecast.svg"),
  };

  const lastHour = ml.observed.at(-1)?.timestamp ?? Date.now();
  const lastDay = new Date(lastHour).toISOString().slice(0, 10);
  const firstDay = new Date(lastHour - (CPU_DAYS - 1) * DAY).toISOString().slice(0, 10);
  const reports = new ReportGenerator({ source: analytics });
  const report = reports.generateReport(
    "Pelbiot Outfitters: the last two weeks",
    ["order_value_usd", "checkout_latency_ms", "cpu_usage"],
    { start: firstDay, end: lastDay }, // whole UTC days, the last one included
    "pdf",
  );
  say(`report "${report.title}", ${report.period.label}: ${report.rows.length} daily rows`);
  const totals = Object.fromEntries(report.totals.map((total) => [total.metric, total]));
  say(
    `revenue ${totals.order_value_usd?.sum.toLocaleString("en-US", { maximumFractionDigits: 2 })} USD from ${totals.order_value_usd?.count} orders; ` +
      `CPU mean ${totals.cpu_usage?.mean?.toFixed(1)} %, max ${totals.cpu_usage?.max?.toFixed(1)} %`,
  );
  verify(
    totals.order_value_usd?.count === expected.orders && totals.cpu_usage?.count === expected.cpuReadings,
    `the report counts all ${expected.orders} orders and ${expected.cpuReadings} CPU readings`,
    { orders: totals.order_value_usd?.count, cpu: totals.cpu_usage?.count },
  );

  const step = progress("writing CSV, Excel and PDF", 3);
  const written: string[] = [];
  for (const [format, path] of [
    ["csv", files.csv],
    ["excel", files.xlsx],
    ["pdf", files.pdf],
  ] as const) {
    // Revenue charts as a daily sum; latency and CPU are gauges, so their charts show the daily 95th percentile and mean.
    const options =
      format === "pdf" ? { chartStatistic: { checkout_latency_ms: "p95", cpu_usage: "mean" } as const } : {};
    const result = await reports.writeReport(report.id, format, path, options);
    written.push(`${format} ${(result.bytes / 1024).toFixed(1)} KiB`);
    step.advance(format);
  }
  step.finish(written.join(", "));
  await reports.flush();
  reports.close();

  const svg = renderTimeSeriesChartSvg(forecastChart(ml), {
    title: "CPU usage: the last three days, the next 24 hours and the anomalies",
    width: 900,
    height: 360,
  });
  await writeFile(files.svg, svg);

  await checkFiles(files, report.rows.length);
  return files;
}

/** Observed CPU (last three days), the forecast, its 95 % bounds (dashed) and the anomalies as markers. */
function forecastChart(ml: MlResults) {
  const lastHour = ml.observed.at(-1)?.timestamp ?? 0;
  const recent = ml.observed.filter((point) => point.timestamp > lastHour - 3 * DAY);
  const bound = (side: "lower" | "upper") =>
    ml.forecast.points.map((point) => ({
      timestamp: point.timestamp,
      value: point.intervals.find((interval) => interval.level === 95)?.[side] ?? point.value,
    }));
  // The forecast line starts at the last observation, so the two lines join.
  const joined = [{ timestamp: lastHour, value: ml.observed.at(-1)?.value ?? 0 }, ...ml.forecast.points];
  return [
    { name: "CPU % (observed)", points: recent },
    { name: "forecast", points: joined },
    { name: "95 % lower", points: bound("lower"), style: "dashed" as const, color: "#999999" },
    { name: "95 % upper", points: bound("upper"), style: "dashed" as const, color: "#999999" },
    { name: "anomaly", points: ml.anomalies, style: "points" as const, color: "#D55E00" },
  ];
}

/** Reads every file back: the magic bytes of its format, the CSV header and row count, the SVG's markers. */
async function checkFiles(files: TourFiles, rowCount: number): Promise<void> {
  const pdf = await readFile(files.pdf);
  const xlsx = await readFile(files.xlsx);
  const csv = await readFile(files.csv, "utf8");
  const svg = await readFile(files.svg, "utf8");
  const shown = (path: string) => relative(REPOSITORY_ROOT, path);
  say(`wrote ${[files.csv, files.xlsx, files.pdf, files.svg].map(shown).join(", ")}`);
  verify(
    pdf.subarray(0, 5).toString("latin1") === "%PDF-",
    "the PDF starts with %PDF-",
    pdf.subarray(0, 8).toString("latin1"),
  );
  verify(pdf.includes("/Type /Page"), "the PDF has pages");
  verify(
    xlsx[0] === 0x50 && xlsx[1] === 0x4b && xlsx[2] === 0x03 && xlsx[3] === 0x04,
    "the Excel file is a zip archive (PK\\x03\\x04)",
    xlsx.subarray(0, 4).toString("hex"),
  );
  verify(xlsx.includes("xl/worksheets/sheet1.xml"), "the archive holds a worksheet");
  const lines = csv.trimEnd().split(/\r?\n/);
  verify(lines[0] === CSV_HEADER, `the CSV header is ${CSV_HEADER}`, lines[0]);
  verify(lines.length === rowCount + 1, `the CSV has the report's ${rowCount} rows`, lines.length - 1);
  verify(
    svg.startsWith("<svg") &&
      svg.endsWith("</svg>") &&
      svg.includes("stroke-dasharray") &&
      svg.includes('fill="#D55E00"'),
    "the SVG chart draws the interval and marks the anomalies",
  );
}
