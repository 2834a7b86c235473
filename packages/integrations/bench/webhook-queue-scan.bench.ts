// How long a WebhookManager takes to scan a queue of 10,000 deliveries on PostgreSQL (a server this bench starts) for
// the ones it may send: the same DeliveryQueue read a page at a time through the storage's listRange capability, and
// through the key-by-key path every adapter without listRange takes (one key listing, then one read per delivery).
// Both run on one pool, alternating, so they see the same machine load; the ratio of medians is the figure to trust.
import { createRequire } from "node:module";
import { createPostgresStorage, type PostgresQueryable } from "@pelbiot/core/postgres";
import { findPostgresPrograms, startPostgres } from "../../core/test/support/test-servers";
import { DeliveryQueue, type StoredDelivery } from "../src/webhooks/delivery-queue";
import { DELIVERY_PAGE_SIZE } from "../src/webhooks/paged-listing";

const DELIVERIES = 10_000;
const DUE = 100;
const ROUNDS = 5;
const NOW = Date.UTC(2026, 0, 1);

function storedDelivery(index: number): StoredDelivery {
  const id = `dlv_${String(index).padStart(6, "0")}`;
  const due = index % (DELIVERIES / DUE) === 0;
  return {
    id,
    messageId: `msg_${id}`,
    endpointId: "ep_1",
    event: "order.created",
    body: JSON.stringify({
      type: "order.created",
      data: { order: index, items: ["a", "b", "c"], note: "x".repeat(300) },
    }),
    status: "pending",
    attempts: due ? 1 : 0,
    nextAttemptAt: due ? NOW - 1 : NOW + 60_000,
    lastError: null,
    createdAt: NOW - 1_000,
    // Most are leased by a live manager elsewhere; the due ones are free.
    leaseOwner: due ? null : "other-manager",
    leaseUntil: due ? 0 : NOW + 120_000,
  };
}

/** Deliveries this manager may claim now: pending, and not leased elsewhere. */
async function findDue(queue: DeliveryQueue): Promise<number> {
  let due = 0;
  for (const [, record] of await queue.entries()) {
    const free = record.leaseOwner === null || record.leaseUntil <= NOW;
    if (record.status === "pending" && free && (record.nextAttemptAt ?? NOW) <= NOW) due += 1;
  }
  return due;
}

// node-postgres is a development dependency of core (whose test servers this bench also borrows), not of this package.
const pg = createRequire(new URL("../../core/package.json", import.meta.url))("pg") as {
  Pool: new (config: Record<string, unknown>) => PostgresQueryable & { end(): Promise<void> };
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export default async function bench(): Promise<void> {
  const programs = findPostgresPrograms();
  if (!("found" in programs)) {
    console.log(`skipped: ${programs.missing}`);
    return;
  }
  const server = await startPostgres(programs.found);
  const pool = new pg.Pool({ host: "127.0.0.1", port: server.port, user: "postgres", database: "postgres", max: 10 });
  let statements = 0;
  const counting = {
    query(text: string, values?: unknown[]) {
      statements += 1;
      return pool.query(text, values);
    },
  };
  try {
    const storage = createPostgresStorage({ pool: counting, table: "webhook_queue_bench" });
    const { listRange: _paged, ...keyByKey } = storage;
    const paged = new DeliveryQueue({ storage, owner: "me", leaseMs: 60_000 });
    const single = new DeliveryQueue({ storage: keyByKey, owner: "me", leaseMs: 60_000 });
    for (let start = 0; start < DELIVERIES; start += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, offset) => paged.add(storedDelivery(start + offset))));
    }
    await pool.query("ANALYZE webhook_queue_bench");

    const times = { paged: [] as number[], single: [] as number[] };
    const counts = { paged: 0, single: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, queue] of [
        ["paged", paged],
        ["single", single],
      ] as const) {
        statements = 0;
        const started = performance.now();
        const due = await findDue(queue);
        times[name].push(performance.now() - started);
        counts[name] = statements;
        if (due !== DUE) throw new Error(`${name} found ${due} due deliveries, expected ${DUE}`);
      }
    }
    const pagedMs = median(times.paged);
    const singleMs = median(times.single);
    console.log(`${DELIVERIES} queued deliveries (${DUE} due) in one PostgreSQL table; median of ${ROUNDS} scans\n`);
    console.log("| path | statements per scan | ms per scan (median) | deliveries/s scanned |");
    console.log("|---|---:|---:|---:|");
    console.log(
      `| listRange, pages of ${DELIVERY_PAGE_SIZE} | ${counts.paged} | ${pagedMs.toFixed(0)} | ${Math.round((DELIVERIES / pagedMs) * 1000)} |`,
    );
    console.log(
      `| keys() + getEntry per key | ${counts.single} | ${singleMs.toFixed(0)} | ${Math.round((DELIVERIES / singleMs) * 1000)} |`,
    );
    console.log(`\nkey-by-key / listRange time: ${(singleMs / pagedMs).toFixed(1)}×`);
    console.log(`all paged scans (ms): ${times.paged.map((t) => t.toFixed(0)).join(", ")}`);
    console.log(`all key-by-key scans (ms): ${times.single.map((t) => t.toFixed(0)).join(", ")}`);
    await storage.dispose?.();
  } finally {
    await pool.end();
    await server.stop();
  }
}
