import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContextNovelty, type ContextParameters } from "../../../src/anomaly/detectors/context-novelty";

const PARAMETERS: ContextParameters = { levelWidth: 1 / 8, orders: 6, capacity: 4096, tolerance: 0 };

describe("ContextNovelty (levels, contexts, the share of contexts that did not predict a point)", () => {
  it("is a share of the contexts in [0, 1], in steps of 1 / (contexts so far) (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (values, orders) => {
          const novelty = ContextNovelty.overRange({ ...PARAMETERS, orders }, -10, 10);
          for (const [index, value] of values.entries()) {
            const share = novelty.assess(value);
            const contexts = Math.min(index, orders);
            expect(share).toBeGreaterThanOrEqual(0);
            expect(share).toBeLessThanOrEqual(1);
            if (contexts === 0) expect(share).toBe(0);
            else expect(Math.abs(share * contexts - Math.round(share * contexts))).toBeLessThan(1e-9);
          }
        },
      ),
    );
  });

  it("learns a repeating pattern: once every context has been seen, every later cycle scores 0 (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 12 }), (cycle) => {
        const novelty = ContextNovelty.overRange(PARAMETERS, 0, 8);
        // 7 cycles cover every context of up to 6 levels the repetition has; the 8th is fully predicted.
        for (let repeat = 0; repeat < 7; repeat += 1) for (const level of cycle) novelty.assess(level + 0.5);
        for (const level of cycle) expect(novelty.assess(level + 0.5)).toBe(0);
      }),
    );
  });

  it("scores a level never reached before as 1: not even the previous level predicted it", () => {
    const novelty = ContextNovelty.overRange(PARAMETERS, 0, 8);
    for (let index = 0; index < 200; index += 1) novelty.assess(index % 2 === 0 ? 1.5 : 2.5);
    expect(novelty.assess(1.5)).toBe(0);
    // Beyond the training range: levels of their own (8 and above), not the last level of the range.
    expect(novelty.level(30)).toBe(30);
    expect(novelty.assess(30)).toBe(1);
    // The way back is new after every context holding 30; then "1 → 2" is known, but 5 of its 6 contexts hold 30.
    expect(novelty.assess(1.5)).toBe(1);
    expect(novelty.assess(2.5)).toBeCloseTo(5 / 6, 12);
  });

  it("quantises by the training range: eight levels over it, a constant history one level per eighth of its size", () => {
    const novelty = ContextNovelty.overRange(PARAMETERS, 100, 180);
    expect([100, 109.99, 110, 179.99, 180, 99, -1e300].map((value) => novelty.level(value))).toEqual([
      0, 0, 1, 7, 8, -1, -1e6,
    ]);
    const constant = ContextNovelty.overRange(PARAMETERS, 7, 7);
    expect(constant.step).toBe(1);
    expect(constant.level(7.5)).toBe(0);
    expect(constant.level(8)).toBe(1);
  });

  it("with a tolerance of one level, a neighbour of a seen successor counts as predicted", () => {
    const strict = ContextNovelty.overRange(PARAMETERS, 0, 8);
    const tolerant = ContextNovelty.overRange({ ...PARAMETERS, tolerance: 1 }, 0, 8);
    for (let index = 0; index < 20; index += 1) {
      const value = index % 2 === 0 ? 1.5 : 3.5;
      strict.assess(value);
      tolerant.assess(value);
    }
    expect(strict.assess(2.5)).toBe(1);
    expect(tolerant.assess(2.5)).toBe(0);
  });
});
