import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { WebhookManager, type WebhookManagerOptions } from "../../src/webhooks/webhook-manager";

const START = Date.UTC(2026, 0, 1);
const keyProvider = createEphemeralKeyProvider();
const cleanups: Array<() => Promise<void>> = [];
const ACCEPTED =
  "storage, keyPrefix, keyProvider, clock, logger, retrySchedule, requestTimeoutMs, maxConcurrency, circuitFailureThreshold, circuitCooldownMs, allowPrivateNetworks, allowedHosts, resolve, maxDeliveryLogs, deliveryLogRetentionMs, persistDeliveryLogs, maxResponseBodyLength, maxPayloadBytes, leaseMs, userAgent, ca";

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function managerWith(options: WebhookManagerOptions = {}): WebhookManager {
  const manager = new WebhookManager({ clock: createManualClock(START), allowedHosts: ["127.0.0.1"], ...options });
  cleanups.push(() => manager.close());
  return manager;
}

describe("WebhookManager options", () => {
  it("rejects a misspelt constructor option, naming the accepted keys and the nearest one", () => {
    const issues = captureValidationIssues(() => new WebhookManager({ requestTimeout: 5_000 } as never));
    expect(issues).toEqual([
      `options.requestTimeout: "requestTimeout" is not a known option (did you mean "requestTimeoutMs"?); accepted: ${ACCEPTED}`,
    ]);
    const error = expectPelbiotError(() => new WebhookManager({ maxConcurency: 2 } as never), "VALIDATION_ERROR");
    expect(error.message).toMatch(/^Invalid input to WebhookManager constructor: options\.maxConcurency: /);
    expect(error.message).toContain('did you mean "maxConcurrency"?');
  });

  it("reports every malformed option with dot paths for array items", () => {
    const issues = captureValidationIssues(
      () =>
        new WebhookManager({
          retrySchedule: [5, -1],
          allowedHosts: ["ok.example", 7 as never],
          ca: ["not a certificate"],
          clock: {} as never,
          logger: { warn: () => undefined } as never,
          keyPrefix: 42 as never,
        }),
    );
    expect(issues.map((issue) => issue.slice(0, issue.indexOf(":")))).toEqual([
      "options.keyPrefix",
      "options.clock",
      "options.logger",
      "options.retrySchedule.1",
      "options.retrySchedule.0",
      "options.allowedHosts.1",
      "options.ca.0",
    ]);
  });

  it("rejects options that are not an object", () => {
    expect(captureValidationIssues(() => new WebhookManager("fast" as never))).toEqual([
      'options: must be an object, got string "fast"',
    ]);
  });

  it("keeps the stores of managers with different key prefixes apart on one storage", async () => {
    const storage = createMemoryStorage();
    const left = managerWith({ storage, keyProvider, keyPrefix: "left:" });
    const right = managerWith({ storage, keyProvider, keyPrefix: "right:" });
    const registered = await left.registerWebhook({ event: "a", url: "https://example.com/hook" });
    expect((await left.listWebhooks()).map((endpoint) => endpoint.id)).toEqual([registered.id]);
    expect(await right.listWebhooks()).toEqual([]);
    expect(await storage.keys("left:endpoints:")).toEqual([`left:endpoints:${registered.id}`]);
    expect(await storage.keys("webhooks:")).toEqual([]);
  });
});
