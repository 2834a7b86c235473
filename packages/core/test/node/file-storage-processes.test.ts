import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileStorage } from "../../src/node/file-storage";
import { CRASH_KEYS, crashSequence, crashValue } from "../fixtures/crash-value";
import { type CompiledScript, compileScript } from "../support/compiled-script";

const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER = fileURLToPath(new URL("../fixtures/file-storage-worker.ts", import.meta.url));

const directories: string[] = [];
let workerScript: CompiledScript | undefined;

beforeAll(async () => {
  workerScript = await compileScript(WORKER);
}, 60_000);

async function freshDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-file-storage-processes-"));
  directories.push(directory);
  return directory;
}

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  await workerScript?.dispose();
});

interface Worker {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has exited and been reaped. */
  readonly exited: Promise<number | string>;
  /** Resolves when the worker has printed `text`; rejects when it exits first. */
  printed(text: string): Promise<void>;
  stderr(): string;
}

function startWorker(...parameters: string[]): Worker {
  // The worker's TypeScript is compiled once for the file (see compileScript), so that a start costs no compilation.
  if (workerScript === undefined) throw new Error("the worker script is compiled in beforeAll");
  const child = spawn(process.execPath, [workerScript.path, ...parameters], {
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
  return {
    child,
    exited,
    stderr: () => stderr,
    printed: (text) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (stdout.includes(text)) resolve();
        };
        child.stdout?.on("data", check);
        check();
        exited.then((outcome) => {
          if (!stdout.includes(text))
            reject(new Error(`worker exited (${outcome}) before printing "${text}": ${stderr}`));
        });
      }),
  };
}

function isLeftover(name: string): boolean {
  return name.endsWith(".tmp") || name.endsWith(".lock");
}

describe("createFileStorage across processes", () => {
  it("lands every compareAndSet increment of four racing processes", async () => {
    const directory = await freshDirectory();
    const workers = Array.from({ length: 4 }, () => startWorker("increment", directory, "25"));
    const outcomes = await Promise.all(workers.map((worker) => worker.exited));
    for (const [index, worker] of workers.entries()) {
      expect(outcomes[index], worker.stderr()).toBe(0);
      await worker.printed("done");
    }
    const storage = createFileStorage({ directory });
    expect(await storage.getItem("counter")).toBe("100");
    expect((await readdir(directory)).filter(isLeftover)).toEqual([]);
  }, 60_000);

  it("never exposes a torn value when a writer is killed mid-write, and a new writer carries on", async () => {
    const directory = await freshDirectory();
    const lastSequence = new Map<string, number>();
    let roundsWithLeftovers = 0;
    for (let round = 0; round < 12; round += 1) {
      const worker = startWorker("churn", directory);
      await worker.printed("ready");
      // A random moment, so the kills land at different points of the write protocol.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
      expect(worker.child.exitCode, worker.stderr()).toBeNull();
      worker.child.kill("SIGKILL");
      expect(await worker.exited).toBe("SIGKILL");

      if ((await readdir(directory)).some(isLeftover)) roundsWithLeftovers += 1;
      const storage = createFileStorage({ directory });
      const present: string[] = [];
      for (const key of CRASH_KEYS) {
        const entry = await storage.getEntry(key);
        if (entry === null) {
          expect(lastSequence.has(key), `${key} vanished after round ${round}`).toBe(false);
        } else {
          present.push(key);
          // crashSequence throws unless the value is complete and its checksum matches.
          const sequence = crashSequence(entry.value);
          expect(sequence).toBeGreaterThanOrEqual(lastSequence.get(key) ?? 1);
          lastSequence.set(key, sequence);
        }
        // The killed writer may have held this key's lock; a new writer must break it rather than wait forever.
        const next = (lastSequence.get(key) ?? 0) + 1;
        expect(await storage.compareAndSet(key, entry?.version ?? null, crashValue(next))).toBe(true);
        lastSequence.set(key, next);
      }
      expect(await storage.keys()).toEqual([...CRASH_KEYS]);
      expect(present.length).toBeGreaterThan(0);
      await storage.dispose?.();
    }
    // Proof that kills landed mid-write (a lock held or a temporary file open); otherwise this test checked nothing.
    // Nearly every round leaves some, so this cannot fail by bad luck in practice.
    expect(roundsWithLeftovers).toBeGreaterThan(0);
    // Opening a store and listing swept every temporary file and lock the killed writers left behind.
    const storage = createFileStorage({ directory });
    await storage.keys();
    expect((await readdir(directory)).filter(isLeftover)).toEqual([]);
    await storage.dispose?.();
  }, 120_000);
});
