import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { TypedEventEmitter } from "../../src/events/typed-event-emitter";

interface Events {
  notification_sent: [event: { deviceId: string; notificationId: string }];
  notification_failed: [event: { deviceId: string }, error: Error];
}

describe("TypedEventEmitter", () => {
  it("delivers typed payloads to on and once listeners", () => {
    const emitter = new TypedEventEmitter<Events>();
    const seen: string[] = [];
    emitter.on("notification_sent", (event) => seen.push(`on:${event.notificationId}`));
    emitter.once("notification_sent", (event) => seen.push(`once:${event.notificationId}`));
    expect(emitter.emit("notification_sent", { deviceId: "d1", notificationId: "n1" })).toBe(true);
    emitter.emit("notification_sent", { deviceId: "d1", notificationId: "n2" });
    expect(seen).toEqual(["on:n1", "once:n1", "on:n2"]);
    expect(emitter.emit("notification_failed", { deviceId: "d1" }, new Error("x"))).toBe(false);
  });

  it("off removes a listener by the function the caller registered", () => {
    const emitter = new TypedEventEmitter<Events>();
    let count = 0;
    const listener = (): void => {
      count += 1;
    };
    emitter.on("notification_sent", listener);
    expect(emitter.listeners("notification_sent")).toEqual([listener]);
    expect(emitter.listenerCount("notification_sent")).toBe(1);
    emitter.off("notification_sent", listener);
    emitter.emit("notification_sent", { deviceId: "d", notificationId: "n" });
    expect(count).toBe(0);
    expect(emitter.listenerCount("notification_sent")).toBe(0);
    emitter.once("notification_sent", listener);
    emitter.removeListener("notification_sent", listener);
    emitter.emit("notification_sent", { deviceId: "d", notificationId: "n" });
    expect(count).toBe(0);
  });

  it("a throwing listener neither stops other listeners nor the emitter, and is reported", () => {
    const reported: Array<[unknown, PropertyKey]> = [];
    const emitter = new TypedEventEmitter<Events>({ onListenerError: (error, event) => reported.push([error, event]) });
    const boom = new Error("listener bug");
    const seen: string[] = [];
    emitter.on("notification_sent", () => {
      throw boom;
    });
    emitter.on("notification_sent", (event) => seen.push(event.deviceId));
    expect(() => emitter.emit("notification_sent", { deviceId: "d9", notificationId: "n" })).not.toThrow();
    expect(seen).toEqual(["d9"]);
    expect(reported).toEqual([[boom, "notification_sent"]]);
  });

  it("by default rethrows listener errors asynchronously", async () => {
    const emitter = new TypedEventEmitter<Events>();
    const boom = new Error("late");
    emitter.on("notification_sent", () => {
      throw boom;
    });
    const original = queueMicrotask;
    const queued: Array<() => void> = [];
    globalThis.queueMicrotask = (callback) => queued.push(callback);
    try {
      emitter.emit("notification_sent", { deviceId: "d", notificationId: "n" });
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(queued).toHaveLength(1);
    expect(() => queued[0]?.()).toThrow(boom);
  });

  it("rejects a listener that is not a function", () => {
    const emitter = new TypedEventEmitter<Events>();
    const notAFunction = "nope" as unknown as () => void;
    expect(() => emitter.on("notification_sent", notAFunction)).toThrow(/listener: must be a function/);
    expect(emitter.listenerCount("notification_sent")).toBe(0);
  });

  it("waitFor resolves with the next payload and honours abort", async () => {
    const emitter = new TypedEventEmitter<Events>();
    const next = emitter.waitFor("notification_failed");
    const error = new Error("gone");
    emitter.emit("notification_failed", { deviceId: "d2" }, error);
    await expect(next).resolves.toEqual([{ deviceId: "d2" }, error]);

    const controller = new AbortController();
    const waiting = emitter.waitFor("notification_sent", controller.signal);
    controller.abort(new PelbiotError("ABORTED", "stop"));
    await expect(waiting).rejects.toMatchObject({ code: "ABORTED" });
    expect(emitter.listenerCount("notification_sent")).toBe(0);
  });
});
