import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortedQuantile } from "../../../src/forecasting/ets/forecast-ets";
import { sampleQuantiles } from "../../../src/forecasting/ets/sample-quantiles";

// The reference: a full sort followed by the type-7 interpolation, which sampleQuantiles must reproduce bit for bit.
function bySorting(sample: Float64Array, probabilities: readonly number[]): number[] {
  const sorted = Float64Array.from(sample).sort();
  return probabilities.map((probability) => sortedQuantile(sorted, probability));
}

describe("sampleQuantiles", () => {
  it("interpolates between order statistics like R's type 7", () => {
    expect(sampleQuantiles(Float64Array.of(4, 1, 3, 2), [0.5, 0, 1, 0.25])).toEqual([2.5, 1, 4, 1.75]);
  });

  it("gives exactly the quantiles of the sorted sample for any sample and probabilities", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 3 })), {
          minLength: 1,
          maxLength: 400,
        }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (values, probabilities) => {
          const sample = Float64Array.from(values);
          const expected = bySorting(sample, probabilities);
          expect(sampleQuantiles(sample, probabilities)).toEqual(expected);
          // The sample is only permuted.
          expect(Float64Array.from(sample).sort()).toEqual(Float64Array.from(values).sort());
        },
      ),
      { seed: 20261126, numRuns: 300 },
    );
  });

  it("matches the sorted quantiles of simulated-size samples at the interval levels", () => {
    let state = 12345;
    const sample = new Float64Array(5000);
    for (let index = 0; index < sample.length; index += 1) {
      state = (state * 1103515245 + 12345) % 2147483648;
      sample[index] = Math.tan((state / 2147483648 - 0.5) * 3);
    }
    const probabilities = [0.1, 0.9, 0.025, 0.975];
    expect(sampleQuantiles(Float64Array.from(sample), probabilities)).toEqual(bySorting(sample, probabilities));
  });

  it("ranks NaN last, as sorting does", () => {
    const sample = Float64Array.of(3, Number.NaN, 1, 2);
    expect(sampleQuantiles(Float64Array.from(sample), [0, 0.5, 2 / 3])).toEqual(bySorting(sample, [0, 0.5, 2 / 3]));
    expect(sampleQuantiles(Float64Array.from(sample), [1])).toEqual([Number.NaN]);
  });
});
