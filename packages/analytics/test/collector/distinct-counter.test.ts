import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDistinct,
  createDistinctCounter,
  decodeDistinct,
  encodeDistinct,
  estimateDistinct,
  mergeDistinct,
} from "../../src/collector/distinct-counter";

describe("distinct counter", () => {
  it("merging counters equals counting the union", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { maxLength: 40 }), { maxLength: 5 }), (groups) => {
        const merged = createDistinctCounter();
        for (const group of groups) {
          const counter = createDistinctCounter();
          for (const value of group) addDistinct(counter, value);
          mergeDistinct(merged, counter);
        }
        const union = createDistinctCounter();
        for (const value of groups.flat()) addDistinct(union, value);
        // Compared as text: a deep equality over 4096 registers per run is slow.
        expect(encodeDistinct(merged)).toBe(encodeDistinct(union));
      }),
      { numRuns: 60 },
    );
  });

  it.each([10, 1000, 100_000])("estimates %i distinct values within 4 %", (size) => {
    const counter = createDistinctCounter();
    for (let index = 0; index < size; index += 1) addDistinct(counter, `user-${index}`);
    expect(Math.abs(estimateDistinct(counter) / size - 1)).toBeLessThanOrEqual(0.04);
  });

  it("round-trips through base64 and rejects other text", () => {
    const counter = createDistinctCounter();
    addDistinct(counter, "a");
    expect(decodeDistinct(encodeDistinct(counter))).toEqual(counter);
    expect(decodeDistinct("not base64!")).toBeUndefined();
    expect(decodeDistinct("AAAA")).toBeUndefined();
  });
});
