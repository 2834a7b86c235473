/**
 * Finds the DejaVu Sans subsets shipped in the package's `fonts/` folder. The folder sits at the package root, one
 * level above the built `dist/` files and three above this source file, so the lookup walks up from this module.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PelbiotError } from "@pelbiot/core";

/** The font files embedded into PDF reports. */
export interface ReportFonts {
  readonly regular: Buffer;
  readonly bold: Buffer;
}

const MAX_LEVELS = 4;
let loaded: Promise<ReportFonts> | undefined;

/** Reads the fonts once per process. */
export function loadReportFonts(): Promise<ReportFonts> {
  loaded ??= readFonts().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

async function readFonts(): Promise<ReportFonts> {
  let directory = moduleDirectory();
  for (let level = 0; level <= MAX_LEVELS; level += 1) {
    const fonts = join(directory, "fonts");
    try {
      const [regular, bold] = await Promise.all([
        readFile(join(fonts, "DejaVuSans.ttf")),
        readFile(join(fonts, "DejaVuSans-Bold.ttf")),
      ]);
      return { regular, bold };
    } catch {
      directory = dirname(directory);
    }
  }
  throw new PelbiotError(
    "CONFIGURATION_ERROR",
    "ReportGenerator: the PDF fonts (fonts/DejaVuSans.ttf in @pelbiot/analytics) were not found; reinstall the package or keep its fonts/ folder when bundling",
  );
}

function moduleDirectory(): string {
  // The CommonJS build has __dirname; the ES module build and the sources have import.meta.url.
  return typeof __dirname === "string" ? __dirname : dirname(fileURLToPath(import.meta.url));
}
