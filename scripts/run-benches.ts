// Runs every `*.bench.ts` module in a package's `bench/` folder (or only those whose name contains an argument).
// Each module's default export is an async function that prints its own table; the root `pnpm bench` (bench-all.ts)
// copies what it prints into BENCHMARKS.md.
import { existsSync, readdirSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const directory = resolve(process.cwd(), "bench");
// `--exact <file>` runs that one file without headings (how the root `pnpm bench` calls it, see bench-all.ts).
const exact = process.argv[2] === "--exact";
const filters = process.argv.slice(exact ? 3 : 2);
const files = (existsSync(directory) ? readdirSync(directory) : [])
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => filters.length === 0 || filters.some((filter) => (exact ? file === filter : file.includes(filter))))
  .sort();

if (!exact) console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);
for (const file of files) {
  if (!exact) console.log(`\n## ${file.replace(/\.bench\.ts$/, "")}\n`);
  const module = (await import(pathToFileURL(join(directory, file)).href)) as { default: () => Promise<void> };
  await module.default();
}
