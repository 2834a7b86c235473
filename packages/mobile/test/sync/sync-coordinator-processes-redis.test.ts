// Proof with several processes: two coordinator processes share one Redis store, and simulated devices sync against
// either at random (a duplicated push may reach both); the simulation's invariants hold: every replica converges,
// no mutation is lost and none is applied twice.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledScript, compileScript } from "../../../core/test/support/compiled-script";
import {
  findRedisProgram,
  serverUnavailable,
  startRedis,
  type TestServer,
} from "../../../core/test/support/test-servers";
import type { SyncCoordinator } from "../../src/sync/sync-coordinator";
import type { PullResponse, SyncTransport } from "../../src/sync/sync-protocol";
import { createHttpSyncTransport } from "../../src/sync/sync-transports";
import type { ServerRecord } from "../../src/sync/sync-types";
import { runSyncSimulation } from "../../src/testing/run-sync-simulation";

const SEEDS = Number(process.env.PELBIOT_PROOF_SEEDS ?? 30);
const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SERVER_SCRIPT = fileURLToPath(new URL("./fixtures/sync-coordinator-process.ts", import.meta.url));

const program = findRedisProgram();
const unavailable = serverUnavailable(program, "multi-process sync");

interface CoordinatorProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<number | string>;
  stderr(): string;
}

async function startCoordinatorProcess(script: CompiledScript, redisPort: number): Promise<CoordinatorProcess> {
  const child = spawn(process.execPath, [script.path, String(redisPort)], {
    cwd: PACKAGE_ROOT,
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  const listening = once(child, "message") as Promise<[{ port: number }]>;
  const [message] = await Promise.race([
    listening,
    exited.then((outcome) => {
      throw new Error(`the coordinator process exited (${outcome}) before listening: ${stderr}`);
    }),
  ]);
  return { child, port: message.port, exited, stderr: () => stderr };
}

/** A small seeded generator, so a failing schedule's routing replays with its seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A coordinator that sends each call to one of the processes, picked at random. A failing server call is re-thrown
 * as a plain Error, which the simulation does not take for a network fault: it fails the run loudly.
 */
function routingCoordinator(transports: readonly SyncTransport[], seed: number, routed: number[]): SyncCoordinator {
  const random = mulberry32(seed);
  const pick = (): [SyncTransport, number] => {
    const index = Math.floor(random() * transports.length);
    routed[index] = (routed[index] ?? 0) + 1;
    return [transports[index] as SyncTransport, index];
  };
  const call = async <T>(action: (transport: SyncTransport) => Promise<T>): Promise<T> => {
    const [transport, index] = pick();
    try {
      return await action(transport);
    } catch (error) {
      throw new Error(`coordinator process ${index} failed: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    push: (request) => call((transport) => transport.push(request)),
    pull: (request) => call((transport) => transport.pull(request)),
    async getRecord(recordId): Promise<ServerRecord | null> {
      const history = await call((transport) => transport.pull({ clientId: "checker", cursor: 0, limit: 1_000_000 }));
      const last = history.changes.filter((change) => change.recordId === recordId).at(-1);
      return last === undefined ? null : { version: last.version, data: last.data };
    },
  };
}

describe.skipIf(unavailable)("sync coordinators: two processes on one Redis store", () => {
  let redis: TestServer;
  let script: CompiledScript | undefined;
  const processes: CoordinatorProcess[] = [];

  beforeAll(async () => {
    if (!("found" in program)) return;
    // The server script is compiled once (see compileScript) while Redis starts.
    [redis, script] = await Promise.all([startRedis(program.found), compileScript(SERVER_SCRIPT)]);
    const compiled = script;
    processes.push(
      ...(await Promise.all([
        startCoordinatorProcess(compiled, redis.port),
        startCoordinatorProcess(compiled, redis.port),
      ])),
    );
  }, 60_000);

  afterAll(async () => {
    for (const coordinator of processes) coordinator.child.kill("SIGKILL");
    await Promise.all(processes.map((coordinator) => coordinator.exited));
    await redis?.stop();
    await script?.dispose();
  }, 60_000);

  it(`holds the simulation invariants over ${SEEDS} schedules with devices syncing against both at random`, async () => {
    const failures: string[] = [];
    const routed = [0, 0];
    let duplicatesDelivered = 0;
    let applied = 0;
    for (let seed = 1; seed <= SEEDS; seed += 1) {
      const transports = processes.map((coordinator) =>
        createHttpSyncTransport({ baseUrl: `http://127.0.0.1:${coordinator.port}/run-${seed}` }),
      );
      const result = await runSyncSimulation({
        seed,
        devices: 4,
        steps: 60,
        coordinator: routingCoordinator(transports, seed, routed),
      });
      if (result.violations.length > 0) failures.push(`seed ${seed}: ${result.violations.join("; ")}`);
      duplicatesDelivered += result.stats.duplicatesDelivered;
      applied += result.stats.applied;
      // Both processes serve the same history, entry for entry.
      const histories = await Promise.all(
        transports.map((transport) => transport.pull({ clientId: "checker", cursor: 0, limit: 1_000_000 })),
      );
      const [first, second] = histories as [PullResponse, PullResponse];
      if (JSON.stringify(first) !== JSON.stringify(second)) failures.push(`seed ${seed}: the processes disagree`);
    }
    expect(failures).toEqual([]);
    // Both processes took a real share of the traffic, and pushes were delivered twice (possibly to both).
    expect(Math.min(...routed)).toBeGreaterThan(Math.max(...routed) / 3);
    expect(duplicatesDelivered).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(SEEDS);
    for (const coordinator of processes) coordinator.child.send({ type: "finish" });
    for (const coordinator of processes) expect(await coordinator.exited, coordinator.stderr()).toBe(0);
  }, 400_000);
});
