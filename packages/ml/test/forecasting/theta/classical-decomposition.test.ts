import { describe, expect, it } from "vitest";
import { isSeasonalByAcf, multiplicativeSeasonalIndices } from "../../../src/forecasting/theta/classical-decomposition";

describe("classical multiplicative decomposition", () => {
  it("recovers the indices of an exactly multiplicative series with a linear trend, odd and even periods", () => {
    for (const pattern of [
      [0.8, 1.2, 1.0],
      [0.9, 1.1, 1.3, 0.7],
    ]) {
      const period = pattern.length;
      const values = Float64Array.from(
        { length: 6 * period },
        (_, time) => (50 + time) * (pattern[time % period] as number),
      );
      const indices = multiplicativeSeasonalIndices(values, period) ?? [];
      indices.forEach((value, position) => {
        expect(value).toBeCloseTo(pattern[position] as number, 2);
      });
    }
  });

  it("finds a strong season significant and white-ish noise not", () => {
    const seasonal = Float64Array.from({ length: 48 }, (_, time) => 100 + 20 * Math.sin((2 * Math.PI * time) / 12));
    expect(isSeasonalByAcf(seasonal, 12)).toBe(true);
    const flat = Float64Array.from({ length: 48 }, (_, time) => 100 + ((time * 7919) % 13) - 6);
    expect(isSeasonalByAcf(flat, 12)).toBe(false);
    // Needs more than two full seasons and a period above 1.
    expect(isSeasonalByAcf(seasonal.subarray(0, 24), 12)).toBe(false);
    expect(isSeasonalByAcf(seasonal, 1)).toBe(false);
  });
});
