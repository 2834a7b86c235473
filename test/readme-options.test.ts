// The options tables of the package READMEs are written from the options interfaces' TSDoc; these tests fail when a
// table is stale (run `node scripts/options-tables.mjs`) or when it lists other keys than the constructor accepts.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { OPTION_TABLES, optionRows, renderReadmes, tablesIn } from "../scripts/options-tables.mjs";

interface OptionTable {
  name: string;
  readme: string;
  sources: [string, string, string][];
  keys?: [string, string, string];
}

const root = resolve(import.meta.dirname, "..");
const tables = OPTION_TABLES as OptionTable[];

describe("README options tables", () => {
  it("are up to date with the options' TSDoc", () => {
    const stale = renderReadmes()
      .filter(({ before, after }: { before: string; after: string }) => before !== after)
      .map(({ path }: { path: string }) => path);
    expect(stale).toEqual([]);
  });

  it("each appear once, in the README of their package", () => {
    for (const name of ["core", "mobile", "integrations", "analytics", "ml"]) {
      const text = readFileSync(join(root, "packages", name, "README.md"), "utf8");
      const expected = tables.filter((table) => table.readme === name).map((table) => table.name);
      expect(tablesIn(text).sort(), name).toEqual([...expected].sort());
    }
  });

  it.each(tables.filter((table) => table.keys !== undefined))(
    "$name lists exactly the keys the constructor accepts",
    async (table) => {
      const [pkg, file, constant] = table.keys as [string, string, string];
      const module = (await import(join(root, "packages", pkg, file))) as Record<string, readonly string[]>;
      const accepted = module[constant];
      expect(accepted, constant).toBeDefined();
      const documented = optionRows(table).map((row: { option: string }) => row.option);
      expect([...documented].sort()).toEqual([...(accepted as readonly string[])].sort());
    },
  );

  it("give every option a type and a meaning", () => {
    for (const table of tables) {
      for (const row of optionRows(table) as { option: string; type: string; meaning: string }[]) {
        expect(row.type, `${table.name}.${row.option}`).not.toBe("");
        expect(row.meaning, `${table.name}.${row.option}`).not.toBe("");
      }
    }
  });
});
