// Runs every `*.bench.ts` module in a package's `bench/` folder (or only those whose name contains an argument).
// Each module's default export is an async function that prints its own table; results go in BENCHMARKS.md.
import { existsSync, readdirSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const directory = resolve(process.cwd(), "bench");
const filters = process.argv.slice(2);
const files = (existsSync(directory) ? readdirSync(directory) : [])
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);
for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.ts$/, "")}\n`);
  const module = (await import(pathToFileURL(join(directory, file)).href)) as { default: () => Promise<void> };
  await module.default();
}
