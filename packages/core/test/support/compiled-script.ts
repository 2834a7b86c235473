/**
 * Child-process scripts of the multi-process tests, compiled once per test file instead of in every child.
 *
 * `node --import tsx script.ts` loads tsx and compiles the script and every workspace source it imports, again in
 * each child: about 0.4 s of CPU per start (0.1 s for the compiled script), and the file-storage crash test starts
 * sixteen. Here esbuild bundles the script with the workspace sources it imports (resolved through the
 * `@pelbiot/source` condition, as the tests see them) into one ES module in a temporary directory, and each child
 * runs it with plain `node`. Third-party packages
 * are not bundled: each import is resolved where the importing source lives and left as an import of that file, so
 * the child loads the very same package files as it would through tsx.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { build, type Plugin } from "esbuild";

/** A compiled script; `dispose()` deletes it. */
export interface CompiledScript {
  /** The path to give `node`: `spawn(process.execPath, [script.path, ...arguments])`. */
  readonly path: string;
  dispose(): Promise<void>;
}

const RESOLVING = Symbol("resolving a third-party import");

/** Leaves third-party packages (and Node's built-ins) out of the bundle, as imports of the files they resolve to. */
const thirdPartyAsFiles: Plugin = {
  name: "third-party-as-files",
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === RESOLVING || args.path.startsWith("@pelbiot/")) return undefined;
      const resolved = await bundler.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: RESOLVING,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.external ? args.path : resolved.path, external: true };
    });
  },
};

/**
 * Bundles `source` (a TypeScript file) for Node.
 *
 * @param source - The absolute path of the script.
 * @returns The compiled script; delete it with `dispose()` in `afterAll`.
 */
export async function compileScript(source: string): Promise<CompiledScript> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-script-"));
  const path = join(directory, `${basename(source, ".ts")}.mjs`);
  try {
    await build({
      entryPoints: [source],
      outfile: path,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      conditions: ["@pelbiot/source"],
      plugins: [thirdPartyAsFiles],
      logLevel: "silent",
    });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return { path, dispose: () => rm(directory, { recursive: true, force: true }) };
}
