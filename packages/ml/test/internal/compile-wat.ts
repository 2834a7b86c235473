import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";

// The part of wabt's API the staleness tests use (the package ships no declarations).
interface WabtModule {
  parseWat(
    filename: string,
    source: string,
    features: Record<string, boolean>,
  ): {
    validate(): void;
    toBinary(options: Record<string, boolean>): { buffer: Uint8Array };
    destroy(): void;
  };
}

/**
 * Compiles a `.wat` source with the pinned wabt, as `scripts/build-kernels.mjs` does, so a test can compare the
 * committed module with its source.
 *
 * @param source - The `.wat` file.
 * @returns The module's bytes.
 */
export async function compileWat(source: URL): Promise<Buffer> {
  const wabt = await (createRequire(import.meta.url)("wabt") as () => Promise<WabtModule>)();
  const parsed = wabt.parseWat(basename(fileURLToPath(source)), readFileSync(source, "utf8"), {
    simd: true,
    bulk_memory: true,
  });
  parsed.validate();
  const { buffer } = parsed.toBinary({ log: false, write_debug_names: false });
  parsed.destroy();
  return Buffer.from(buffer);
}
