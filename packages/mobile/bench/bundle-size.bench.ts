// Size of the package's universal (browser / React Native) entry as an app bundler would ship it: esbuild, ESM,
// browser platform, minified, then gzip. Target from issue 6: under 20 kB gzipped, optional peers excluded.
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const TARGET_GZIP_BYTES = 20 * 1024;

interface Row {
  readonly name: string;
  readonly source: string;
}

const ROWS: readonly Row[] = [
  { name: "@pelbiot/mobile (the universal entry, every export)", source: `export * from "../src/index";` },
  { name: "MobileAppConfig only", source: `export { MobileAppConfig } from "../src/config/mobile-app-config";` },
  { name: "MobileUIOptimizer only", source: `export { MobileUIOptimizer } from "../src/ui/mobile-ui-optimizer";` },
  { name: "OfflineSyncManager only", source: `export { OfflineSyncManager } from "../src/sync/offline-sync-manager";` },
  { name: "@pelbiot/mobile/storage (device stores)", source: `export * from "../src/storage/index";` },
  { name: "@pelbiot/mobile/server (coordinator)", source: `export * from "../src/server/index";` },
  // Peers for scale: what this package would weigh if it imported semver's root instead of its function files.
  { name: "peer: semver (whole package root)", source: `export * from "semver";` },
  {
    name: "peer: semver parse + compare (what config uses)",
    source: `export { default as parse } from "semver/functions/parse.js";\nexport { default as compare } from "semver/functions/compare.js";`,
  },
];

async function measure(source: string): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    stdin: { contents: source, resolveDir: here, sourcefile: "entry.ts", loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@pelbiot/source"],
    minify: true,
    write: false,
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: bytes.byteLength, gzipped: gzipSync(bytes, { level: 9 }).byteLength };
}

const kB = (bytes: number): string => (bytes / 1024).toFixed(2);

/** Prints the bundle sizes as a markdown table. */
export default async function bundleSizeBench(): Promise<void> {
  console.log("| bundle | minified (kB) | gzip -9 (kB) | vs 20 kB gzip target |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of ROWS) {
    try {
      const { minified, gzipped } = await measure(row.source);
      const ratio = `${((gzipped / TARGET_GZIP_BYTES) * 100).toFixed(0)}%`;
      console.log(`| ${row.name} | ${kB(minified)} | ${kB(gzipped)} | ${ratio} |`);
    } catch (error) {
      // Another part of the entry may be mid-change; report the row rather than abort the table.
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      console.log(`| ${row.name} | build failed: ${message} | | |`);
    }
  }
  console.log("\nesbuild (format esm, platform browser, target es2022, minify); gzip level 9; 1 kB = 1024 bytes.");
}
