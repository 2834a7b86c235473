import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  difference,
  differencingPolynomial,
  integrate,
  multiplyPolynomials,
} from "../../../src/forecasting/arima/difference";

const series = fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 30, maxLength: 60 });

describe("difference / integrate", () => {
  it("differences by the lag, pass by pass", () => {
    expect(Array.from(difference(Float64Array.of(1, 4, 9, 16, 25), 1, 1))).toEqual([3, 5, 7, 9]);
    expect(Array.from(difference(Float64Array.of(1, 4, 9, 16, 25), 1, 2))).toEqual([2, 2, 2]);
    expect(Array.from(difference(Float64Array.of(1, 2, 3, 5, 7, 9), 3, 1))).toEqual([4, 5, 6]);
    expect(difference(Float64Array.of(1, 2), 4, 1).length).toBe(0);
  });

  it("builds (1 − B)^d (1 − B^m)^D", () => {
    expect(differencingPolynomial(1, 0, 4)).toEqual([1, -1]);
    expect(differencingPolynomial(2, 0, 4)).toEqual([1, -2, 1]);
    expect(differencingPolynomial(1, 1, 4)).toEqual([1, -1, 0, 0, -1, 1]);
    expect(multiplyPolynomials([1, 2], [3, 4])).toEqual([3, 10, 8]);
  });

  it("round trip: integrating the differences of a continuation gives the continuation back", () => {
    fc.assert(
      fc.property(
        series,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 1 }),
        fc.constantFrom(1, 4, 12),
        (values, d, seasonalD, period) => {
          const all = Float64Array.from(values);
          const split = 20;
          const polynomial = differencingPolynomial(d, seasonalD, period);
          const differenced = difference(difference(all, period, seasonalD), 1, d);
          const order = d + seasonalD * period;
          // differenced[t − order] belongs to all[t]; take the part after the split.
          const after = differenced.subarray(split - order);
          const rebuilt = integrate(all.subarray(0, split), after, polynomial);
          rebuilt.forEach((value, index) => {
            expect(value).toBeCloseTo(all[split + index] as number, 6);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
