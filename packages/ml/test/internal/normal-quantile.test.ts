import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalQuantile } from "../../src/internal/normal-quantile";

// High-precision quantiles at the exact double p, the values R's qnorm (AS 241) approximates to about 1e-16.
const reference = JSON.parse(readFileSync(new URL("./normal-quantile-reference.json", import.meta.url), "utf8")) as {
  points: [string, string][];
};

describe("normalQuantile", () => {
  it("matches high-precision quantiles to 1e-12 over (1e-12, 1 − 1e-12), tails and split points included", () => {
    expect(reference.points.length).toBeGreaterThan(600);
    let worst = 0;
    for (const [p, x] of reference.points) {
      const expected = Number(x);
      worst = Math.max(worst, Math.abs(normalQuantile(Number(p)) - expected) / Math.max(1, Math.abs(expected)));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it("gives R's qnorm values at the common levels, and scales by mean and deviation", () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 14);
    expect(normalQuantile(0.975, 10, 2)).toBeCloseTo(10 + 2 * 1.959963984540054, 13);
  });

  it("returns ±Infinity at 0 and 1 and NaN outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    for (const p of [-0.1, 1.1, Number.NaN]) expect(normalQuantile(p)).toBeNaN();
  });

  it("is odd around 0.5 and increasing", () => {
    // For p ≥ 0.5, 1 − p is exact, so the symmetry can be checked to rounding.
    const upper = fc.double({ min: 0.5, max: 1 - 1e-12, noNaN: true });
    fc.assert(
      fc.property(upper, upper, (left, right) => {
        expect(normalQuantile(1 - left)).toBeCloseTo(-normalQuantile(left), 12);
        if (left < right) expect(normalQuantile(left)).toBeLessThanOrEqual(normalQuantile(right));
      }),
    );
  });
});
