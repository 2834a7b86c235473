import { createManualClock, createMemoryStorage, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { captureValidationIssuesAsync, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { WebhookManager, type WebhookManagerOptions } from "../../src/webhooks/webhook-manager";
import { startTestServer, status } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const keyProvider = createEphemeralKeyProvider();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function managerWith(options: WebhookManagerOptions = {}): WebhookManager {
  const manager = new WebhookManager({ clock: createManualClock(START), allowedHosts: ["127.0.0.1"], ...options });
  cleanups.push(() => manager.close());
  return manager;
}

describe("WebhookManager method arguments", () => {
  it("rejects a misspelt registerWebhook field, naming the accepted ones, and stores nothing", async () => {
    const manager = managerWith();
    const issues = await captureValidationIssuesAsync(() =>
      manager.registerWebhook({ event: "a", url: "https://example.com/hook", secrte: "whsec_x" } as never),
    );
    expect(issues).toEqual([
      'input.secrte: "secrte" is not a known option (did you mean "secret"?); accepted: event, events, url, secret, description',
    ]);
    expect(await manager.listWebhooks()).toEqual([]);
  });

  it("rejects unknown keys in every other argument object", async () => {
    const manager = managerWith();
    const { id } = await manager.registerWebhook({ event: "a", url: "https://example.com/hook" });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["changes.evnts", () => manager.updateWebhook(id, { evnts: ["b"] } as never)],
      ["options.overlap", () => manager.rotateSecret(id, { overlap: 1_000 } as never)],
      ["options.messageID", () => manager.triggerWebhook("a", {}, { messageID: "m1" } as never)],
      ["options.timeout", () => manager.flush({ timeout: 10 } as never)],
      ["filter.state", () => manager.listDeliveries({ state: "dead" } as never)],
      ["filter.endpoint", async () => manager.getDeliveryLogs({ endpoint: id } as never)],
    ];
    for (const [path, call] of calls) {
      const issues = await captureValidationIssuesAsync(call);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(new RegExp(`^${path.replace(".", "\\.")}: .* is not a known option`));
    }
    expect((await manager.getWebhook(id)).events).toEqual(["a"]);
  });

  it("names array items with dot paths", async () => {
    const manager = managerWith();
    const issues = await captureValidationIssuesAsync(() =>
      manager.registerWebhook({ events: ["a", "bad event"], url: "https://example.com/hook" }),
    );
    expect(issues).toEqual([
      "input.events.1: must be an event name or pattern: dot-separated segments of letters, digits, '_', '-' or '*'",
    ]);
  });

  it("uses the shared details keys: NOT_FOUND { id } and LIMIT_EXCEEDED { limit, got }", async () => {
    const manager = managerWith({ maxPayloadBytes: 100 });
    const missing = await expectPelbiotErrorAsync(() => manager.getWebhook("ep_missing"), "NOT_FOUND");
    expect(missing.details).toEqual({ id: "ep_missing" });
    const replay = await expectPelbiotErrorAsync(() => manager.replayDelivery("dlv_missing"), "NOT_FOUND");
    expect(replay.details).toEqual({ id: "dlv_missing" });
    const large = await expectPelbiotErrorAsync(
      () => manager.triggerWebhook("a", { big: "x".repeat(200) }),
      "LIMIT_EXCEEDED",
    );
    expect(large.details).toEqual({ limit: 100, got: expect.any(Number) });
    expect(large.details?.got).toBeGreaterThan(100);
  });

  it("lets only PelbiotErrors out when the storage adapter fails with a plain error", async () => {
    const memory = createMemoryStorage();
    let unplugged = true;
    const failing: StorageAdapter = {
      ...memory,
      keys: async (prefix) => {
        if (unplugged) throw new Error("disk unplugged");
        return memory.keys(prefix);
      },
    };
    const manager = managerWith({ storage: failing, keyProvider });
    const error = await manager.listWebhooks().catch((caught: unknown) => caught);
    expect(PelbiotError.is(error)).toBe(true);
    expect((error as PelbiotError).message).toContain("disk unplugged");
    unplugged = false;
    expect(await manager.listWebhooks()).toEqual([]);
  });
});

describe("WebhookManager over a real server with the shape's options", () => {
  it("delivers with a logger and a key prefix given", async () => {
    const server = await startTestServer(status(204));
    cleanups.push(() => server.close());
    const manager = managerWith({ storage: createMemoryStorage(), keyProvider, keyPrefix: "hooks:" });
    await manager.registerWebhook({ event: "a", url: server.url });
    const { deliveries, damaged } = await manager.triggerWebhook("a", { ok: true });
    expect(deliveries.map((delivery) => delivery.status)).toEqual(["succeeded"]);
    expect(damaged).toBe(0);
    expect(server.received).toHaveLength(1);
  });
});
