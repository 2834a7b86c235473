import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** Options of {@link bundleUniversalEntry}. */
export interface BundleOptions {
  /** Entry file; defaults to the browser slice of the universal entry next to this file. */
  entry?: string;
  /** Minify (as an app's production build would). @default true */
  minify?: boolean;
}

/** Where the default entry lives. */
export const UNIVERSAL_ENTRY = fileURLToPath(new URL("./universal-entry.ts", import.meta.url));

/**
 * Bundles an entry for the browser the way an app bundler would: ESM, browser platform (so a `node:` import fails
 * the build), workspace packages resolved to their TypeScript sources.
 *
 * @param options - Entry and minification.
 * @returns The bundled JavaScript.
 */
export async function bundleUniversalEntry(options: BundleOptions = {}): Promise<string> {
  const { entry = UNIVERSAL_ENTRY, minify = true } = options;
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@pelbiot/source"],
    minify,
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
