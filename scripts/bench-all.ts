// `pnpm bench [filter…]`: runs every package's benchmarks, each file in its own process, and writes what each printed
// into BENCHMARKS.md between its markers, so the tables there are always the last run's. The prose around the markers
// (protocol, what a figure means, targets met or missed) is written by hand and kept.
//
//   <!-- bench:ml/anomaly-corpus -->   …output of packages/ml/bench/anomaly-corpus.bench.ts…   <!-- /bench -->
//
// A benchmark without a block gets a new one before `<!-- bench:end -->` (or at the end of its package's section).
// `--no-write` only prints; `--no-build` skips building the packages first.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { applyBenchBlocks, type BenchOutput } from "./bench-blocks.ts";

const root = resolve(import.meta.dirname, "..");
const packages = ["core", "mobile", "integrations", "analytics", "ml"];
const args = process.argv.slice(2);
const write = !args.includes("--no-write");
const filters = args.filter((arg) => !arg.startsWith("--"));

const jobs = packages.flatMap((name) => {
  const directory = join(root, "packages", name, "bench");
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith(".bench.ts"))
    .sort()
    .map((file) => ({ key: `${name}/${file.replace(/\.bench\.ts$/, "")}`, name, file }))
    .filter((job) => filters.length === 0 || filters.some((filter) => job.key.includes(filter)));
});

const machine = () =>
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ` +
  `${Math.round(totalmem() / 2 ** 30)} GiB RAM, load average ${loadavg()[0]?.toFixed(1)} at the start`;

// Some benchmarks load the built packages (import time, bundle size, worker processes): build them first.
if (!args.includes("--no-build") && jobs.length > 0) {
  const build = spawnSync("pnpm", ["build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (build.status !== 0) throw new Error("pnpm build failed; the benchmarks need the built packages");
}

const outputs: BenchOutput[] = [];
let failed = 0;
for (const job of jobs) {
  const started = new Date();
  const header = `${machine()}; ${started.toISOString().slice(0, 10)}`;
  process.stdout.write(`\n### ${job.key}\n`);
  const { code, text } = await runOne(job.name, job.file);
  if (code !== 0) {
    failed += 1;
    console.error(`${job.key} exited with ${code}; its block is left as it was`);
    continue;
  }
  const output = { key: job.key, packageName: job.name, header, text };
  outputs.push(output);
  // Written after each benchmark, so an interrupted run keeps what it measured.
  if (write) {
    const file = join(root, "BENCHMARKS.md");
    writeFileSync(file, applyBenchBlocks(readFileSync(file, "utf8"), [output]));
  }
}

if (write) console.log(`\nBENCHMARKS.md: ${outputs.length} block(s) rewritten`);
process.exitCode = failed === 0 ? 0 : 1;

function runOne(packageName: string, file: string): Promise<{ code: number; text: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@pelbiot/source", join(root, "scripts/run-benches.ts"), "--exact", file],
      { cwd: join(root, "packages", packageName), stdio: ["ignore", "pipe", "inherit"] },
    );
    let text = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      text += chunk;
      process.stdout.write(chunk);
    });
    child.on("close", (code) => done({ code: code ?? 1, text }));
  });
}
