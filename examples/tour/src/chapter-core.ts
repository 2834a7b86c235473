/**
 * Chapter: what every package stands on. A durable file store with atomic updates, retry against a real HTTP server
 * that asks to wait, errors that list every problem with a stable code, and logs that never carry secrets.
 */
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createJsonStore,
  createLogger,
  PelbiotError,
  PelbiotValidationError,
  parseRetryAfter,
  retry,
} from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { chapter, say, verify } from "./story";

/** Runs the core chapter in a temporary directory, removed afterwards. */
export async function coreChapter(): Promise<void> {
  chapter("Under the hood (@pelbiot/core)");
  const directory = await mkdtemp(join(tmpdir(), "pelbiot-tour-"));
  const storage = createFileStorage({ directory });
  try {
    await durableCounters(directory, storage);
    await retryWithRetryAfter();
    await rejectedInput(storage);
    redactedLogs();
  } finally {
    await storage.dispose?.();
    await rm(directory, { recursive: true, force: true });
  }
}

async function durableCounters(directory: string, storage: ReturnType<typeof createFileStorage>): Promise<void> {
  const counters = createJsonStore<{ count: number }>(storage, { prefix: "counters:" });
  // 25 concurrent increments: each is a compare-and-set loop, so none is lost.
  await Promise.all(
    Array.from({ length: 25 }, () => counters.update("visits", (current) => ({ count: (current?.count ?? 0) + 1 }))),
  );
  const reopened = createJsonStore<{ count: number }>(createFileStorage({ directory }), { prefix: "counters:" });
  const count = (await reopened.get("visits"))?.count;
  say(`25 concurrent increments of a file-stored counter; a second store on the directory reads ${count}`);
  verify(count === 25, "no increment was lost", count);
}

async function retryWithRetryAfter(): Promise<void> {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    if (requests < 3) {
      response.writeHead(503, { "retry-after": "1" }).end("busy");
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const waits: number[] = [];
  try {
    const body = await retry(
      async ({ signal }) => {
        const response = await fetch(`http://127.0.0.1:${port}/status`, { signal });
        if (response.status === 503) {
          const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
          throw new PelbiotError("PROVIDER_ERROR", "Service unavailable (HTTP 503)", {
            details: { status: 503, retryAfterMs },
          });
        }
        return (await response.json()) as { ok: boolean };
      },
      { maxAttempts: 5, maxElapsedMs: 10_000, onRetry: (_error, _attempt, delayMs) => waits.push(delayMs) },
    );
    say(`a server answered 503 with Retry-After: 1 twice; retry() waited ${waits.join(" ms and ")} ms, then got ok`);
    verify(body.ok && requests === 3 && waits.every((wait) => wait === 1000), "retry honoured Retry-After", waits);
  } finally {
    server.close();
  }
}

async function rejectedInput(storage: ReturnType<typeof createFileStorage>): Promise<void> {
  const orders = createJsonStore<{ item: string }>(storage, { prefix: "orders:" });
  const error = await retry(async () => 1, { maxAttempts: 0, multiplier: -1 }).catch((caught: unknown) => caught);
  if (PelbiotValidationError.isValidationError(error)) say(`${error.code}: ${error.message}`);
  verify(
    PelbiotValidationError.isValidationError(error) && error.issues.length === 2,
    "bad options are refused with every issue listed",
  );
  await orders.set("", { item: "pen" }).catch(() => undefined);
  verify((await orders.keys()).length === 0, "a refused write leaves the store unchanged");
}

function redactedLogs(): void {
  const lines: string[] = [];
  const logger = createLogger({ name: "tour", sink: (record) => lines.push(JSON.stringify(record.fields)) });
  logger.info("calling provider", { url: "https://api.example.com", apiKey: "sk_live_1234567890abcdef" });
  say(`a log line with an API key in it: ${lines[0]}`);
  verify(lines[0]?.includes("sk_live") === false, "the logger redacted the key");
}
