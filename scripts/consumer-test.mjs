#!/usr/bin/env node
// Packs every published package, installs the tarballs into a fresh npm project outside the workspace, and imports
// each one from ESM, CJS and type-checked TypeScript (node16 resolution): what only real consumers hit.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runReadmeExamples, writeReadmeExamples } from "./readme-examples.mjs";

const root = resolve(import.meta.dirname, "..");
const packages = ["core", "mobile", "integrations", "analytics", "ml"];
const work = mkdtempSync(join(tmpdir(), "pelbiot-consumer-"));
const run = (command, args, cwd) => {
  try {
    return execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"] }).toString();
  } catch (error) {
    // Show what the failing command printed rather than a buffer dump.
    throw new Error(`${command} ${args.join(" ")} failed:\n${error.stdout?.toString() ?? ""}`);
  }
};

try {
  const tarballs = join(work, "tarballs");
  for (const name of packages) {
    run("pnpm", ["pack", "--pack-destination", tarballs], join(root, "packages", name));
  }
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  const app = join(work, "app");
  run("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }));
  // A Node consumer has Node's types; the server-side entries (integrations, core/node) rely on them.
  const nodeTypes = JSON.parse(readFileSync(join(root, "node_modules", "@types", "node", "package.json"), "utf8"));
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--ignore-scripts", ...files, `@types/node@${nodeTypes.version}`],
    app,
  );

  // Every README links its CHANGELOG.md: it must ship in the tarball.
  for (const name of packages) {
    if (!existsSync(join(app, "node_modules", "@pelbiot", name, "CHANGELOG.md"))) {
      throw new Error(`@pelbiot/${name} was packed without CHANGELOG.md, which its README links`);
    }
  }

  const exportsOf = (name) => {
    const manifest = JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8"));
    return Object.keys(manifest.exports)
      .filter((subpath) => subpath !== "./package.json")
      .map((subpath) => `@pelbiot/${name}${subpath.slice(1)}`);
  };
  const specifiers = packages.flatMap(exportsOf);

  writeFileSync(
    join(app, "esm.mjs"),
    `${specifiers.map((specifier, index) => `import * as m${index} from "${specifier}";`).join("\n")}
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const modules = { ${specifiers.map((specifier, index) => `"${specifier}": m${index}`).join(", ")} };
for (const [specifier, module] of Object.entries(modules)) console.log("esm", specifier, Object.keys(module).length, "exports");
const esm = m0;
const cjs = require("@pelbiot/core");
if (typeof esm.PelbiotError !== "function") throw new Error("ESM build lacks PelbiotError");
// Dual-package hazard: an error from the CJS copy must still be recognised by the ESM copy.
const foreign = new cjs.PelbiotError("NOT_FOUND", "from the CJS copy");
if (foreign instanceof esm.PelbiotError) throw new Error("expected two distinct copies");
if (!esm.PelbiotError.is(foreign, "NOT_FOUND")) throw new Error("PelbiotError.is failed across copies");
console.log("esm ok");
`,
  );
  writeFileSync(
    join(app, "cjs.cjs"),
    `const specifiers = ${JSON.stringify(specifiers)};
for (const specifier of specifiers) console.log("cjs", specifier, Object.keys(require(specifier)).length, "exports");
const core = require("@pelbiot/core");
const error = new core.PelbiotError("CONFLICT", "x");
if (!core.PelbiotError.is(error, "CONFLICT")) throw new Error("PelbiotError.is failed in CJS");
console.log("cjs ok");
`,
  );
  writeFileSync(
    join(app, "types.mts"),
    `import { PelbiotError, type PelbiotErrorCode } from "@pelbiot/core";
${specifiers.map((specifier, index) => `import * as t${index} from "${specifier}";`).join("\n")}
const code: PelbiotErrorCode = new PelbiotError("NOT_FOUND", "x").code;
export const used = [code, ${specifiers.map((_, index) => `t${index}`).join(", ")}];
`,
  );
  writeFileSync(
    join(app, "types.cts"),
    `import core = require("@pelbiot/core");\nexport const value: string = new core.PelbiotError("CONFLICT", "x").code;\n`,
  );
  const readmeExamples = writeReadmeExamples({ root, app, packages });
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "node16",
        moduleResolution: "node16",
        target: "es2022",
        lib: ["es2022", "dom"],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ["node"],
      },
      files: ["types.mts", "types.cts", ...readmeExamples.map((example) => example.file)],
    }),
  );

  process.stdout.write(run(process.execPath, ["esm.mjs"], app));
  process.stdout.write(run(process.execPath, ["cjs.cjs"], app));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  process.stdout.write(run(process.execPath, [tsc, "-p", "tsconfig.json"], app));
  runReadmeExamples({ root, app, examples: readmeExamples });
  console.log(
    `consumer test passed: ${specifiers.length} entry points imported from ESM, CJS and TypeScript; ` +
      `${readmeExamples.length} README and guide examples type-checked and run`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
