// ReportGenerator exports of 100,000 rows × 10 columns to a file, next to the raw libraries writing the same table
// in the same run: exceljs's streaming WorkbookWriter, and csv-stringify's stream API and its sync API on blocks of
// rows. Each export runs in its own process so its peak RSS is its own. Run with
// `pnpm --filter @pelbiot/analytics bench reports`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("./report-export-worker.ts", import.meta.url));
const REPEATS = 3;

interface Measurement {
  readonly task: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly bytes: number;
  readonly maxRssMb: number;
}

function measure(task: string, directory: string): Measurement {
  const runs: Measurement[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const path = join(directory, `${task}-${repeat}`);
    const output = execFileSync(process.execPath, [...process.execArgv, WORKER, task, path], { encoding: "utf8" });
    runs.push(JSON.parse(output.trim().split("\n").at(-1) as string) as Measurement);
  }
  runs.sort((left, right) => left.ms - right.ms);
  const median = runs[runs.length >> 1] as Measurement;
  return { ...median, maxRssMb: Math.max(...runs.map((run) => run.maxRssMb)) };
}

export default async function bench(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "pelbiot-reports-bench-"));
  try {
    const load = () =>
      loadavg()
        .map((value) => value.toFixed(2))
        .join(", ");
    console.log(`load average before: ${load()}\n`);
    const tasks = ["ours-xlsx", "raw-exceljs", "ours-csv", "raw-csv-stringify", "raw-csv-stringify-sync"];
    const results = tasks.map((task) => measure(task, directory));
    const [oursXlsx, rawXlsx, oursCsv, rawCsv, rawCsvSync] = results as [
      Measurement,
      Measurement,
      Measurement,
      Measurement,
      Measurement,
    ];
    console.log(
      "| export (100,000 rows × 10 columns, to a file) | median wall time | CPU time | size | MB/s (wall) | MB/s (CPU) | peak RSS |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const result of results) {
      const megabytes = result.bytes / 1e6;
      console.log(
        `| ${result.task} | ${(result.ms / 1000).toFixed(2)} s | ${(result.cpuMs / 1000).toFixed(2)} s | ${megabytes.toFixed(1)} MB | ${(megabytes / (result.ms / 1000)).toFixed(1)} | ${(megabytes / (result.cpuMs / 1000)).toFixed(1)} | ${result.maxRssMb.toFixed(0)} MB |`,
      );
    }
    const ratio = (ours: Measurement, raw: Measurement) =>
      `wall ${(ours.ms / raw.ms).toFixed(2)}×, CPU ${(ours.cpuMs / raw.cpuMs).toFixed(2)}×, peak RSS ${(ours.maxRssMb / raw.maxRssMb).toFixed(2)}×`;
    console.log(`\nXLSX, ours / raw exceljs: ${ratio(oursXlsx, rawXlsx)}`);
    console.log(`CSV, ours / raw csv-stringify (stream API): ${ratio(oursCsv, rawCsv)}`);
    console.log(`CSV, ours / raw csv-stringify (sync API on blocks of rows): ${ratio(oursCsv, rawCsvSync)}`);
    const megabytesPerSecond = (result: Measurement) => result.bytes / 1e6 / (result.ms / 1000);
    console.log(
      `\nTargets: XLSX under 5 s: ${oursXlsx.ms < 5000 ? "met" : "missed"} (${(oursXlsx.ms / 1000).toFixed(2)} s); ` +
        `peak RSS under 250 MB: ${oursXlsx.maxRssMb < 250 ? "met" : "missed"} (${oursXlsx.maxRssMb.toFixed(0)} MB); ` +
        `CSV at ≥ 100 MB/s: ${megabytesPerSecond(oursCsv) >= 100 ? "met" : "missed"} (${megabytesPerSecond(oursCsv).toFixed(1)} MB/s)`,
    );
    console.log(`load average after: ${load()}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
