import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Every published package follows one manifest shape; drift here breaks consumers in ways unit tests never see.
const root = resolve(import.meta.dirname, "../../../..");
const names = ["core", "mobile", "integrations", "analytics", "ml"];
// Folders a package ships besides its code: the fonts that @pelbiot/analytics embeds into PDF reports.
const assets: Record<string, string[]> = { analytics: ["fonts"] };

interface Condition {
  types: string;
  default: string;
}
interface Manifest {
  name: string;
  type: string;
  sideEffects: boolean;
  main: string;
  module: string;
  types: string;
  files: string[];
  engines: { node: string };
  publishConfig: { access: string };
  exports: Record<string, string | { "@pelbiot/source": string; import: Condition; require: Condition }>;
  dependencies?: Record<string, string>;
}

describe.each(names)("@pelbiot/%s manifest", (name) => {
  const directory = join(root, "packages", name);
  const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as Manifest;

  it("is a public, side-effect-free ESM package for Node 20+", () => {
    expect(manifest.name).toBe(`@pelbiot/${name}`);
    expect(manifest.type).toBe("module");
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.engines.node).toBe(">=20");
    expect(manifest.publishConfig.access).toBe("public");
    expect(manifest.files).toEqual(["dist", "src", "CHANGELOG.md", ...(assets[name] ?? [])]);
    for (const folder of assets[name] ?? []) expect(existsSync(join(directory, folder))).toBe(true);
    expect([manifest.main, manifest.module, manifest.types]).toEqual([
      "./dist/index.cjs",
      "./dist/index.js",
      "./dist/index.d.cts",
    ]);
  });

  it("maps every subpath to a source entry that exists and to per-condition types", () => {
    expect(manifest.exports["./package.json"]).toBe("./package.json");
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === "./package.json") continue;
      if (typeof target === "string") throw new Error(`${subpath} must map conditions, not a bare path`);
      const base = subpath === "." ? "index" : `${subpath.slice(2)}/index`;
      expect(target["@pelbiot/source"]).toBe(`./src/${base}.ts`);
      expect(existsSync(join(directory, target["@pelbiot/source"]))).toBe(true);
      expect(target.import).toEqual({ types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` });
      expect(target.require).toEqual({ types: `./dist/${base}.d.cts`, default: `./dist/${base}.cjs` });
    }
  });

  it("depends on other PELBIOT packages through the workspace protocol only", () => {
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (dependency.startsWith("@pelbiot/")) expect(range).toBe("workspace:^");
    }
    if (name !== "core") expect(manifest.dependencies?.["@pelbiot/core"]).toBe("workspace:^");
  });
});
