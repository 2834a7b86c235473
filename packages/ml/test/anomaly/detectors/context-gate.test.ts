import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTEXT_STATE_FIELDS, ContextGate, GATE_WINDOW } from "../../../src/anomaly/detectors/context-gate";
import type { Assessment, DetectorState } from "../../../src/anomaly/detectors/detector";
import { SurpriseDetector } from "../../../src/anomaly/detectors/surprise-detector";

const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -3, max: 3 }));

function withoutGate(state: DetectorState): DetectorState {
  return Object.fromEntries(
    Object.entries(state).filter(([field]) => !(CONTEXT_STATE_FIELDS as readonly string[]).includes(field)),
  ) as DetectorState;
}

describe("ContextGate (the default detector's gate on its likelihood)", () => {
  it("only ever lowers the default detector's score, and leaves its expected value and band alone (property)", () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 2, maxLength: 120 }),
        fc.array(value, { minLength: 1, maxLength: 200 }),
        (training, stream) => {
          const gated = SurpriseDetector.train(Float64Array.from(training), 0);
          const ungated = SurpriseDetector.restore(withoutGate(gated.toState()));
          const withGate: Assessment = { score: 0, expected: 0, scale: 0 };
          const without: Assessment = { score: 0, expected: 0, scale: 0 };
          for (const point of stream) {
            gated.assess(point, withGate);
            ungated.assess(point, without);
            expect(withGate.score).toBeLessThanOrEqual(without.score);
            expect(withGate.expected).toBe(without.expected);
            expect(withGate.scale).toBe(without.scale);
          }
        },
      ),
    );
  });

  it("round-trips through its state mid-stream and goes on deciding exactly as the original (property)", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 80 }), fc.array(value, { maxLength: 80 }), (a, b) => {
        const original = ContextGate.over(Float64Array.from(a));
        for (const point of a) original.open(point);
        const state = { kind: "auto", ...original.toState() };
        const copy = ContextGate.restore(JSON.parse(JSON.stringify(state)) as DetectorState);
        for (const point of b) expect(copy.open(point)).toBe(original.open(point));
        expect(copy.toState()).toEqual(original.toState());
      }),
    );
  });

  it("restores a gate trained from −0 to the same state (JSON has no −0)", () => {
    const original = ContextGate.over(Float64Array.from([-0]));
    original.open(-0);
    const state = { kind: "auto", ...original.toState() };
    const copy = ContextGate.restore(JSON.parse(JSON.stringify(state)) as DetectorState);
    expect(copy.toState()).toEqual(original.toState());
  });

  it(`closes after ${GATE_WINDOW} points without a new transition, and opens at the first new one`, () => {
    const gate = ContextGate.over(Float64Array.from([0, 8]));
    const pattern = [1, 5, 3];
    const opened: boolean[] = [];
    for (let index = 0; index < 60; index += 1) opened.push(gate.open(pattern[index % 3] as number));
    // The first point has no context; points 1–8 make new transitions (a context of k levels recurs 3 points
    // later, and contexts grow to 6 levels); GATE_WINDOW points after the last of them the gate is closed for good.
    expect(opened.slice(0, 9)).toEqual([false, true, true, true, true, true, true, true, true]);
    expect(opened.slice(9, 8 + GATE_WINDOW).every(Boolean)).toBe(true);
    expect(opened.slice(8 + GATE_WINDOW)).not.toContain(true);
    expect(gate.open(7)).toBe(true);
  });
});
