// Extracts every ```ts block of the package READMEs into a consumer project, so the consumer test type-checks and
// runs them against the installed tarballs: a README example that stops working fails CI.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FENCE = /^```ts\n([\s\S]*?)^```$/gm;

/**
 * Writes each README's TypeScript blocks as `readme/<package>-<n>.mts` inside the consumer project.
 *
 * @returns `{ label, file }` for each block, `file` relative to the project.
 */
export function writeReadmeExamples({ root, app, packages }) {
  mkdirSync(join(app, "readme"), { recursive: true });
  const examples = [];
  for (const name of packages) {
    const text = readFileSync(join(root, "packages", name, "README.md"), "utf8");
    let index = 0;
    for (const match of text.matchAll(FENCE)) {
      index += 1;
      const file = `readme/${name}-${index}.mts`;
      // `export {}` makes every block a module, so top-level await and block-local names are allowed.
      writeFileSync(join(app, file), `${match[1]}\nexport {};\n`);
      examples.push({ label: `@pelbiot/${name} README example ${index}`, file });
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
