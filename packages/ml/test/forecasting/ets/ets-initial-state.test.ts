import { describe, expect, it } from "vitest";
import { etsInitialState } from "../../../src/forecasting/ets/ets-initial-state";

describe("etsInitialState", () => {
  it("recovers an exact additive pattern, level and slope (R's decomposition heuristic)", () => {
    const pattern = [3, -1, -2, 0];
    const values = Array.from({ length: 24 }, (_, index) => 10 + 2 * (index + 1) + (pattern[index % 4] as number));
    const start = etsInitialState(values, "A", "A", 4);
    expect(start.level).toBeCloseTo(10, 8);
    expect(start.trend).toBeCloseTo(2, 8);
    // Newest first: the period before t = 1 is phase 3 (0), then phase 2 (−2) and phase 1 (−1).
    expect(start.seasonal.map((value) => Number(value.toFixed(8)))).toEqual([0, -2, -1]);
  });

  it("falls back to a harmonic regression below three seasons", () => {
    const values = Array.from({ length: 20 }, (_, index) => 50 + 5 * Math.cos((2 * Math.PI * (index + 1)) / 12));
    const start = etsInitialState(values, "N", "M", 12);
    expect(start.seasonal).toHaveLength(11);
    expect(start.level).toBeCloseTo(50, 6);
  });
});
