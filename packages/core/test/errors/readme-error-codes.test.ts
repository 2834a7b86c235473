import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PELBIOT_ERROR_CODES, type PelbiotErrorCode } from "../../src/errors/error-codes";

// The README's error-code table is what users branch on: it must list every code the type allows, and nothing else.
const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

/** The `code → meaning` rows of the table under `## Error codes`. */
function documentedCodes(text: string): Map<string, string> {
  const section = text.split(/^## /m).find((part) => part.startsWith("Error codes\n"));
  if (section === undefined) throw new Error("the README has no '## Error codes' section");
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([A-Z_]+)` +\| ([^|]*)\|/gm)) {
    rows.set(match[1] as string, (match[2] as string).trim());
  }
  return rows;
}

/** What differs between the table and the codes: missing from the README, and listed there but unknown. */
function compare(documented: ReadonlyMap<string, string>, codes: readonly PelbiotErrorCode[]) {
  return {
    missing: codes.filter((code) => !documented.has(code)),
    unknown: [...documented.keys()].filter((code) => !(codes as readonly string[]).includes(code)),
  };
}

describe("README error codes", () => {
  it("lists every PelbiotErrorCode and no other code", () => {
    expect(compare(documentedCodes(readme), PELBIOT_ERROR_CODES)).toEqual({ missing: [], unknown: [] });
  });

  it("gives every code a meaning", () => {
    for (const [code, meaning] of documentedCodes(readme)) expect(meaning, code).not.toBe("");
  });

  it("notices a code the table leaves out, and a code that does not exist", () => {
    const edited = readme.replace(/^\| `TIMEOUT` .*\n/m, "").replace(/^(\| `ABORTED` .*\n)/m, "$1| `GONE` | Gone |\n");
    expect(compare(documentedCodes(edited), PELBIOT_ERROR_CODES)).toEqual({ missing: ["TIMEOUT"], unknown: ["GONE"] });
  });
});
