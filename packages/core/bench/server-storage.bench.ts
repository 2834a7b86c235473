// Operations per second of the PostgreSQL and Redis stores next to the raw driver sending the same statements
// (node-postgres `pool.query`, ioredis commands), against real servers this bench starts on 127.0.0.1. Each
// operation kind runs adapter and raw driver in alternating blocks in the same run, so a shared, busy machine skews
// both alike; the ratio (the median over block pairs) is what to read. Target: the adapter at ≥ 80 % of the raw
// driver's rate.
import { createHash, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import pg from "pg";
import { createPostgresStorage } from "../src/postgres/postgres-storage";
import { createRedisStorage } from "../src/redis/redis-storage";
import type { StorageAdapter } from "../src/storage/storage-adapter";
import { findPostgresPrograms, findRedisProgram, startPostgres, startRedis } from "../test/support/test-servers";

/** Operations per block; adapter and raw driver alternate block by block, so both see the same machine load. */
const BLOCK = 250;
const BLOCKS = 24;
const IN_FLIGHT = 16;
const KEYS = 256;
const VALUE = JSON.stringify({ name: "boiler", temperature: 71.5, tags: ["a", "b", "c"] });
const TARGET = 0.8;

type Operation = (index: number) => unknown;

interface Comparison {
  /** Operations per second over all blocks. */
  adapter: number;
  raw: number;
  /** Microseconds of this process's CPU (user + system) per operation: the client-side cost, robust to a busy machine. */
  adapterCpu: number;
  rawCpu: number;
  /** The median over block pairs of adapter rate / raw rate: robust to load spikes that hit one block. */
  ratio: number;
}

const cpu = { adapter: 0, raw: 0 };

/** Runs one block of `operation` with IN_FLIGHT at once; returns the elapsed milliseconds. */
async function block(operation: Operation, offset: number, side?: "adapter" | "raw"): Promise<number> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < BLOCK) {
      const index = offset + next;
      next += 1;
      await operation(index);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpuBefore);
  if (side !== undefined) cpu[side] += used.user + used.system;
  return elapsed;
}

/** Alternates BLOCKS blocks of the adapter and the raw driver (after one warm-up block each). */
async function compare(adapter: Operation, raw: Operation): Promise<Comparison> {
  await block(adapter, 0); // warm-up: connections, prepared plans, JIT
  await block(raw, 0);
  let adapterMs = 0;
  let rawMs = 0;
  cpu.adapter = 0;
  cpu.raw = 0;
  const ratios: number[] = [];
  for (let index = 0; index < BLOCKS; index += 1) {
    // The order alternates too, so neither side always runs right after the other's writes.
    const first = index % 2 === 0;
    const adapterBlock = first ? await block(adapter, index * BLOCK, "adapter") : 0;
    const rawBlock = await block(raw, index * BLOCK, "raw");
    const adapterTime = first ? adapterBlock : await block(adapter, index * BLOCK, "adapter");
    adapterMs += adapterTime;
    rawMs += rawBlock;
    ratios.push(rawBlock / adapterTime);
  }
  ratios.sort((left, right) => left - right);
  const total = BLOCK * BLOCKS;
  return {
    adapter: (total / adapterMs) * 1000,
    raw: (total / rawMs) * 1000,
    ratio: ((ratios[BLOCKS / 2 - 1] as number) + (ratios[BLOCKS / 2] as number)) / 2,
    adapterCpu: cpu.adapter / total,
    rawCpu: cpu.raw / total,
  };
}

function print(store: string, operation: string, result: Comparison): void {
  const { ratio } = result;
  const verdict = ratio >= TARGET ? "meets" : "BELOW";
  console.log(
    `| ${store} | ${operation} | ${Math.round(result.adapter)} | ${Math.round(result.raw)} | ${(ratio * 100).toFixed(0)} % | ${verdict} | ${result.adapterCpu.toFixed(1)} | ${result.rawCpu.toFixed(1)} |`,
  );
}

/** getEntry + compareAndSet on one of KEYS counters, as the stores' users do it. */
function casIncrement(storage: StorageAdapter): Operation {
  return async (index) => {
    const key = `counter:${index % KEYS}`;
    for (;;) {
      const entry = await storage.getEntry(key);
      if (await storage.compareAndSet(key, entry?.version ?? null, String(Number(entry?.value ?? 0) + 1))) return;
    }
  };
}

async function benchPostgres(binDirectory: string): Promise<void> {
  const server = await startPostgres(binDirectory);
  const pool = new pg.Pool({ host: "127.0.0.1", port: server.port, user: "postgres", database: "postgres", max: 10 });
  try {
    const storage = createPostgresStorage({ pool, table: "bench_store" });
    for (let index = 0; index < KEYS; index += 1) await storage.setItem(`key:${index}`, VALUE);
    const table = `"public"."bench_store"`;
    const nextVersion = `nextval('"public"."bench_store_version_seq"')`;
    const rawKey = (index: number) => `key:${index % KEYS}`;

    print(
      "PostgreSQL",
      "getItem",
      await compare(
        (index) => storage.getItem(rawKey(index)),
        async (index) => {
          const result = await pool.query(`SELECT value FROM ${table} WHERE key = $1`, [rawKey(index)]);
          return (result.rows[0]?.value as Buffer | undefined)?.toString("utf8") ?? null;
        },
      ),
    );
    print(
      "PostgreSQL",
      "setItem",
      await compare(
        (index) => storage.setItem(rawKey(index), VALUE),
        (index) =>
          pool.query(
            `INSERT INTO ${table} (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = ${nextVersion}, updated_at = now()`,
            [rawKey(index), Buffer.from(VALUE, "utf8")],
          ),
      ),
    );
    print(
      "PostgreSQL",
      "getEntry + compareAndSet",
      await compare(casIncrement(storage), async (index) => {
        const key = `counter:${index % KEYS}`;
        for (;;) {
          const read = await pool.query(`SELECT value, version::text AS version FROM ${table} WHERE key = $1`, [key]);
          const row = read.rows[0] as { value: Buffer; version: string } | undefined;
          const next = Buffer.from(String(Number(row?.value.toString("utf8") ?? 0) + 1), "utf8");
          const written =
            row === undefined
              ? await pool.query(`INSERT INTO ${table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
                  key,
                  next,
                ])
              : await pool.query(
                  `UPDATE ${table} SET value = $2, version = ${nextVersion}, updated_at = now()
WHERE key = $1 AND version = $3::bigint`,
                  [key, next, row.version],
                );
          if (written.rowCount === 1) return;
        }
      }),
    );
  } finally {
    await pool.end();
    await server.stop();
  }
}

const CAS_SCRIPT = `local current = redis.call('HGET', KEYS[1], 'version')
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'value', ARGV[4], 'version', ARGV[5])
elseif current then
  redis.call('DEL', KEYS[1])
end
return 1`;

async function benchRedis(program: string): Promise<void> {
  const server = await startRedis(program);
  const client = new Redis({ host: "127.0.0.1", port: server.port });
  try {
    const storage = createRedisStorage({ client, keyPrefix: "bench:" });
    for (let index = 0; index < KEYS; index += 1) await storage.setItem(`key:${index}`, VALUE);
    const rawKey = (index: number) => `bench:key:${index % KEYS}`;
    const sha = createHash("sha1").update(CAS_SCRIPT).digest("hex");
    await client.call("SCRIPT", "LOAD", CAS_SCRIPT);

    print(
      "Redis",
      "getItem",
      await compare(
        (index) => storage.getItem(`key:${index % KEYS}`),
        (index) => client.call("HGET", rawKey(index), "value"),
      ),
    );
    print(
      "Redis",
      "setItem",
      await compare(
        (index) => storage.setItem(`key:${index % KEYS}`, VALUE),
        (index) => client.call("HSET", rawKey(index), "value", VALUE, "version", randomUUID()),
      ),
    );
    print(
      "Redis",
      "getEntry + compareAndSet",
      await compare(casIncrement(storage), async (index) => {
        const key = `bench:counter:${index % KEYS}`;
        for (;;) {
          const [value, version] = (await client.call("HMGET", key, "value", "version")) as [
            string | null,
            string | null,
          ];
          const next = String(Number(value ?? 0) + 1);
          const args = [version === null ? "0" : "1", version ?? "", "1", next, randomUUID()];
          if (Number(await client.call("EVALSHA", sha, 1, key, ...args)) === 1) return;
        }
      }),
    );
  } finally {
    client.disconnect();
    await server.stop();
  }
}

export default async function bench(): Promise<void> {
  console.log(`${BLOCKS} alternating blocks of ${BLOCK} operations, ${IN_FLIGHT} in flight\n`);
  console.log(
    "| store | operation | adapter ops/s | raw driver ops/s | adapter / raw (median of blocks) | ≥ 80 % | adapter CPU µs/op | raw CPU µs/op |",
  );
  console.log("|---|---|---:|---:|---:|---|---:|---:|");
  const postgres = findPostgresPrograms();
  if ("found" in postgres) await benchPostgres(postgres.found);
  else console.log(`| PostgreSQL | skipped: ${postgres.missing} | | | | | | |`);
  const redis = findRedisProgram();
  if ("found" in redis) await benchRedis(redis.found);
  else console.log(`| Redis | skipped: ${redis.missing} | | | | | | |`);
}
