// Signed webhook deliveries per second to a local keep-alive server: WebhookManager (durable queue in memory storage,
// signing, SSRF check, pinned connection, logs), then the same with a caller's storage and a key provider (sealed
// secret, persisted logs), next to a plain fetch loop that POSTs the same signed body.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { createMemoryStorage } from "@pelbiot/core";
import { createEphemeralKeyProvider } from "../src/credentials/ephemeral-key-provider";
import { WebhookManager, type WebhookManagerOptions } from "../src/webhooks/webhook-manager";
import { generateWebhookSecret, signWebhook } from "../src/webhooks/webhook-signature";

const DELIVERIES = 4_000;
const WARM_UP = 500;
const IN_FLIGHT = 32;
const TARGET_PER_SECOND = 2_000;

interface Rate {
  /** Deliveries per wall-clock second. */
  perSecond: number;
  /** Process CPU microseconds (user + system) per delivery, receiving server included: robust to a busy machine. */
  cpuMicroseconds: number;
}

async function runConcurrently(total: number, inFlight: number, task: (index: number) => Promise<void>): Promise<Rate> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: (total / elapsed) * 1000, cpuMicroseconds: (cpu.user + cpu.system) / total };
}

export default async function bench(): Promise<void> {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received += 1;
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const secret = generateWebhookSecret();
  const payload = { paymentId: "pay-123", amount: 99.99, currency: "EUR" };

  const measureManager = async (options: WebhookManagerOptions): Promise<Rate> => {
    const manager = new WebhookManager({
      allowedHosts: ["127.0.0.1"],
      maxConcurrency: IN_FLIGHT,
      maxDeliveryLogs: 1_000,
      ...options,
    });
    await manager.registerWebhook({ event: "payment.confirmed", url, secret });
    const deliver = async (): Promise<void> => {
      const { deliveries } = await manager.triggerWebhook("payment.confirmed", payload);
      if (deliveries[0]?.status !== "succeeded") throw new Error("delivery failed");
    };
    // Warm-up: open the keep-alive sockets and let the JIT settle.
    await runConcurrently(WARM_UP, IN_FLIGHT, deliver);
    const rate = await runConcurrently(DELIVERIES, IN_FLIGHT, deliver);
    await manager.close();
    return rate;
  };
  const managerRate = await measureManager({});
  // A caller's storage: the secret is sealed at rest (opened for every attempt) and each attempt log is persisted.
  const sealedRate = await measureManager({
    storage: createMemoryStorage(),
    keyProvider: createEphemeralKeyProvider(),
  });

  const fetchOnce = async (index: number): Promise<void> => {
    const body = JSON.stringify({ type: "payment.confirmed", timestamp: new Date().toISOString(), data: payload });
    const headers = signWebhook({
      id: `msg_${index}`,
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secrets: secret,
    });
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { ...headers, "content-type": "application/json" },
      redirect: "manual",
    });
    await response.arrayBuffer();
    if (response.status !== 204) throw new Error("fetch failed");
  };
  await runConcurrently(WARM_UP, IN_FLIGHT, fetchOnce);
  const fetchRate = await runConcurrently(DELIVERIES, IN_FLIGHT, fetchOnce);
  await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

  const format = (value: number): string => Math.round(value).toLocaleString("en-US");
  const met = (rate: number): string => (rate >= TARGET_PER_SECOND ? "met" : "not met");
  const row = (name: string, rate: Rate, target: string): string =>
    `| ${name} | ${format(rate.perSecond)} | ${(rate.perSecond / fetchRate.perSecond).toFixed(2)}× | ` +
    `${format(rate.cpuMicroseconds)} | ${format(1e6 / rate.cpuMicroseconds)} | ${target} |`;
  console.log(`${DELIVERIES} signed deliveries, ${IN_FLIGHT} in flight, server on 127.0.0.1 (${received} requests)`);
  console.log(
    `load average at the end: ${loadavg()
      .map((value) => value.toFixed(1))
      .join(", ")}\n`,
  );
  console.log("| Sender | Deliveries/s | vs fetch | CPU µs/delivery | Deliveries per CPU-second | Target ≥ 2,000/s |");
  console.log("| --- | ---: | ---: | ---: | ---: | --- |");
  console.log(
    row(
      "WebhookManager (durable queue, sign, SSRF check, pinned keep-alive, logs)",
      managerRate,
      `wall: ${met(managerRate.perSecond)}; per CPU-second: ${met(1e6 / managerRate.cpuMicroseconds)}`,
    ),
  );
  console.log(
    row(
      "WebhookManager with storage + key provider (sealed secret opened per attempt, persisted logs)",
      sealedRate,
      `wall: ${met(sealedRate.perSecond)}; per CPU-second: ${met(1e6 / sealedRate.cpuMicroseconds)}`,
    ),
  );
  console.log(row("plain fetch loop (sign + POST, keep-alive)", fetchRate, "—"));
}
