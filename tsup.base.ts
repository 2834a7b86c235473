import type { Options } from "tsup";

/**
 * Shared build settings for every published package: ESM + CJS, `.d.ts` + `.d.cts`, sourcemaps.
 * Each package's `tsup.config.ts` only names its entries (and any ESM-only dependency to bundle), so switching bundler later touches one file.
 */
export function libraryConfig(entry: Record<string, string>, bundle: readonly (string | RegExp)[] = []): Options {
  return {
    // ESM-only dependencies (d3's modules) are bundled so the CommonJS build works on every Node 20 release.
    noExternal: [...bundle],
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
