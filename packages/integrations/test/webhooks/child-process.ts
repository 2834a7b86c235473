import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type CompiledScript, compileScript } from "../../../core/test/support/compiled-script";

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER = fileURLToPath(new URL("./fixtures/webhook-worker.ts", import.meta.url));

/** A webhook worker script running in a child process. */
export interface Worker {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited and been reaped. */
  readonly exited: Promise<number | string>;
  /** Everything the worker printed so far. */
  stdout(): string;
  stderr(): string;
}

/**
 * Compiles `fixtures/webhook-worker.ts` (see compileScript: workspace packages resolve to their sources, the same way
 * the tests see them). Call it in `beforeAll` and dispose of the result in `afterAll`.
 */
export function compileWorker(): Promise<CompiledScript> {
  return compileScript(WORKER);
}

/** Starts the compiled worker script in a real Node process. */
export function startWorker(script: CompiledScript | undefined, ...parameters: string[]): Worker {
  if (script === undefined) throw new Error("the worker script is compiled in beforeAll");
  const child = spawn(process.execPath, [script.path, ...parameters], {
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}
