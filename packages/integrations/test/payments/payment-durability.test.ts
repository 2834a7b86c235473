// Idempotency keys and refund reservations are written to storage before the provider is called, so a process that
// dies mid-call leaves enough on disk for the next one to finish the operation with the same key. These tests use
// real files (core's file storage) and read them back with JSON.parse, independently of the code under test.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock, type StorageAdapter } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { PaymentGatewayIntegration } from "../../src/payments/payment-gateway-integration";
import type { PaymentProvider, ProviderCallContext } from "../../src/payments/providers/payment-provider";
import { createSandboxPaymentProvider } from "../../src/payments/providers/sandbox-provider";

const START = Date.UTC(2026, 0, 1);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fileStorage(): Promise<{ directory: string; open: () => StorageAdapter }> {
  const directory = await mkdtemp(join(tmpdir(), "payments-durable-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return {
    directory,
    open: () => {
      const storage = createFileStorage({ directory, fsync: false });
      cleanups.push(async () => storage.dispose?.());
      return storage;
    },
  };
}

// Real files and locks are slow on a loaded machine; the limit only guards against a hang.
const FILE_TEST_TIMEOUT_MS = 30_000;

// Every stored record, found by reading the directory's files with JSON.parse (no library code involved).
async function storedValues(directory: string): Promise<Array<{ key: string; value: unknown }>> {
  const records: Array<{ key: string; value: unknown }> = [];
  for (const name of await readdir(directory)) {
    const text = await readFile(join(directory, name), "utf8").catch(() => "");
    const start = text.indexOf("{");
    if (start < 0) continue;
    try {
      const record = JSON.parse(text.slice(start)) as { key?: unknown; value?: unknown };
      if (typeof record.key === "string" && typeof record.value === "string") {
        records.push({ key: record.key, value: JSON.parse(record.value) });
      }
    } catch {
      // not a data file
    }
  }
  return records;
}

// A provider whose first call of one operation never answers: the process "dies" with the call in flight.
function providerThatHangsOnce(operation: "createPayment" | "refundPayment", keys: string[]): PaymentProvider {
  const inner = createSandboxPaymentProvider();
  let hung = false;
  const wrap =
    <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (name === operation) keys.push((args.at(-1) as ProviderCallContext).idempotencyKey);
      if (name === operation && !hung) {
        hung = true;
        return new Promise<R>(() => undefined);
      }
      return call(...args);
    };
  return {
    ...inner,
    createPayment: wrap("createPayment", inner.createPayment),
    confirmPayment: wrap("confirmPayment", inner.confirmPayment),
    refundPayment: wrap("refundPayment", inner.refundPayment),
  };
}

describe("PaymentGatewayIntegration durability on real files", () => {
  it(
    "persists the claim and the derived key before the create call; a restarted process resumes with that key",
    async () => {
      const { directory, open } = await fileStorage();
      const keys: string[] = [];
      const provider = providerThatHangsOnce("createPayment", keys);
      const first = new PaymentGatewayIntegration({ storage: open(), provider, clock: createManualClock(START) });
      void first.createPayment({ amount: 25, currency: "USD", idempotencyKey: "order-77" });
      while (keys.length === 0) await new Promise((resolve) => setImmediate(resolve));

      const onDisk = await storedValues(directory);
      const stored = onDisk.find((record) => record.key.startsWith("payments:payments:"))?.value as {
        id: string;
        pending: { operation: string; idempotencyKey: string };
      };
      expect(stored.pending).toEqual({ operation: "create", idempotencyKey: keys[0] });
      expect(onDisk.some((record) => record.key.startsWith("payments:idempotency:"))).toBe(true);

      // A new process over the same files, same provider (the provider kept the first call's key).
      const second = new PaymentGatewayIntegration({ storage: open(), provider, clock: createManualClock(START) });
      const id = await second.createPayment({ amount: 25, currency: "USD", idempotencyKey: "order-77" });
      expect(id).toBe(stored.id);
      expect(keys).toEqual([keys[0], keys[0]]);
      expect((await second.getPayment(id)).providerPaymentId).toMatch(/^sbx_/);
    },
    FILE_TEST_TIMEOUT_MS,
  );

  it(
    "keeps an interrupted refund reserved across a restart and finishes it once with the same key",
    async () => {
      const { open } = await fileStorage();
      const keys: string[] = [];
      const provider = providerThatHangsOnce("refundPayment", keys);
      const first = new PaymentGatewayIntegration({ storage: open(), provider, clock: createManualClock(START) });
      const id = await first.createPayment({ amount: 10, currency: "EUR" });
      await first.confirmPayment(id);
      void first.refundPayment(id, 6, "damaged", { idempotencyKey: "rf-77" });
      while (keys.length === 0) await new Promise((resolve) => setImmediate(resolve));

      const second = new PaymentGatewayIntegration({ storage: open(), provider, clock: createManualClock(START) });
      const reserved = await second.getPayment(id);
      expect(reserved.refunds).toMatchObject([{ status: "pending", amountMinor: 600, idempotencyKey: keys[0] }]);
      await expect(second.refundPayment(id, 5)).rejects.toMatchObject({
        code: "LIMIT_EXCEEDED",
        details: { limit: 400 },
      });
      const finished = await second.refundPayment(id, 6, "damaged", { idempotencyKey: "rf-77" });
      expect(finished).toMatchObject({ status: "succeeded", amountMinor: 600 });
      expect(keys).toEqual([keys[0], keys[0]]);
      expect(await second.getPayment(id)).toMatchObject({ refundedMinor: 600, status: "partially_refunded" });
    },
    FILE_TEST_TIMEOUT_MS,
  );

  it(
    "two processes racing one idempotency key create one payment and send one provider key",
    async () => {
      const { open } = await fileStorage();
      const keys: string[] = [];
      const inner = createSandboxPaymentProvider();
      const provider: PaymentProvider = {
        ...inner,
        createPayment: (request, context) => {
          keys.push(context.idempotencyKey);
          return inner.createPayment(request, context);
        },
      };
      const a = new PaymentGatewayIntegration({ storage: open(), provider, clock: createManualClock(START) });
      const b = new PaymentGatewayIntegration({ storage: open(), provider, clock: createManualClock(START) });
      for (let round = 0; round < 5; round += 1) {
        keys.length = 0;
        const input = { amount: 3, currency: "USD", idempotencyKey: `race-${round}` };
        const ids = await Promise.all([a, b, a, b].map((gateway) => gateway.createPayment(input)));
        expect(new Set(ids).size).toBe(1);
        expect(new Set(keys).size).toBe(1); // the provider may see a repeat, never a second key
      }
    },
    FILE_TEST_TIMEOUT_MS,
  );
});
