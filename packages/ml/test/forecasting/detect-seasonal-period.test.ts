import { describe, expect, it } from "vitest";
import { detectSeasonalPeriod } from "../../src/forecasting/detect-seasonal-period";
import { createRandom } from "../../src/random/create-random";
import { loadReferenceSeries } from "./reference-protocol";

describe("detectSeasonalPeriod", () => {
  it("finds the period of a noisy trending seasonal series", () => {
    const random = createRandom(5);
    for (const period of [4, 7, 12, 24]) {
      const values = Array.from(
        { length: period * 8 },
        (_, index) => 0.5 * index + 10 * Math.sin((2 * Math.PI * index) / period) + random.normal(),
      );
      expect(detectSeasonalPeriod(values), `period ${period}`).toBe(period);
    }
  });

  it("finds 12 in the monthly reference series AirPassengers and nottem", () => {
    const series = loadReferenceSeries();
    for (const id of ["AirPassengers", "nottem"]) {
      expect(detectSeasonalPeriod(series.find((entry) => entry.id === id)?.train ?? []), id).toBe(12);
    }
  });

  it("returns 1 for white noise, constants and very short series", () => {
    const random = createRandom(6);
    expect(detectSeasonalPeriod(Array.from({ length: 200 }, () => random.normal()))).toBe(1);
    expect(detectSeasonalPeriod(new Array(50).fill(3))).toBe(1);
    expect(detectSeasonalPeriod([1, 2, 3])).toBe(1);
  });
});
