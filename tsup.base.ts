import type { Options } from "tsup";

/**
 * Shared build settings for every published package: ESM + CJS, `.d.ts` + `.d.cts`, sourcemaps.
 * Each package's `tsup.config.ts` only names its entries, so switching bundler later touches one file.
 */
export function libraryConfig(entry: Record<string, string>): Options {
  return {
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    treeshake: true,
    splitting: true,
  };
}
