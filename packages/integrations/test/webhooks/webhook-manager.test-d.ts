import type { Logger } from "@pelbiot/core";
import { describe, expectTypeOf, it } from "vitest";
import type { KeyProvider } from "../../src/credentials/key-provider";
import {
  type DeliveryAttemptLog,
  type FlushResult,
  WebhookManager,
  type WebhookManagerOptions,
  type WebhookRecordDamaged,
} from "../../src/webhooks/webhook-manager";

describe("WebhookManager types", () => {
  it("types its events", () => {
    const manager = new WebhookManager();
    manager.on("delivery_succeeded", (log) => {
      expectTypeOf(log).toEqualTypeOf<DeliveryAttemptLog>();
    });
    manager.on("endpoint_disabled", (change) => {
      expectTypeOf(change.reason).toBeString();
    });
    manager.on("record_damaged", (damage) => {
      expectTypeOf(damage).toEqualTypeOf<WebhookRecordDamaged>();
      expectTypeOf(damage.store).toEqualTypeOf<"endpoints" | "deliveries" | "logs">();
      expectTypeOf(damage.quarantineKey).toEqualTypeOf<string | undefined>();
    });
    // @ts-expect-error unknown event names do not compile
    manager.on("delivery_done", () => undefined);
  });

  it("returns promises where I/O happens and plain values where it does not", () => {
    const manager = new WebhookManager();
    expectTypeOf(manager.triggerWebhook).returns.resolves.toHaveProperty("messageId");
    expectTypeOf(manager.registerWebhook).returns.resolves.toHaveProperty("secret");
    expectTypeOf(manager.getDeliveryLogs).returns.toEqualTypeOf<DeliveryAttemptLog[]>();
    expectTypeOf(manager.flush).returns.resolves.toEqualTypeOf<FlushResult>();
    expectTypeOf<FlushResult>().toEqualTypeOf<{ readonly scheduled: number; readonly damaged: number }>();
    expectTypeOf(manager.triggerWebhook).returns.resolves.toHaveProperty("damaged").toEqualTypeOf<number>();
    // resume() keeps the guide's shape: the number of deliveries resumed.
    expectTypeOf(manager.resume).returns.resolves.toEqualTypeOf<number>();
    expectTypeOf(manager.flush).parameter(0).toEqualTypeOf<{ timeoutMs?: number | undefined } | undefined>();
  });

  it("takes a key provider and log retention options", () => {
    expectTypeOf<WebhookManagerOptions["keyProvider"]>().toEqualTypeOf<KeyProvider | undefined>();
    expectTypeOf<WebhookManagerOptions["deliveryLogRetentionMs"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<WebhookManagerOptions["persistDeliveryLogs"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<WebhookManagerOptions["keyPrefix"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<WebhookManagerOptions["logger"]>().toEqualTypeOf<Logger | undefined>();
    // @ts-expect-error the key provider is an object implementing KeyProvider, not a key string
    new WebhookManager({ keyProvider: "v1=abc" });
  });
});
