import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meanOfThree, medianOfThree } from "../../src/forecasting/combine-points";

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });

describe("combine-points", () => {
  it("medianOfThree is the middle value of the sorted three, for every order (property)", () => {
    fc.assert(
      fc.property(finite, finite, finite, (a, b, c) => {
        const middle = [a, b, c].sort((left, right) => left - right)[1] as number;
        for (const [x, y, z] of [
          [a, b, c],
          [a, c, b],
          [b, a, c],
          [b, c, a],
          [c, a, b],
          [c, b, a],
        ] as const) {
          expect(medianOfThree(x, y, z)).toBe(middle);
        }
      }),
    );
  });

  it("medianOfThree ignores one value far off, where the mean follows it", () => {
    expect(medianOfThree(100, 104, 1e6)).toBe(104);
    expect(meanOfThree(100, 104, 1e6)).toBeCloseTo(333_401.33, 2);
    expect(medianOfThree(5, 5, -3)).toBe(5);
  });

  it("meanOfThree lies between the smallest and the largest (property)", () => {
    fc.assert(
      fc.property(finite, finite, finite, (a, b, c) => {
        const mean = meanOfThree(a, b, c);
        expect(mean).toBeGreaterThanOrEqual(
          Math.min(a, b, c) - 1e-9 * Math.max(1, Math.abs(a), Math.abs(b), Math.abs(c)),
        );
        expect(mean).toBeLessThanOrEqual(Math.max(a, b, c) + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b), Math.abs(c)));
      }),
    );
  });
});
