import { describe, expect, it } from "vitest";
import {
  countDifferences,
  countSeasonalDifferences,
  isConstant,
  kpssPValue,
  kpssStatistic,
  seasonalStrength,
} from "../../../src/forecasting/arima/differencing-tests";

// A deterministic pseudo-random stream (LCG) so the series are fixed.
function noise(count: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: count }, () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32 - 0.5;
  });
}

describe("differencing tests", () => {
  it("reads the KPSS p-value off the table as R's ndiffs does (interpolated, clamped to [0.01, 0.1])", () => {
    expect(kpssPValue(0.2)).toBe(0.1);
    expect(kpssPValue(0.463)).toBeCloseTo(0.05, 12);
    expect(kpssPValue((0.463 + 0.574) / 2)).toBeCloseTo(0.0375, 12);
    expect(kpssPValue(2)).toBe(0.01);
  });

  it("KPSS: small for white noise, large for a random walk; ndiffs gives 0 and 1", () => {
    const white = noise(120, 7);
    const walk = new Float64Array(120);
    let level = 0;
    white.forEach((value, index) => {
      level += value;
      walk[index] = level;
    });
    expect(kpssStatistic(white)).toBeLessThan(0.463);
    expect(kpssStatistic(walk)).toBeGreaterThan(0.463);
    expect(countDifferences(white)).toBe(0);
    expect(countDifferences(walk)).toBe(1);
    expect(countDifferences(Float64Array.from({ length: 30 }, (_, index) => index * index))).toBe(2);
    expect(countDifferences(Float64Array.of(3, 3, 3))).toBe(0);
    expect(isConstant(Float64Array.of(1, 1, 2))).toBe(false);
  });

  it("seasonal strength: near 1 for a clean seasonal pattern, small for noise; one seasonal difference above 0.64", () => {
    const pattern = [5, -3, 8, -10, 2, 0, 4, -6, 1, 3, -2, -2];
    const seasonal = Float64Array.from(
      { length: 72 },
      (_, index) => 100 + (pattern[index % 12] as number) + noise(72, 3)[index]!,
    );
    expect(seasonalStrength(seasonal, 12)).toBeGreaterThan(0.9);
    expect(countSeasonalDifferences(seasonal, 12)).toBe(1);
    const flat = Float64Array.from(noise(72, 11), (value) => 100 + value);
    expect(seasonalStrength(flat, 12)).toBeLessThan(0.64);
    expect(countSeasonalDifferences(flat, 12)).toBe(0);
    expect(countSeasonalDifferences(seasonal.subarray(0, 10), 12)).toBe(0);
  });
});
