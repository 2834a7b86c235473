// One measured export per process, so its peak RSS is its own: `reports.bench.ts` spawns this file with a task name
// and reads one line of JSON back. Tasks: ours-xlsx, ours-csv, raw-exceljs, raw-csv-stringify (its stream API) and
// raw-csv-stringify-sync (its sync API on blocks of rows, written as large strings).
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { ReportGenerator, type ReportInputRow } from "../src/reports/report-generator";

const METRICS = 10;
const HOURS = 10_000;
const START = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** 100,000 rows × 10 columns: 10 metrics × 10,000 hourly buckets, one observation each. */
function inputRows(): ReportInputRow[] {
  const rows: ReportInputRow[] = [];
  for (let hour = 0; hour < HOURS; hour += 1) {
    for (let metric = 0; metric < METRICS; metric += 1) {
      rows.push({ metric: `metric_${metric}`, timestamp: START + hour * HOUR + 1, value: (hour * 7 + metric) % 1000 });
    }
  }
  return rows;
}

/** Rows per call of csv-stringify's sync API in the raw-csv-stringify-sync task (as many as ours writes at once). */
const SYNC_ROWS = 4_000;

/** The same 100,000 × 10 table as plain arrays, for the raw libraries (dates as ISO text for CSV). */
function rawTable(datesAsText: boolean): (string | number | Date)[][] {
  const table: (string | number | Date)[][] = [];
  for (let hour = 0; hour < HOURS; hour += 1) {
    for (let metric = 0; metric < METRICS; metric += 1) {
      const value = (hour * 7 + metric) % 1000;
      const start = new Date(START + hour * HOUR);
      const end = new Date(start.getTime() + HOUR);
      table.push([
        datesAsText ? start.toISOString() : start,
        datesAsText ? end.toISOString() : end,
        `metric_${metric}`,
        1,
        value,
        value,
        value,
        value,
        value,
        value,
      ]);
    }
  }
  return table;
}

/** Wall time and CPU time (user + system) of one export, in milliseconds. */
interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

function timed(started: number, cpu: NodeJS.CpuUsage): Timing {
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

async function run(task: string, path: string): Promise<Timing> {
  if (task.startsWith("ours")) {
    const reports = new ReportGenerator();
    const metrics = Array.from({ length: METRICS }, (_, index) => `metric_${index}`);
    const report = reports.generateReport("Benchmark", metrics, { start: START, end: START + HOURS * HOUR }, "csv", {
      rows: inputRows(),
      interval: "hour",
    });
    const started = performance.now();
    const cpu = process.cpuUsage();
    await reports.writeReport(report.id, task === "ours-xlsx" ? "excel" : "csv", path);
    return timed(started, cpu);
  }
  // Built before the clock starts: only the library's writing is timed.
  const table = rawTable(task !== "raw-exceljs");
  const started = performance.now();
  const cpu = process.cpuUsage();
  if (task === "raw-exceljs") {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useStyles: true,
      useSharedStrings: false,
    });
    const sheet = workbook.addWorksheet("Data");
    for (const row of table) sheet.addRow(row).commit();
    sheet.commit();
    await workbook.commit();
  } else if (task === "raw-csv-stringify") {
    await pipeline(Readable.from(table), stringify({ record_delimiter: "\r\n" }), createWriteStream(path));
  } else {
    const file = createWriteStream(path);
    for (let start = 0; start < table.length; start += SYNC_ROWS) {
      const block = stringifySync(table.slice(start, start + SYNC_ROWS), { record_delimiter: "\r\n" });
      if (!file.write(block)) await once(file, "drain");
    }
    file.end();
    await finished(file);
  }
  return timed(started, cpu);
}

const [task = "ours-xlsx", path = "/dev/null"] = process.argv.slice(2);
const timing = await run(task, path);
const bytes = path === "/dev/null" ? 0 : (await stat(path)).size;
console.log(JSON.stringify({ task, ...timing, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
