/**
 * A tour of PELBIOT, run with `pnpm demo` from the repository root. Every step uses the real thing: a durable
 * file store in a temporary directory, a real HTTP server on 127.0.0.1, real time.
 */
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createIdGenerator,
  createJsonStore,
  createLogger,
  createManualClock,
  PelbiotError,
  PelbiotValidationError,
  parseRetryAfter,
  retry,
  TypedEventEmitter,
} from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { tourIntegrations } from "./tour-integrations";
import { tourMl } from "./tour-ml";
import { tourMobile } from "./tour-mobile";

const logger = createLogger({
  level: "debug",
  name: "demo",
  sink: (record) =>
    console.log(`  [${record.level}] ${record.message}`, record.fields ? JSON.stringify(record.fields) : ""),
});

function heading(text: string): void {
  console.log(`\n== ${text}`);
}

interface Order {
  id: string;
  item: string;
  quantity: number;
}

interface OrderEvents {
  order_created: [order: Order];
  stock_low: [event: { item: string; remaining: number }];
}

class OrderDesk extends TypedEventEmitter<OrderEvents> {}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-demo-"));
  const storage = createFileStorage({ directory });
  try {
    heading("1. Durable storage with atomic updates");
    const counters = createJsonStore<{ count: number }>(storage, { prefix: "counters:" });
    // 25 concurrent increments: each is a compare-and-set loop, so none is lost.
    await Promise.all(
      Array.from({ length: 25 }, () => counters.update("visits", (current) => ({ count: (current?.count ?? 0) + 1 }))),
    );
    console.log(`  25 concurrent increments → visits = ${(await counters.get("visits"))?.count}`);
    const reopened = createJsonStore<{ count: number }>(createFileStorage({ directory }), { prefix: "counters:" });
    console.log(`  a second store on the same directory reads ${(await reopened.get("visits"))?.count}`);

    heading("2. Time-ordered ids and typed events");
    const orderIds = createIdGenerator({ prefix: "order" });
    const desk = new OrderDesk();
    const orders = createJsonStore<Order>(storage, { prefix: "orders:" });
    desk.on("order_created", (order) => logger.info("order created", { id: order.id, item: order.item }));
    desk.on("stock_low", ({ item, remaining }) => logger.warn("stock low", { item, remaining }));
    for (const [item, quantity] of [
      ["keyboard", 2],
      ["mouse", 5],
    ] as const) {
      const order: Order = { id: orderIds.next(), item, quantity };
      await orders.set(order.id, order);
      desk.emit("order_created", order);
    }
    desk.emit("stock_low", { item: "mouse", remaining: 1 });
    const ids = await orders.keys();
    console.log(`  stored ids sort in creation order: ${ids.join(" < ")}`);

    heading("3. Retry against a real HTTP server that is briefly unavailable (it asks for Retry-After: 1)");
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      if (requests < 3) {
        // Retry-After: 1 asks for a one-second wait; retry() honours it instead of its own shorter backoff.
        response.writeHead(503, { "retry-after": "1" }).end("busy");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, requests }));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      const body = await retry(
        async ({ signal }) => {
          const response = await fetch(`http://127.0.0.1:${port}/status`, { signal });
          if (response.status === 503) {
            const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
            throw new PelbiotError("PROVIDER_ERROR", `Service unavailable (HTTP 503)`, {
              details: { status: 503, retryAfterMs },
            });
          }
          return (await response.json()) as { ok: boolean; requests: number };
        },
        {
          maxAttempts: 5,
          maxElapsedMs: 10_000,
          onRetry: (error, attempt, delayMs) =>
            logger.warn("retrying", { attempt, delayMs, reason: (error as Error).message }),
        },
      );
      console.log(`  succeeded after ${body.requests} requests: ${JSON.stringify(body)}`);
    } finally {
      server.close();
    }

    heading("4. Backoff schedules tested without sleeping (manual clock)");
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const attemptTimes: number[] = [];
    const pending = retry(
      async () => {
        attemptTimes.push(clock.now());
        throw new PelbiotError("PROVIDER_ERROR", "still down");
      },
      { clock, maxAttempts: 4, initialDelayMs: 1000, jitter: "none" },
    ).catch((error: unknown) => error);
    await clock.runAllAsync();
    const outcome = await pending;
    const offsets = attemptTimes.map((time) => `${(time - attemptTimes[0]!) / 1000}s`);
    console.log(
      `  attempts at ${offsets.join(", ")} of virtual time → ${PelbiotError.is(outcome) ? outcome.code : "?"}`,
    );

    heading("5. Bad input is rejected with every issue listed, and nothing changes");
    try {
      await orders.set("", { id: "x", item: "pen", quantity: 1 });
    } catch (error) {
      if (PelbiotValidationError.isValidationError(error)) console.log(`  ${error.code}: ${error.message}`);
    }
    await retry(async () => 1, { maxAttempts: 0, multiplier: -1 }).catch((error: unknown) => {
      if (PelbiotError.is(error)) console.log(`  ${error.code}: ${error.message}`);
    });
    console.log(`  orders still stored: ${(await orders.keys()).length}`);

    heading("6. Logs never carry secrets");
    logger.info("calling provider", { url: "https://api.example.com", apiKey: "sk_live_1234567890abcdef", attempt: 1 });

    heading("7. @pelbiot/mobile: offline edits on two devices, merged through the sync coordinator");
    await tourMobile();

    heading("8. @pelbiot/integrations: encrypted credentials and a signed webhook");
    await tourIntegrations();

    heading("9. @pelbiot/ml: anomaly detection on CPU readings");
    await tourMl();
  } finally {
    await storage.dispose?.();
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
