/**
 * Runs every example of the guide and checks what it returns, and checks that the examples cover the guide: one
 * file per code block of `guide.txt`, in order, under the block's title, calling every method the block calls (or
 * naming it in its comment where it explains why the call cannot run as written).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { examples } from "../src/index";

const root = fileURLToPath(new URL("..", import.meta.url));

interface GuideBlock {
  /** The heading or bold line above the block, without a trailing colon. */
  readonly title: string;
  readonly code: string;
}

/** The ```javascript blocks of the guide, each with the nearest heading or bold title line above it. */
function readGuideBlocks(markdown: string): GuideBlock[] {
  const blocks: GuideBlock[] = [];
  let title = "";
  let code: string[] | undefined;
  let otherFence = false;
  for (const line of markdown.split("\n")) {
    if (code !== undefined) {
      if (line.startsWith("```")) {
        blocks.push({ title, code: code.join("\n") });
        code = undefined;
      } else code.push(line);
    } else if (line.startsWith("```javascript")) code = [];
    else if (line.startsWith("```")) otherFence = !otherFence;
    else if (!otherFence) {
      const heading = /^#+\s+(.+)$/.exec(line) ?? /^\*\*(.+)\*\*\s*$/.exec(line);
      if (heading?.[1] !== undefined) title = heading[1].trim().replace(/:$/, "");
    }
  }
  return blocks;
}

const blocks = readGuideBlocks(readFileSync(`${root}guide.txt`, "utf8"));
const exampleFiles = readdirSync(`${root}src`)
  .filter((name) => /^\d\d-.+\.ts$/.test(name))
  .sort();

describe("the examples cover the guide", () => {
  it("finds the guide's code blocks", () => {
    // The guide has 37 ```javascript blocks; fewer found means the parser, not the guide, changed.
    expect(blocks.length).toBe(37);
  });

  it("has one example file per code block, in the guide's order, under the block's title", () => {
    expect(exampleFiles.map((name) => name.slice(0, -3))).toEqual(examples.map((example) => example.file));
    expect(examples.map((example) => example.title)).toEqual(blocks.map((block) => block.title));
    examples.forEach((example, index) => {
      expect(example.file.slice(0, 2)).toBe(String(index + 1).padStart(2, "0"));
    });
  });

  it("calls every method its block calls, or names it where it explains why it cannot", () => {
    const missing: string[] = [];
    blocks.forEach((block, index) => {
      const file = exampleFiles[index] ?? "";
      const source = readFileSync(`${root}src/${file}`, "utf8");
      for (const [, name] of block.code.matchAll(/\.(\w+)\(/g)) {
        const called = new RegExp(`\\b${name}\\(`).test(source);
        const named = new RegExp(`\`[\\w.]*\\b${name}\``).test(source);
        if (!called && !named) missing.push(`${file}: ${name}`);
      }
    });
    expect(missing).toEqual([]);
  });
});

/** What each example must return: the guide's stated results where it gives them, else what the code implies. */
const expectations: Record<string, (result: unknown) => void> = {
  "01-offline-sync-manager": (result) =>
    expect(result).toEqual({
      savedType: "create",
      conflicts: ["record-1"],
      resolved: { name: "Anne" },
      openConflicts: 0,
    }),
  "02-push-notification-manager": (result) => expect(result).toEqual({ status: "delivered", topics: ["alerts"] }),
  "03-biometric-auth-manager": (result) =>
    expect(result).toEqual({ modality: "fingerprint", verified: true, rawTemplate: "VALIDATION_ERROR" }),
  "04-mobile-app-config": (result) => expect(result).toEqual({ oldApp: "force_update", language: "fr" }),
  "05-api-credentials-manager": (result) =>
    expect(result).toEqual({
      // Unless the environment configures a key, the guide's bare constructor refuses to start.
      withoutKey: process.env.PELBIOT_CREDENTIAL_KEYS === undefined ? "CONFIGURATION_ERROR" : "constructed",
      apiKey: "sk_live_xxx",
      apiKeyInJson: false,
      actions: ["store", "read", "reencrypt"],
    }),
  "06-payment-gateway-integration": (result) =>
    expect(result).toEqual({ status: "partially_refunded", amountMinor: 9999, refundedMinor: 5000 }),
  "07-messaging-integration": (result) =>
    expect(result).toEqual({
      provider: "outbox",
      deliveredExternally: false,
      texts: ["Hello", "Your OTP is 123456"],
    }),
  "08-webhook-manager": (result) =>
    expect(result).toEqual({
      statusCodes: [204],
      received: [
        { type: "payment.confirmed", timestamp: expect.any(String), data: { paymentId: "pay-123", amount: 99.99 } },
      ],
    }),
  "09-credentials-configuration": (result) => {
    expect(result).toMatchObject({ apiKey: "sk_live_xxx", status: [{ provider: "stripe", due: false }] });
    const [status] = (result as { status: { createdAt: number; dueAt: number }[] }).status;
    expect((status?.dueAt ?? 0) - (status?.createdAt ?? 0)).toBe(7 * 24 * 60 * 60 * 1000);
  },
  "10-analytics-data-collector": (result) =>
    expect(result).toEqual({
      totalEvents: 1,
      distinctUsers: 1,
      metrics: [{ name: "api_response_time", count: 1, mean: 45.2 }],
    }),
  "11-dashboard-manager": (result) =>
    expect(result).toEqual({ name: "Sales Dashboard", owner: "user-1", widgets: [["chart", "Revenue"]] }),
  "12-report-generator": (result) => {
    const { totals, csv, pdf, excel } = result as { totals: unknown; csv: string; pdf: Uint8Array; excel: Uint8Array };
    expect(totals).toEqual([
      { metric: "total_revenue", count: 3, sum: 299.5 },
      { metric: "transaction_count", count: 3, sum: 3 },
    ]);
    expect(csv.split("\r\n")[0]).toBe("period_start,period_end,metric,count,sum,mean,min,max,p50,p95");
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe("%PDF-");
    expect([...excel.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // .xlsx is a zip
  },
  "13-predictive-analytics-engine": (result) => {
    expect(result).toMatchObject({ steps: 30, direction: "increasing", firstStep: { step: 1 } });
    // The series rises 0.5 a day.
    expect((result as { senSlope: number }).senSlope).toBeCloseTo(0.5, 1);
  },
  "14-analytics-configuration": (result) => expect(result).toEqual({ dashboard: "Ops", rejected: "VALIDATION_ERROR" }),
  "15-anomaly-detection-engine": (result) => {
    const { detected, listed } = result as { detected: { value: number; severity: string }[]; listed: number };
    expect(detected).toContainEqual({ value: 98, severity: "critical" });
    expect(listed).toBe(detected.length);
  },
  "16-time-series-forecasting-engine": (result) => {
    const { steps, sameForecast, lastHistorical, firstStep } = result as {
      steps: number;
      sameForecast: boolean;
      lastHistorical: number;
      firstStep: { timestamp: number };
    };
    expect({ steps, sameForecast }).toEqual({ steps: 168, sameForecast: true });
    expect(firstStep.timestamp).toBe(lastHistorical + 3_600_000);
  },
  "17-classification-model": (result) => {
    expect(result).toMatchObject({ label: "yes" });
    expect((result as { accuracy: number }).accuracy).toBeGreaterThan(0.8);
  },
  "18-clustering-algorithm": (result) => {
    const { assignments } = result as { assignments: number[] };
    // Three groups of three: each group shares one cluster, and the groups differ.
    const groups = [assignments.slice(0, 3), assignments.slice(3, 6), assignments.slice(6, 9)];
    for (const group of groups) expect(new Set(group).size).toBe(1);
    expect(new Set(groups.map((group) => group[0])).size).toBe(3);
  },
  "19-recommendation-engine": (result) => {
    const { items } = result as { items: string[] };
    expect(items.length).toBeGreaterThan(0);
    expect(items).not.toContain("item-5"); // already purchased
  },
  "20-ml-configuration": (result) => expect(result).toEqual({ engines: 5 }),
  "21-development-setup": (result) =>
    expect(result).toEqual({ external: false, messageProvider: "outbox", warnings: 1 }),
  "22-production-setup": (result) =>
    expect(result).toEqual({
      stripeWithoutCredentials: "CONFIGURATION_ERROR",
      provider: "stripe",
      auditChainValid: true,
      timedOperations: 1,
      debugRecords: 0,
    }),
  "23-mobile-sync-storage": (result) =>
    expect(result).toEqual({ queued: [["create", "user", { name: "John" }]], keysUnderPrefix: true }),
  "24-analytics-storage": (result) => {
    const { lines } = result as { lines: string[] };
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'events,eventName=user_login,userId=user-1 platform="web",duration=1500,eventId="evt-1" 1700000000000',
    );
    expect(lines[1]).toMatch(/^events,eventName=user_login,userId=user-1 platform="web",duration=1500 \d{13}$/);
  },
  "25-credentials-storage": (result) =>
    expect(result).toMatchObject({
      plaintextInStorage: false,
      readBack: { apiKey: "sk_live_4eC39HqLyjWDarjtT1zdp7dc", apiSecret: "whsec_0123456789abcdef" },
    }),
  "26-event-driven-processing": (result) => expect(result).toEqual({ sent: 1, failures: 1 }),
  "27-chain-of-responsibility": (result) => expect(result).toEqual({ status: "captured", completed: 1, delivered: 1 }),
  "28-async-processing-queue": (result) =>
    expect(result).toEqual({ done: ["a", "b", "flaky"], flakyCalls: 2, value: "ok", attempts: 2 }),
  "29-error-handling": (result) => expect(result).toEqual({ count: 0, logged: [["error", "MODEL_NOT_FOUND"]] }),
  "30-security-best-practices": (result) =>
    expect(result).toEqual({
      invalid: "Invalid currency",
      loggedToken: '{"token":"[REDACTED]"}',
      version: 1,
      apiKeyInJson: false,
    }),
  "31-performance-optimization": (result) =>
    expect(result).toEqual({ tracked: 250, cached: true, pointsSeen: 100, allowed: 100, nextWindow: true }),
  "32-monitoring-and-logging": (result) =>
    expect(result).toEqual({
      paymentId: "string",
      failed: "VALIDATION_ERROR",
      metrics: [
        ["payment_create_duration", 1],
        ["payment_create_error", 1],
        ["payment_create_success", 1],
      ],
    }),
  "33-model-not-found": (result) => expect(result).toEqual({ wrong: "MODEL_NOT_FOUND", correct: true }),
  "34-insufficient-training-data": (result) =>
    expect(result).toEqual({
      tooFew: { code: "INSUFFICIENT_DATA", details: expect.objectContaining({ got: 1, need: 50 }) },
      pointsSeen: 50,
    }),
  "35-webhook-delivery-failed": (result) =>
    expect(result).toEqual({ failed: 1, statusCodes: [500], retryScheduled: 1, nextAttempt: true }),
  "36-high-memory-usage": (result) =>
    expect(result).toMatchObject({ kept: 10000, total: 10050, drops: { evictedEvents: 50 } }),
  "37-monitoring-setup": (result) => {
    // Mean of 120, 240 and 310 ms is past the 200 ms threshold: critical, so the app pages.
    expect(result).toEqual({ monitored: 5, paged: [`page: response_time ${(120 + 240 + 310) / 3} ms`] });
  },
};

// Generous per-test limits: the first Excel and PDF exports load exceljs, pdfkit and the fonts, and CI shares two
// cores between these examples and the other test workers.
describe("the guide's examples run", { timeout: 60_000 }, () => {
  it("has an expectation for every example", () => {
    expect(Object.keys(expectations).sort()).toEqual(examples.map((example) => example.file));
  });

  for (const example of examples) {
    it(`${example.file}: ${example.title}`, async () => {
      const result = await example.run();
      expectations[example.file]?.(result);
    });
  }
});
