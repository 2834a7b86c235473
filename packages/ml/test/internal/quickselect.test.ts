import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { medianInPlace, selectRank, selectRanks } from "../../src/internal/quickselect";

// −0 and 0 compare equal, so quickselect may return either where a sort puts −0 first; the sample holds 0 only.
const sample = fc.array(
  fc
    .oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
    .map((value) => value + 0),
  { minLength: 1, maxLength: 300 },
);

describe("quickselect", () => {
  it("puts every requested rank where a sort puts it, duplicates and long runs included", () => {
    fc.assert(
      fc.property(sample, fc.array(fc.nat(), { maxLength: 6 }), (items, picks) => {
        const values = Float64Array.from(items);
        const sorted = Float64Array.from(items).sort();
        const ranks = [...new Set(picks.map((pick) => pick % items.length))].sort((left, right) => left - right);
        selectRanks(values, ranks);
        for (const rank of ranks) expect(values[rank]).toBe(sorted[rank]);
        // Still a permutation of the input.
        expect(Float64Array.from(values).sort()).toEqual(sorted);
      }),
    );
  });

  it("selects a single rank and the median of a prefix like a sort does", () => {
    fc.assert(
      fc.property(sample, fc.nat(), (items, pick) => {
        const length = 1 + (pick % items.length);
        const sorted = Float64Array.from(items.slice(0, length)).sort();
        const middle = length >> 1;
        const median =
          length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
        expect(medianInPlace(Float64Array.from(items), length)).toBe(median);
        expect(selectRank(Float64Array.from(items), middle, length)).toBe(sorted[middle]);
      }),
    );
  });
});
