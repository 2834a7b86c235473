// Proof with several processes: three app servers share one PostgreSQL table and one receiver; one of them is
// SIGKILLed with requests on the wire and deliveries leased, and every message still reaches the receiver exactly
// once. Set PELBIOT_PROOF_DELIVERIES to run it with more or fewer deliveries (2,000 by default).
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MAX_STORAGE_RANGE_LIMIT, type StorageAdapter } from "@pelbiot/core";
import { createPostgresStorage } from "@pelbiot/core/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledScript, compileScript } from "../../../core/test/support/compiled-script";
import {
  findPostgresPrograms,
  serverUnavailable,
  startPostgres,
  type TestServer,
} from "../../../core/test/support/test-servers";
import { WebhookManager } from "../../src/webhooks/webhook-manager";
import { type CountingReceiver, startCountingReceiver } from "./counting-receiver";
import { MULTI_PROCESS_OPTIONS, sharedKeyProvider } from "./fixtures/webhook-worker-options";
import { until } from "./test-server";

const DELIVERIES = Number(process.env.PELBIOT_PROOF_DELIVERIES ?? 2_000);
const WORKERS = ["alpha", "bravo", "charlie"] as const;
/** The worker that is killed: the middle one, so that both of its neighbours' shares surround it. */
const VICTIM = "bravo";
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL("./fixtures/webhook-postgres-worker.ts", import.meta.url));
const TABLE = "webhook_proof";

const programs = findPostgresPrograms();
const unavailable = serverUnavailable(programs, "multi-process webhook");

interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  /** Deliveries this worker completed (they had left the queue when it said so). */
  succeeded(): number;
  stderr(): string;
}

function startWorker(
  script: CompiledScript,
  connectionString: string,
  name: string,
  first: number,
  count: number,
): WorkerProcess {
  const child = spawn(process.execPath, [script.path, connectionString, TABLE, name, String(first), String(count)], {
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let succeeded = 0;
  let stderr = "";
  child.on("message", (message: { type?: string }) => {
    if (message.type === "succeeded") succeeded += 1;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  return { name, child, exited, succeeded: () => succeeded, stderr: () => stderr };
}

/**
 * Every delivery record in the table, read a page of 1,000 at a time: one range scan per page rather than one query
 * per key (reading 2,000 records one by one took 13 s on a busy machine, while the victim's requests were held).
 */
async function queuedDeliveries(storage: StorageAdapter): Promise<Array<{ messageId?: string }>> {
  if (storage.listRange === undefined) throw new Error("the PostgreSQL adapter lists ranges");
  const records: Array<{ messageId?: string }> = [];
  let after: string | undefined;
  for (;;) {
    const page = await storage.listRange("webhooks:deliveries:", {
      limit: MAX_STORAGE_RANGE_LIMIT,
      ...(after === undefined ? {} : { after }),
    });
    for (const entry of page) records.push(JSON.parse(entry.value) as { messageId?: string });
    if (page.length < MAX_STORAGE_RANGE_LIMIT) return records;
    after = page.at(-1)?.key;
  }
}

describe.skipIf(unavailable)("WebhookManager: three processes on one PostgreSQL table", () => {
  let postgres: TestServer;
  let receiver: CountingReceiver;
  let connectionString: string;
  let script: CompiledScript | undefined;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    if (!("found" in programs)) return;
    // The worker script is compiled once (see compileScript) while PostgreSQL and the receiver start.
    [postgres, receiver, script] = await Promise.all([
      startPostgres(programs.found),
      startCountingReceiver(),
      compileScript(WORKER_SCRIPT),
    ]);
    connectionString = `postgres://postgres@127.0.0.1:${postgres.port}/postgres`;
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill("SIGKILL");
    await Promise.all(workers.map((worker) => worker.exited));
    await receiver?.close();
    await postgres?.stop();
    await script?.dispose();
  }, 60_000);

  it(`delivers ${DELIVERIES} messages exactly once each although one worker is SIGKILLed mid-run`, async () => {
    const storage = createPostgresStorage({ connectionString, table: TABLE });
    const registrar = new WebhookManager({ ...MULTI_PROCESS_OPTIONS, storage, keyProvider: sharedKeyProvider() });
    const { secret } = await registrar.registerWebhook({ event: "order.created", url: receiver.url });
    await registrar.close();
    receiver.useSecret(secret);

    const share = Math.ceil(DELIVERIES / WORKERS.length);
    if (script === undefined) throw new Error("the worker script is compiled in beforeAll");
    for (const [index, name] of WORKERS.entries()) {
      const first = index * share;
      workers.push(startWorker(script, connectionString, name, first, Math.min(share, DELIVERIES - first)));
    }
    const victim = workers.find((worker) => worker.name === VICTIM) as WorkerProcess;
    const sender = `pelbiot-proof/${VICTIM}`;
    const failures = () => workers.map((worker) => worker.stderr()).join("\n");

    // Let the victim deliver a quarter of its share, then hold its requests at the receiver: they arrive and stay
    // unanswered, so when it dies it has requests on the wire and leases in the table.
    await until(
      () => receiver.acknowledgedFrom(sender) >= share / 4,
      180_000,
      `the victim's first deliveries ${failures()}`,
    );
    receiver.hold(sender);
    // Every 200 it was sent must have been recorded before the kill: the one window no process can close (answered,
    // then killed before recording) is what receivers' deduplication by webhook-id is for, and is not this proof.
    await until(
      () => receiver.heldFrom(sender) > 0 && victim.succeeded() === receiver.acknowledgedFrom(sender),
      60_000,
      `the victim's requests to be held ${failures()}`,
    );
    // …and every message it was asked to send must be queued in the table (or already delivered).
    const victimIds = new Set(Array.from({ length: share }, (_, offset) => `msg_${share + offset}`));
    await until(
      async () => {
        let accounted = [...victimIds].filter((id) => receiver.acknowledged.has(id)).length;
        for (const record of await queuedDeliveries(storage)) {
          if (victimIds.has(String(record.messageId)) && !receiver.acknowledged.has(String(record.messageId))) {
            accounted += 1;
          }
        }
        return accounted === victimIds.size;
      },
      60_000,
      `the victim's deliveries to be queued ${failures()}`,
    );
    const heldAtKill = receiver.heldFrom(sender);
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");

    await until(() => receiver.acknowledged.size === DELIVERIES, 300_000, `every delivery ${failures()}`);
    const survivors = workers.filter((worker) => worker !== victim);
    for (const survivor of survivors) survivor.child.send({ type: "finish" });
    for (const survivor of survivors) expect(await survivor.exited, survivor.stderr()).toBe(0);

    // Nothing is left to send (no pending delivery, no dead letter), so no duplicate can still arrive.
    expect(await storage.keys("webhooks:deliveries:")).toEqual([]);
    const expected = Array.from({ length: DELIVERIES }, (_, index) => `msg_${index}`).sort();
    expect([...receiver.acknowledged.keys()].sort()).toEqual(expected);
    const repeated = [...receiver.acknowledged].filter(([, count]) => count !== 1);
    expect(repeated).toEqual([]);
    expect(receiver.rejected()).toBe(0);
    // The kill really cut requests off mid-flight, and the survivors sent those messages again. (Held requests
    // that reached their deadline before the kill were abandoned too, and sent again by the victim.)
    expect(heldAtKill).toBeGreaterThan(0);
    expect(receiver.abandoned()).toBeGreaterThanOrEqual(heldAtKill);
    const survivorDeliveries = survivors.reduce((sum, survivor) => sum + survivor.succeeded(), 0);
    expect(survivorDeliveries + victim.succeeded()).toBe(DELIVERIES);
    await storage.dispose?.();
  }, 600_000);
});
