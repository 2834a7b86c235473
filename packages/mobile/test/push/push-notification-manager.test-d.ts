import {
  createLogPushTransport,
  type DeliveryResult,
  type DeliveryStatus,
  PushNotificationManager,
  type SendReport,
} from "@pelbiot/mobile/server";
import { describe, expectTypeOf, it } from "vitest";

describe("PushNotificationManager types", () => {
  it("types the guide's events and calls", () => {
    const push = new PushNotificationManager({ transports: { log: createLogPushTransport() } });
    push.on("notification_sent", (data) => {
      expectTypeOf(data).toEqualTypeOf<DeliveryResult>();
      expectTypeOf(data.status).toEqualTypeOf<DeliveryStatus>();
    });
    // @ts-expect-error misspelt event names do not compile
    push.on("notification_snet", () => {});
    expectTypeOf(push.sendNotification("d", { title: "t" })).resolves.toEqualTypeOf<DeliveryResult>();
    expectTypeOf(push.sendToTopic("alerts", { message: "m" })).resolves.toEqualTypeOf<SendReport>();
    // @ts-expect-error data values are strings
    void push.sendNotification("d", { data: { count: 1 } });
    // @ts-expect-error priority is "high" or "normal"
    void push.sendNotification("d", { title: "t", priority: "urgent" });
  });
});
