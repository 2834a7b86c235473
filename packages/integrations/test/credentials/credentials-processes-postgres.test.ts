// Proof with several processes: one process rotates credentials while another reads them, both over one PostgreSQL
// table. No read returns wrong plaintext, versions never go backwards, and both processes' audit chains verify.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createPostgresStorage } from "@pelbiot/core/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledScript, compileScript } from "../../../core/test/support/compiled-script";
import {
  findPostgresPrograms,
  serverUnavailable,
  startPostgres,
  type TestServer,
} from "../../../core/test/support/test-servers";
import { APICredentialsManager } from "../../src/credentials/api-credentials-manager";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { type AuditChain, type AuditVerification, verifyAuditChain } from "../../src/credentials/verify-audit-chain";
import { PROOF_KEYRING, valuesAt } from "./fixtures/credentials-proof-values";

const USERS = 4;
const ROTATIONS = Number(process.env.PELBIOT_PROOF_ROTATIONS ?? 40);
const TABLE = "credentials_proof";
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL("./fixtures/credentials-postgres-worker.ts", import.meta.url));

const programs = findPostgresPrograms();
const unavailable = serverUnavailable(programs, "multi-process credentials");

interface Report {
  operations: number;
  problems: string[];
  chain: AuditChain;
  verification: AuditVerification;
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  /** Resolves with the first message of this type. */
  message<T>(type: string): Promise<T>;
  stderr(): string;
}

function startWorker(script: CompiledScript, connectionString: string, role: "rotate" | "read"): WorkerProcess {
  const child = spawn(
    process.execPath,
    [script.path, connectionString, TABLE, role, String(USERS), String(ROTATIONS)],
    { cwd: PACKAGE_ROOT, stdio: ["ignore", "ignore", "pipe", "ipc"] },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  const messages: Array<{ type: string }> = [];
  child.on("message", (message: { type: string }) => messages.push(message));
  return {
    child,
    exited,
    stderr: () => stderr,
    message: async <T>(type: string) => {
      for (;;) {
        const found = messages.find((message) => message.type === type);
        if (found !== undefined) return found as T;
        const outcome = await Promise.race([once(child, "message"), exited]);
        if (!Array.isArray(outcome)) throw new Error(`the ${type} worker exited (${outcome}): ${stderr}`);
      }
    },
  };
}

describe.skipIf(unavailable)(
  "APICredentialsManager: rotation and reads in two processes on one PostgreSQL table",
  () => {
    let postgres: TestServer;
    let connectionString: string;
    let script: CompiledScript | undefined;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      if (!("found" in programs)) return;
      // The worker script is compiled once (see compileScript) while PostgreSQL starts.
      [postgres, script] = await Promise.all([startPostgres(programs.found), compileScript(WORKER_SCRIPT)]);
      connectionString = `postgres://postgres@127.0.0.1:${postgres.port}/postgres`;
    }, 60_000);

    afterAll(async () => {
      for (const worker of workers) worker.child.kill("SIGKILL");
      await Promise.all(workers.map((worker) => worker.exited));
      await postgres?.stop();
      await script?.dispose();
    }, 60_000);

    it(`reads the right plaintext at every version while ${ROTATIONS} rounds of rotations land`, async () => {
      const storage = createPostgresStorage({ connectionString, table: TABLE });
      const keyProvider = createLocalKeyProvider(PROOF_KEYRING);
      const setup = new APICredentialsManager({ storage, keyProvider });
      for (let index = 0; index < USERS; index += 1) {
        const user = `user-${index}`;
        const { apiKey, apiSecret } = valuesAt(user, 1);
        await setup.storeCredentials("stripe", apiKey, apiSecret, user);
      }

      if (script === undefined) throw new Error("the worker script is compiled in beforeAll");
      const reader = startWorker(script, connectionString, "read");
      const rotator = startWorker(script, connectionString, "rotate");
      workers.push(reader, rotator);
      await rotator.message("done");
      for (const worker of workers) worker.child.send({ type: "finish" });
      const [readReport, rotateReport] = await Promise.all([
        reader.message<Report>("report"),
        rotator.message<Report>("report"),
      ]);
      for (const worker of workers) expect(await worker.exited, worker.stderr()).toBe(0);

      expect(rotateReport.problems).toEqual([]);
      expect(readReport.problems).toEqual([]);
      expect(rotateReport.operations).toBe(USERS * ROTATIONS);
      // The reads really interleaved with the rotations: the reader saw versions come and go.
      expect(readReport.operations).toBeGreaterThan(USERS * 10);
      for (let index = 0; index < USERS; index += 1) {
        const user = `user-${index}`;
        const current = await setup.getCredentials("stripe", user);
        expect(current.version).toBe(ROTATIONS + 1);
        expect(current.reveal()).toEqual(valuesAt(user, ROTATIONS + 1));
      }
      // Each process's audit chain verifies in-process and, independently, against the shared audit key.
      for (const report of [readReport, rotateReport]) {
        expect(report.verification.valid).toBe(true);
        expect(await verifyAuditChain(report.chain, { keyProvider, storage })).toMatchObject({ valid: true });
      }
      expect(rotateReport.chain.entries.filter((entry) => entry.action === "rotate")).toHaveLength(USERS * ROTATIONS);
      expect(readReport.chain.entries.every((entry) => entry.action === "read")).toBe(true);
      await storage.dispose?.();
    }, 400_000);
  },
);
