import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addValue, createAggregate, mergeAggregate, toValueStats } from "../../src/collector/window-aggregate";

// Magnitudes within a ratio of 1e9 fit the sketch's 2048 bins, where merges are exact (see SKETCH_BIN_LIMIT).
const magnitude = fc.double({ min: 1e-3, max: 1e6, noNaN: true });
const value = fc.oneof(
  fc.constant(0),
  magnitude,
  magnitude.map((item) => -item),
);
const values = fc.array(value, { maxLength: 60 });

function aggregateOf(list: readonly number[]) {
  const aggregate = createAggregate(true, 0.01);
  for (const value of list) addValue(aggregate, value);
  return aggregate;
}

describe("window aggregates", () => {
  it("merging windows equals aggregating the union", () => {
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 6 }), (windows) => {
        const merged = createAggregate(true, 0.01);
        for (const window of windows) mergeAggregate(merged, aggregateOf(window));
        const union = toValueStats(aggregateOf(windows.flat()));
        const stats = toValueStats(merged);
        expect({ ...stats, sum: 0, mean: 0 }).toEqual({ ...union, sum: 0, mean: 0 });
        expect(stats.sum).toBeCloseTo(union.sum, 3);
      }),
      { numRuns: 150 },
    );
  });

  it("keeps quantiles within the relative accuracy of the exact value of the same rank", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (list) => {
          const stats = toValueStats(aggregateOf(list));
          const sorted = [...list].sort((left, right) => left - right);
          for (const [quantile, estimate] of [
            [0.5, stats.p50],
            [0.99, stats.p99],
          ] as const) {
            const exact = sorted[Math.floor(quantile * (sorted.length - 1))] as number;
            expect(Math.abs((estimate as number) - exact)).toBeLessThanOrEqual(exact * 0.01 + 1e-9);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("mergeSketch", () => {
  it("keeps negative values, which the library's own merge drops", () => {
    const merged = createAggregate(true, 0.01);
    mergeAggregate(merged, aggregateOf([0]));
    mergeAggregate(merged, aggregateOf([-5, -5]));
    expect(toValueStats(merged).p50).toBeCloseTo(-5, 1);
  });
});
