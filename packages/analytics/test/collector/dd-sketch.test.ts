import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DDSketch } from "../../src/collector/dd-sketch";
import { sketchFromJson, sketchToJson } from "../../src/collector/sketch-codec";

const ACCURACY = 0.01;
// Magnitudes over 15 decades (and zero): within the range 2048 bins cover at α = 1 % (a ratio of about 6·10^17),
// so no bin is collapsed and every guarantee holds exactly.
const magnitude = fc.double({ min: 1e-6, max: 1e9, noNaN: true });
const values = fc.array(
  fc.oneof(
    magnitude,
    magnitude.map((value) => -value),
    fc.constant(0),
  ),
  {
    minLength: 1,
    maxLength: 300,
  },
);
const quantile = fc.double({ min: 0, max: 1, noNaN: true });

function sketchOf(items: readonly number[], binLimit = 2048): DDSketch {
  const sketch = new DDSketch(ACCURACY, binLimit);
  for (const value of items) sketch.accept(value);
  return sketch;
}

/** Whether `estimate` is within the relative accuracy of a value between the two values next to rank q·(n − 1). */
function withinAccuracy(sorted: readonly number[], q: number, estimate: number): boolean {
  const rank = q * (sorted.length - 1);
  const low = sorted[Math.floor(rank)] ?? Number.NaN;
  const high = sorted[Math.ceil(rank)] ?? Number.NaN;
  const slack = 1e-12;
  return estimate >= low - ACCURACY * Math.abs(low) - slack && estimate <= high + ACCURACY * Math.abs(high) + slack;
}

describe("DDSketch", () => {
  it("answers every quantile within the relative accuracy of the exact value of that rank", () => {
    fc.assert(
      fc.property(values, quantile, (items, q) => {
        const sorted = [...items].sort((left, right) => left - right);
        expect(withinAccuracy(sorted, q, sketchOf(items).getValueAtQuantile(q))).toBe(true);
      }),
    );
  });

  it("merges into exactly the sketch of the union, negative values included", () => {
    fc.assert(
      fc.property(values, values, (left, right) => {
        const merged = sketchOf(left);
        merged.merge(sketchOf(right));
        expect(sketchToJson(merged)).toEqual(sketchToJson(sketchOf([...left, ...right])));
        expect(merged.count).toBe(left.length + right.length);
      }),
    );
  });

  it("keeps at most binLimit bins per sign, collapsing the lowest, and stays accurate above them", () => {
    fc.assert(
      fc.property(fc.array(magnitude, { minLength: 1, maxLength: 300 }), (items) => {
        const sketch = sketchOf(items, 16);
        const bins = sketch.positive.entries();
        expect(bins.length).toBeLessThanOrEqual(16);
        expect((bins.at(-1)?.[0] ?? 0) - (bins[0]?.[0] ?? 0)).toBeLessThan(16);
        expect(sketch.count).toBe(items.length);
        expect(
          withinAccuracy(
            [...items].sort((left, right) => left - right),
            1,
            sketch.getValueAtQuantile(1),
          ),
        ).toBe(true);
      }),
    );
  });

  it("counts zero and values too small to index as zero, and answers NaN when empty or out of range", () => {
    const sketch = sketchOf([0, -0, 1e-320, 5]);
    expect(sketch.zeroCount).toBe(3);
    expect(sketch.getValueAtQuantile(0)).toBe(0);
    expect(sketch.getValueAtQuantile(1)).toBeCloseTo(5, 1);
    expect(new DDSketch(ACCURACY, 2048).getValueAtQuantile(0.5)).toBeNaN();
    expect(sketch.getValueAtQuantile(1.5)).toBeNaN();
  });

  it("maps a value to the bin ⌈log_γ x⌉, with γ = (1 + α) / (1 − α)", () => {
    const sketch = new DDSketch(ACCURACY, 2048);
    const gamma = (1 + ACCURACY) / (1 - ACCURACY);
    // log_γ(100) = ln 100 / ln γ = 4.60517 / 0.0200027 = 230.23…, so bin 231.
    expect(sketch.key(100)).toBe(231);
    expect(sketch.value(231)).toBeCloseTo((2 * gamma ** 231) / (1 + gamma), 6);
    expect(Math.abs(sketch.value(231) - 100) / 100).toBeLessThanOrEqual(ACCURACY);
  });

  it("survives its JSON form", () => {
    fc.assert(
      fc.property(values, quantile, (items, q) => {
        const sketch = sketchOf(items);
        const restored = sketchFromJson(JSON.parse(JSON.stringify(sketchToJson(sketch))), ACCURACY);
        expect(restored.count).toBe(sketch.count);
        expect(restored.getValueAtQuantile(q)).toBe(sketch.getValueAtQuantile(q));
      }),
    );
  });
});
