import { describe, expectTypeOf, it } from "vitest";
import { TypedEventEmitter } from "../../src/events/typed-event-emitter";

interface Events {
  notification_sent: [event: { deviceId: string }];
}

describe("TypedEventEmitter types", () => {
  it("checks event names and payloads at compile time", () => {
    const emitter = new TypedEventEmitter<Events>();
    emitter.on("notification_sent", (event) => {
      expectTypeOf(event).toEqualTypeOf<{ deviceId: string }>();
    });
    // @ts-expect-error unknown event name
    emitter.on("notification_snet", () => {});
    // @ts-expect-error wrong payload
    emitter.emit("notification_sent", { device: "x" });
    expectTypeOf(emitter.waitFor("notification_sent")).resolves.toEqualTypeOf<[event: { deviceId: string }]>();
  });
});
