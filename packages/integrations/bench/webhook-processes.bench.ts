// Webhook deliveries per second with 1 and then 3 worker processes sharing one PostgreSQL table (a server this bench
// starts), all delivering to one receiver in this process that verifies every signature. Each worker is the same
// script the multi-process proof runs. The rate is taken from the 10th to the 100th percent of deliveries, so process
// start-up is left out. The receiver's CPU share tells whether it has become the bottleneck.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createPostgresStorage } from "@pelbiot/core/postgres";
import { findPostgresPrograms, startPostgres } from "../../core/test/support/test-servers";
import { WebhookManager } from "../src/webhooks/webhook-manager";
import { startCountingReceiver } from "../test/webhooks/counting-receiver";
import { MULTI_PROCESS_OPTIONS, sharedKeyProvider } from "../test/webhooks/fixtures/webhook-worker-options";

const DELIVERIES = 3_000;
const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL("../test/webhooks/fixtures/webhook-postgres-worker.ts", import.meta.url));

interface Run {
  perSecond: number;
  /** Share of one core the receiving process used while deliveries flowed. */
  receiverCpu: number;
}

async function measure(connectionString: string, workers: number): Promise<Run> {
  const table = `webhook_bench_${workers}`;
  const storage = createPostgresStorage({ connectionString, table });
  const receiver = await startCountingReceiver();
  const registrar = new WebhookManager({ ...MULTI_PROCESS_OPTIONS, storage, keyProvider: sharedKeyProvider() });
  receiver.useSecret((await registrar.registerWebhook({ event: "order.created", url: receiver.url })).secret);
  await registrar.close();

  const share = Math.ceil(DELIVERIES / workers);
  const children = Array.from({ length: workers }, (_, index) =>
    spawn(
      process.execPath,
      [
        "--conditions=@pelbiot/source",
        "--import",
        "tsx",
        WORKER_SCRIPT,
        connectionString,
        table,
        `worker-${index}`,
        String(index * share),
        String(Math.min(share, DELIVERIES - index * share)),
      ],
      { cwd: PACKAGE_ROOT, stdio: ["ignore", "ignore", "inherit", "ipc"] },
    ),
  );
  const poll = () => new Promise((resolve) => setTimeout(resolve, 5));
  while (receiver.acknowledged.size < DELIVERIES / 10) await poll();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  while (receiver.acknowledged.size < DELIVERIES) await poll();
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  for (const child of children) child.send({ type: "finish" });
  await Promise.all(children.map((child) => once(child, "close")));
  await receiver.close();
  await storage.dispose?.();
  return {
    perSecond: ((DELIVERIES * 0.9) / elapsed) * 1000,
    receiverCpu: (cpu.user + cpu.system) / 1000 / elapsed,
  };
}

export default async function bench(): Promise<void> {
  const programs = findPostgresPrograms();
  if (!("found" in programs)) {
    console.log(`skipped: ${programs.missing}`);
    return;
  }
  const server = await startPostgres(programs.found);
  try {
    const connectionString = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
    const one = await measure(connectionString, 1);
    const three = await measure(connectionString, 3);
    console.log(`${DELIVERIES} signed deliveries, one PostgreSQL table, one receiver\n`);
    console.log("| worker processes | deliveries/s | receiver CPU (share of one core) |");
    console.log("|---:|---:|---:|");
    console.log(`| 1 | ${Math.round(one.perSecond)} | ${(one.receiverCpu * 100).toFixed(0)} % |`);
    console.log(`| 3 | ${Math.round(three.perSecond)} | ${(three.receiverCpu * 100).toFixed(0)} % |`);
    console.log(`\n3 workers / 1 worker: ${(three.perSecond / one.perSecond).toFixed(2)}×`);
  } finally {
    await server.stop();
  }
}
