// Extracts every ```ts block of the package READMEs and of the guides in docs/ into a consumer project, so the
// consumer test type-checks and runs them against the installed tarballs: an example that stops working fails CI.
// Code that cannot run in Node (browser-only calls) is fenced as ```typescript, which is left out.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FENCE = /^```ts\n([\s\S]*?)^```$/gm;

/**
 * Writes each README's TypeScript blocks as `readme/<package>-<n>.mts`, and each guide's as
 * `readme/docs-<guide>-<n>.mts`, inside the consumer project.
 *
 * @returns `{ label, file }` for each block, `file` relative to the project.
 */
export function writeReadmeExamples({ root, app, packages }) {
  mkdirSync(join(app, "readme"), { recursive: true });
  const sources = packages.map((name) => ({
    path: join(root, "packages", name, "README.md"),
    prefix: name,
    label: `@pelbiot/${name} README example`,
  }));
  for (const file of readdirSync(join(root, "docs"))
    .filter((entry) => entry.endsWith(".md"))
    .sort()) {
    const guide = file.slice(0, -".md".length);
    sources.push({ path: join(root, "docs", file), prefix: `docs-${guide}`, label: `docs/${file} example` });
  }
  const examples = [];
  for (const { path, prefix, label } of sources) {
    const text = readFileSync(path, "utf8");
    let index = 0;
    for (const match of text.matchAll(FENCE)) {
      index += 1;
      const file = `readme/${prefix}-${index}.mts`;
      // `export {}` makes every block a module, so top-level await and block-local names are allowed.
      writeFileSync(join(app, file), `${match[1]}\nexport {};\n`);
      examples.push({ label: `${label} ${index}`, file });
    }
  }
  return examples;
}

/** Transpiles each example with the workspace's TypeScript and runs it with Node in a scratch working directory. */
export function runReadmeExamples({ root, app, examples }) {
  const ts = createRequire(join(root, "package.json"))("typescript");
  for (const { label, file } of examples) {
    const source = readFileSync(join(app, file), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const script = join(app, file.replace(/\.mts$/, ".mjs"));
    writeFileSync(script, outputText);
    const scratch = mkdtempSync(join(tmpdir(), "pelbiot-readme-"));
    try {
      execFileSync(process.execPath, [script], { cwd: scratch, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
      console.log(`ran ${label}`);
    } catch (error) {
      throw new Error(`${label} failed:\n${error.stdout?.toString() ?? ""}${error.stderr?.toString() ?? error}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
