// Cold import time of the built package: `node -e "import('@pelbiot/ml')"` in a fresh process, 20 runs, median.
// Run after `pnpm --filter @pelbiot/ml build`; IMPORT_FROM names another directory to import from (e.g. one where
// the packed tarball was installed with npm), otherwise the package imports itself by name.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const RUNS = 20;
const SCRIPT =
  "const start = process.hrtime.bigint(); import('@pelbiot/ml').then(() => " +
  "process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6)))";

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export default async function importTimeBench(): Promise<void> {
  const directory = process.env.IMPORT_FROM ?? fileURLToPath(new URL("..", import.meta.url));
  const importMs: number[] = [];
  const processMs: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    const output = execFileSync(process.execPath, ["-e", SCRIPT], { cwd: directory, encoding: "utf8" });
    processMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    importMs.push(Number(output));
  }
  console.log(
    `Cold import of @pelbiot/ml from ${process.env.IMPORT_FROM ? "IMPORT_FROM" : "the package itself"}, ${RUNS} runs:\n`,
  );
  console.log("| measure | median ms | min ms | max ms |");
  console.log("|---|---|---|---|");
  for (const [label, values] of [
    ["import('@pelbiot/ml') inside the process", importMs],
    ["whole `node -e` process", processMs],
  ] as const) {
    console.log(
      `| ${label} | ${median(values).toFixed(1)} | ${Math.min(...values).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`,
    );
  }
}
