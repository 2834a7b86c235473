import { createManualClock, createMemoryStorage, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Payment,
  PaymentGatewayIntegration,
  type PaymentGatewayIntegrationOptions,
} from "../../src/payments/payment-gateway-integration";
import type { PaymentProvider } from "../../src/payments/providers/payment-provider";
import {
  createSandboxPaymentProvider,
  SANDBOX_FAILING_AUTH_CODE,
  SANDBOX_TEST_CARDS,
} from "../../src/payments/providers/sandbox-provider";

const START = Date.UTC(2026, 0, 1);

function gateway(options: PaymentGatewayIntegrationOptions = {}): PaymentGatewayIntegration {
  return new PaymentGatewayIntegration({ clock: createManualClock(START), ...options });
}

// Counts the provider calls of a sandbox, so tests can assert how many requests left the integration.
function countingSandbox(): { provider: PaymentProvider; calls: Record<string, number> } {
  const inner = createSandboxPaymentProvider();
  const calls: Record<string, number> = {};
  const count = <K extends keyof PaymentProvider>(name: K) =>
    ((...args: never[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (inner[name] as (...args: never[]) => unknown)(...args);
    }) as PaymentProvider[K];
  return {
    calls,
    provider: {
      name: inner.name,
      external: false,
      createPayment: count("createPayment"),
      confirmPayment: count("confirmPayment"),
      capturePayment: count("capturePayment"),
      cancelPayment: count("cancelPayment"),
      refundPayment: count("refundPayment"),
    },
  };
}

describe("PaymentGatewayIntegration: the guide's calls", () => {
  it("runs create → confirm → partial refund as written, with await, against the sandbox", async () => {
    const payment = new PaymentGatewayIntegration();
    const paymentId = await payment.createPayment({ amount: 99.99, currency: "USD", method: "credit_card" });
    const confirmed = await payment.confirmPayment(paymentId, "auth-code");
    const refund = await payment.refundPayment(paymentId, 50.0, "Partial refund");

    expect(payment.providerName).toBe("sandbox");
    expect(payment.external).toBe(false);
    expect(confirmed).toMatchObject({ status: "captured", amountMinor: 9999, amount: "99.99", capturedMinor: 9999 });
    expect(confirmed.external).toBe(false);
    expect(refund).toMatchObject({ amountMinor: 5000, amount: "50.00", reason: "Partial refund", status: "succeeded" });
    const after = await payment.getPayment(paymentId);
    expect(after).toMatchObject({ status: "partially_refunded", refundedMinor: 5000 });
    expect(JSON.parse(JSON.stringify(after))).toEqual(after); // plain JSON, ready for analytics and webhooks
  });

  it("confirms without an authorization code, as the chain-of-responsibility pattern does", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: "10.00", currency: "eur" });
    expect((await payment.confirmPayment(id)).status).toBe("captured");
    expect((await payment.getPayment(id)).currency).toBe("EUR");
  });
});

describe("PaymentGatewayIntegration: the state machine", () => {
  it("declines with the sandbox's test cards and records the normalised failure", async () => {
    const payment = gateway();
    const failed: string[] = [];
    payment.on("payment.failed", (record, failure) => failed.push(`${record.id}:${failure.code}`));
    for (const [card, code] of [
      [SANDBOX_TEST_CARDS.declined, "card_declined"],
      [SANDBOX_TEST_CARDS.insufficientFunds, "insufficient_funds"],
      ["4000000000000002", "card_declined"],
    ] as const) {
      const id = await payment.createPayment({ amount: 5, currency: "USD", method: card });
      const error = await expectPelbiotErrorAsync(() => payment.confirmPayment(id), "PROVIDER_ERROR");
      expect(error.details).toMatchObject({ failure: { code, providerCode: code }, retryable: false });
      expect(await payment.getPayment(id)).toMatchObject({ status: "failed", failure: { code } });
      expect(failed.at(-1)).toBe(`${id}:${code}`);
      await expectPelbiotErrorAsync(() => payment.confirmPayment(id), "CONFLICT");
      await expectPelbiotErrorAsync(() => payment.refundPayment(id), "CONFLICT");
    }
  });

  it("asks for authentication, then completes with an authorization code; a failing code fails it", async () => {
    const payment = gateway();
    const events: string[] = [];
    payment.on("payment.requires_action", (record: Payment) => events.push(`requires_action:${record.status}`));
    payment.on("payment.confirmed", (record: Payment) => events.push(`confirmed:${record.status}`));
    payment.on("payment.failed", (record: Payment) => events.push(`failed:${record.status}`));
    const id = await payment.createPayment({
      amount: 20,
      currency: "GBP",
      method: SANDBOX_TEST_CARDS.authenticationRequired,
    });
    const pending = await payment.confirmPayment(id);
    expect(pending).toMatchObject({ status: "requires_action", nextAction: { type: "authenticate" } });
    expect(await payment.confirmPayment(id, "123456")).toMatchObject({ status: "captured", nextAction: null });
    expect(events).toEqual(["requires_action:requires_action", "confirmed:captured"]);

    const other = await payment.createPayment({ amount: 20, currency: "GBP", method: "4000002500003155" });
    await payment.confirmPayment(other);
    await expectPelbiotErrorAsync(() => payment.confirmPayment(other, SANDBOX_FAILING_AUTH_CODE), "PROVIDER_ERROR");
    expect((await payment.getPayment(other)).failure?.code).toBe("authentication_failed");
  });

  it("stops at authorized with manual capture, captures part, and refuses to capture more than authorised", async () => {
    const payment = gateway();
    const captured: string[] = [];
    payment.on("payment.captured", (record) => captured.push(record.amount));
    const id = await payment.createPayment({ amount: 100, currency: "USD", captureMethod: "manual" });
    expect((await payment.confirmPayment(id)).status).toBe("authorized");
    await expectPelbiotErrorAsync(() => payment.refundPayment(id, 1), "CONFLICT");
    await expectPelbiotErrorAsync(() => payment.capturePayment(id, 100.01), "LIMIT_EXCEEDED");
    const done = await payment.capturePayment(id, "80.00");
    expect(done).toMatchObject({ status: "captured", capturedMinor: 8000, amountMinor: 10000 });
    expect(captured).toEqual(["100.00"]);
    await expectPelbiotErrorAsync(() => payment.refundPayment(id, 80.01), "LIMIT_EXCEEDED");
    expect((await payment.refundPayment(id)).amountMinor).toBe(8000);
    expect((await payment.getPayment(id)).status).toBe("refunded");
  });

  it("cancels before capture and refuses after", async () => {
    const payment = gateway();
    const canceled: string[] = [];
    payment.on("payment.canceled", (record) => canceled.push(record.id));
    const id = await payment.createPayment({ amount: 1, currency: "USD", captureMethod: "manual" });
    await payment.confirmPayment(id);
    expect((await payment.cancelPayment(id)).status).toBe("canceled");
    expect(canceled).toEqual([id]);
    await expectPelbiotErrorAsync(() => payment.cancelPayment(id), "CONFLICT");
    await expectPelbiotErrorAsync(() => payment.capturePayment(id), "CONFLICT");
    const captured = await payment.createPayment({ amount: 1, currency: "USD" });
    await payment.confirmPayment(captured);
    await expectPelbiotErrorAsync(() => payment.cancelPayment(captured), "CONFLICT");
  });

  it("emits created, confirmed and refunded with plain records", async () => {
    const payment = gateway();
    const seen: string[] = [];
    payment.on("payment.created", (record) => seen.push(`created:${record.status}`));
    payment.on("payment.confirmed", (record) => seen.push(`confirmed:${record.status}`));
    payment.on("payment.refunded", (record, refund) => seen.push(`refunded:${record.status}:${refund.amount}`));
    const id = await payment.createPayment({ amount: 3, currency: "USD" });
    await payment.confirmPayment(id);
    await payment.confirmPayment(id); // already confirmed: returned unchanged, no second event
    await payment.refundPayment(id, 1);
    await payment.refundPayment(id);
    expect(seen).toEqual([
      "created:created",
      "confirmed:captured",
      "refunded:partially_refunded:1.00",
      "refunded:refunded:2.00",
    ]);
  });
});

describe("PaymentGatewayIntegration: idempotency", () => {
  it("returns the same payment for a repeated key and makes one provider request", async () => {
    const { provider, calls } = countingSandbox();
    const payment = gateway({ provider });
    const input = { amount: 42, currency: "USD", idempotencyKey: "order-42" };
    const first = await payment.createPayment(input);
    expect(await payment.createPayment(input)).toBe(first);
    expect(calls.createPayment).toBe(1);
    const error = await expectPelbiotErrorAsync(() => payment.createPayment({ ...input, amount: 43 }), "CONFLICT");
    expect(error.details).toEqual({ paymentId: first });
  });

  it("N concurrent duplicate createPayment calls with one key make exactly one provider request", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 25 }), fc.string({ minLength: 1, maxLength: 30 }), async (n, key) => {
        const { provider, calls } = countingSandbox();
        const payment = gateway({ provider });
        const ids = await Promise.all(
          Array.from({ length: n }, () => payment.createPayment({ amount: 1, currency: "USD", idempotencyKey: key })),
        );
        expect(new Set(ids).size).toBe(1);
        expect(calls.createPayment).toBe(1);
      }),
      { numRuns: 30 },
    );
  });

  it("resumes an interrupted create with the same derived provider key (never a fresh one)", async () => {
    const keys: string[] = [];
    const inner = createSandboxPaymentProvider();
    let failNext = true;
    const provider: PaymentProvider = {
      ...inner,
      createPayment: async (request, context) => {
        keys.push(context.idempotencyKey);
        if (failNext) {
          failNext = false;
          throw new PelbiotError("PROVIDER_ERROR", "connection reset", { details: { retryable: true } });
        }
        return inner.createPayment(request, context);
      },
    };
    const storage = createMemoryStorage();
    const payment = gateway({ provider, storage });
    const input = { amount: 7, currency: "USD", idempotencyKey: "checkout-7" };
    await expectPelbiotErrorAsync(() => payment.createPayment(input), "PROVIDER_ERROR");
    const id = await payment.createPayment(input);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toContain(id);
    expect((await payment.getPayment(id)).providerPaymentId).not.toBeNull();
  });

  it("a refund repeated with its key returns the first refund and refunds once", async () => {
    const { provider, calls } = countingSandbox();
    const payment = gateway({ provider });
    const id = await payment.createPayment({ amount: 10, currency: "USD" });
    await payment.confirmPayment(id);
    const first = await payment.refundPayment(id, 4, "damaged", { idempotencyKey: "rf-1" });
    const again = await payment.refundPayment(id, 4, "damaged", { idempotencyKey: "rf-1" });
    expect(again).toEqual(first);
    expect(calls.refundPayment).toBe(1);
    await expectPelbiotErrorAsync(() => payment.refundPayment(id, 5, "x", { idempotencyKey: "rf-1" }), "CONFLICT");
    expect((await payment.getPayment(id)).refundedMinor).toBe(400);
  });
});

describe("PaymentGatewayIntegration: the refund ledger", () => {
  it("never refunds more than was captured, whatever the sequence of concurrent refunds", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 12 }),
        async (capturedMinor, refunds) => {
          // Two integrations over one storage stand in for two processes racing on the same payment.
          const storage = createMemoryStorage();
          const clock = createManualClock(START);
          const provider = createSandboxPaymentProvider();
          const a = new PaymentGatewayIntegration({ storage, clock, provider });
          const b = new PaymentGatewayIntegration({ storage, clock, provider });
          const id = await a.createPayment({ amount: { minor: capturedMinor }, currency: "USD" });
          await a.confirmPayment(id);
          const results = await Promise.allSettled(
            refunds.map((minor, index) => (index % 2 === 0 ? a : b).refundPayment(id, { minor })),
          );
          const after = await a.getPayment(id);
          const succeeded = results.flatMap((result) =>
            result.status === "fulfilled" ? [result.value.amountMinor] : [],
          );
          const total = succeeded.reduce((sum, minor) => sum + minor, 0);
          expect(total).toBe(after.refundedMinor);
          expect(after.refundedMinor).toBeLessThanOrEqual(capturedMinor);
          for (const result of results) {
            if (result.status === "rejected") expect(PelbiotError.is(result.reason, "LIMIT_EXCEEDED")).toBe(true);
          }
          expect(after.status).toBe(
            after.refundedMinor === 0
              ? "captured"
              : after.refundedMinor === capturedMinor
                ? "refunded"
                : "partially_refunded",
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reports what is left in LIMIT_EXCEEDED details", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: 10, currency: "USD" });
    await payment.confirmPayment(id);
    await payment.refundPayment(id, 7.5);
    const error = await expectPelbiotErrorAsync(() => payment.refundPayment(id, 3), "LIMIT_EXCEEDED");
    expect(error.details).toMatchObject({ limit: 250, got: 300 });
    expect(error.message).toContain("at most 2.50 USD is left");
  });

  it("refuses a refund of a fully refunded payment with LIMIT_EXCEEDED, as the ledger does (regression: CONFLICT)", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: 10, currency: "USD" });
    await payment.confirmPayment(id);
    await payment.refundPayment(id, 10);
    const error = await expectPelbiotErrorAsync(() => payment.refundPayment(id, 1), "LIMIT_EXCEEDED");
    expect(error.details).toMatchObject({ limit: 0, got: 100 });
    expect((await payment.getPayment(id)).status).toBe("refunded");
  });
});

describe("PaymentGatewayIntegration: input and options", () => {
  it("names the method, the path and what is accepted; a rejected call stores nothing", async () => {
    const payment = gateway();
    const error = await expectPelbiotErrorAsync(
      () => payment.createPayment({ amount: 1.5, currency: "JPY", methd: "x" } as never),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(/^Invalid input to PaymentGatewayIntegration\.createPayment: /);
    expect(error.message).toContain('input.methd: "methd" is not a known option (did you mean "method"?)');
    expect(error.message).toContain("input.amount: 1.5 JPY has 1 decimal place(s); JPY takes whole units only");
    await expectPelbiotErrorAsync(() => payment.getPayment("nope"), "NOT_FOUND");
    await expectPelbiotErrorAsync(() => payment.refundPayment("nope", 1), "NOT_FOUND");
    await expectPelbiotErrorAsync(() => payment.confirmPayment(42 as never), "VALIDATION_ERROR");
    await expectPelbiotErrorAsync(() => payment.refundPayment("x", 1, "r", { key: "k" } as never), "VALIDATION_ERROR");
  });

  it("rejects hostile or oversized input without storing anything", async () => {
    const storage = createMemoryStorage();
    const payment = gateway({ storage });
    const bad: unknown[] = [
      null,
      "99.99",
      { amount: 1 },
      {
        amount: 1,
        currency: "USD",
        metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])),
      },
      { amount: 1, currency: "USD", metadata: { ["x".repeat(41)]: "v" } },
      { amount: 1, currency: "USD", metadata: { note: 42 } },
      { amount: 1, currency: "USD", description: "d".repeat(1001) },
      { amount: 1, currency: "USD", idempotencyKey: "" },
      { amount: 1, currency: "USD", captureMethod: "later" },
      { amount: { minor: 1, extra: true }, currency: "USD" },
      { amount: 1e300, currency: "USD" },
    ];
    for (const input of bad) {
      await expectPelbiotErrorAsync(() => payment.createPayment(input as never), "VALIDATION_ERROR");
    }
    expect(await storage.keys("")).toEqual([]);
  });

  it("rejects a refund amount with too many decimals for the payment's currency", async () => {
    const payment = gateway();
    const id = await payment.createPayment({ amount: 1000, currency: "JPY" });
    await payment.confirmPayment(id);
    const error = await expectPelbiotErrorAsync(() => payment.refundPayment(id, 0.5), "VALIDATION_ERROR");
    expect(error.message).toContain("amount: 0.5 JPY has 1 decimal place(s)");
    expect((await payment.getPayment(id)).refunds).toEqual([]);
  });

  it("refuses to name a real provider without credentials, unless the sandbox is asked for", () => {
    const stripe = expectPelbiotError(
      () => new PaymentGatewayIntegration({ provider: "stripe" }),
      "CONFIGURATION_ERROR",
    );
    expect(stripe.message).toContain("options.stripe.secretKey");
    expectPelbiotError(
      () => new PaymentGatewayIntegration({ provider: "paypal", paypal: { clientId: "x" } as never }),
      "CONFIGURATION_ERROR",
    );
    const mocked = new PaymentGatewayIntegration({ provider: "stripe", mockExternalAPIs: true });
    expect(mocked.providerName).toBe("sandbox");
    expect(mocked.external).toBe(false);
    expect(new PaymentGatewayIntegration({ provider: "stripe", stripe: { secretKey: "sk_test_1" } }).external).toBe(
      true,
    );
  });

  it("rejects a misspelt option with the accepted keys", () => {
    expect(captureValidationIssues(() => new PaymentGatewayIntegration({ mockExternalAPI: true } as never))).toEqual([
      'options.mockExternalAPI: "mockExternalAPI" is not a known option (did you mean "mockExternalAPIs"?); accepted: provider, mockExternalAPIs, stripe, paypal, stripeWebhookSecret, webhookToleranceMs, storage, keyPrefix, clock, logger',
    ]);
    expectPelbiotError(() => new PaymentGatewayIntegration({ provider: "square" as never }), "VALIDATION_ERROR");
  });
});
