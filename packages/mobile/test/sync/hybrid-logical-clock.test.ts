import { createManualClock } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHybridLogicalClock, parseHlc } from "../../src/sync/hybrid-logical-clock";

describe("createHybridLogicalClock", () => {
  it("issues strictly increasing timestamps even when the wall clock stalls or goes back", () => {
    const clock = createManualClock(1_000);
    const hlc = createHybridLogicalClock({ nodeId: "a", clock });
    const first = hlc.now();
    const second = hlc.now();
    clock.setTime(500);
    const third = hlc.now();
    expect(first < second && second < third).toBe(true);
    expect(parseHlc(first)).toEqual({ wallMs: 1_000, counter: 0, nodeId: "a" });
    expect(parseHlc(third)).toEqual({ wallMs: 1_000, counter: 2, nodeId: "a" });
  });

  it("orders local events after received remote ones", () => {
    const clock = createManualClock(1_000);
    const device = createHybridLogicalClock({ nodeId: "device", clock });
    const server = createHybridLogicalClock({ nodeId: "server", clock: createManualClock(5_000) });
    const remote = server.now();
    device.receive(remote);
    expect(device.now() > remote).toBe(true);
  });

  it("refuses remote timestamps too far in the future and malformed ones, leaving the clock unchanged", () => {
    const clock = createManualClock(0);
    const hlc = createHybridLogicalClock({ nodeId: "a", clock, maxDriftMs: 1_000 });
    const far = createHybridLogicalClock({ nodeId: "b", clock: createManualClock(10_000) }).now();
    expect(() => hlc.receive(far)).toThrow(/ahead of this device's clock/);
    expect(() => hlc.receive("yesterday")).toThrow(/timestamp: must be a hybrid-logical-clock timestamp/);
    expect(parseHlc(hlc.now())?.wallMs).toBe(0);
    expect(() => createHybridLogicalClock({ nodeId: "" })).toThrow(/options.nodeId/);
  });

  it("sorts lexicographically in causal order for any interleaving and clock skew", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -5, max: 50 })), { maxLength: 60 }), (steps) => {
        const clocks = { a: createManualClock(1_000), b: createManualClock(1_000) };
        const nodes = {
          a: createHybridLogicalClock({ nodeId: "a", clock: clocks.a }),
          b: createHybridLogicalClock({ nodeId: "b", clock: clocks.b }),
        };
        const lastOf = { a: "", b: "" };
        for (const [fromA, drift] of steps) {
          const [from, to] = fromA ? (["a", "b"] as const) : (["b", "a"] as const);
          clocks[from].setTime(Math.max(0, clocks[from].now() + drift));
          const sent = nodes[from].now();
          expect(sent > lastOf[from]).toBe(true); // each node's own stamps only grow
          nodes[to].receive(sent);
          const after = nodes[to].now();
          expect(after > sent).toBe(true); // an event caused by a message sorts after it
          expect(after > lastOf[to]).toBe(true);
          lastOf[from] = sent;
          lastOf[to] = after;
        }
      }),
    );
  });
});

describe("parseHlc limits", () => {
  it("refuses stamps whose time does not fit a number exactly, or whose node id is too long or not well-formed", () => {
    expect(parseHlc("0000lmn3k2a-00000-device-1")).toEqual({ wallMs: 47081482066, counter: 0, nodeId: "device-1" });
    expect(parseHlc("zzzzzzzzzzz-00000-device-1")).toBeUndefined();
    expect(parseHlc("0000lmn3k2a-00000-dev\uD800")).toBeUndefined();
    expect(parseHlc(`0000lmn3k2a-00000-${"n".repeat(201)}`)).toBeUndefined();
    expect(parseHlc(`0000lmn3k2a-00000-${"n".repeat(200)}`)).toBeDefined();
    expect(() => createHybridLogicalClock({ nodeId: "\uDC00" })).toThrow(/options.nodeId: must be well-formed/);
  });
});
