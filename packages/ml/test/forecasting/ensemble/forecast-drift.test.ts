import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitDrift, forecastDrift } from "../../../src/forecasting/ensemble/forecast-drift";

describe("fitDrift / forecastDrift", () => {
  it("reproduces R's rwf(drift = TRUE) points and 80/95 % intervals", () => {
    const values = Float64Array.from([10, 12, 13, 15, 14, 17, 21, 20]);
    const fit = fitDrift(values, 1);
    expect(fit.seasonal).toBe(false);
    expect(fit.drift).toBeCloseTo(10 / 7, 12);
    const steps = forecastDrift(fit, 3, [80, 95]);
    // R 4.2.2, forecast 8.20: rwf(c(10,12,13,15,14,17,21,20), drift = TRUE, h = 3, level = c(80, 95))
    const reference = [
      [21.428571428571, 18.822242600127, 24.034900257016, 17.442535460172, 25.414607396971],
      [22.857142857143, 18.947649614476, 26.766636099809, 16.878088904544, 28.836196809742],
      [24.285714285714, 19.238580212062, 29.332848359367, 16.566788824217, 32.004639747212],
    ];
    steps.forEach((step, index) => {
      const [value, lower80, upper80, lower95, upper95] = reference[index] as number[];
      expect(step.step).toBe(index + 1);
      expect(step.value).toBeCloseTo(value as number, 9);
      expect(step.intervals[0]).toMatchObject({ level: 80 });
      expect(step.intervals[0]?.lower).toBeCloseTo(lower80 as number, 9);
      expect(step.intervals[0]?.upper).toBeCloseTo(upper80 as number, 9);
      expect(step.intervals[1]?.lower).toBeCloseTo(lower95 as number, 9);
      expect(step.intervals[1]?.upper).toBeCloseTo(upper95 as number, 9);
    });
  });

  it("adjusts a seasonal series by Theta's rule and multiplies the forecast back by the step's index", () => {
    const indices = [0.8, 1.1, 1.3, 0.8];
    const values = Float64Array.from({ length: 24 }, (_, time) => (100 + 2 * time) * (indices[time % 4] as number));
    const fit = fitDrift(values, 4);
    expect(fit.seasonal).toBe(true);
    // Classical decomposition recovers the indices up to the trend's leakage into the moving average (< 1 %).
    fit.seasonalIndices.forEach((index, position) => {
      expect(Math.abs(index / (indices[(24 + position) % 4] as number) - 1)).toBeLessThan(0.01);
    });
    const steps = forecastDrift(fit, 8, [95]);
    steps.forEach((step) => {
      const index = fit.seasonalIndices[(step.step - 1) % 4] as number;
      expect(step.value).toBeCloseTo((fit.last + fit.drift * step.step) * index, 9);
      expect(step.intervals[0]?.lower).toBeLessThan(step.value);
      const time = 23 + step.step;
      expect(Math.abs(step.value / ((100 + 2 * time) * (indices[time % 4] as number)) - 1)).toBeLessThan(0.01);
    });
  });

  it("keeps its invariants on any series: nested intervals around the point, widening with the horizon", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 3, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (series, horizon) => {
          const steps = forecastDrift(fitDrift(Float64Array.from(series), 1), horizon, [80, 95]);
          expect(steps).toHaveLength(horizon);
          let previousWidth = -1;
          for (const step of steps) {
            const inner = step.intervals[0] as { lower: number; upper: number };
            const outer = step.intervals[1] as { lower: number; upper: number };
            expect(outer.lower).toBeLessThanOrEqual(inner.lower);
            expect(inner.lower).toBeLessThanOrEqual(step.value);
            expect(step.value).toBeLessThanOrEqual(inner.upper);
            expect(inner.upper).toBeLessThanOrEqual(outer.upper);
            const width = outer.upper - outer.lower;
            expect(width).toBeGreaterThanOrEqual(previousWidth);
            previousWidth = width;
          }
          const last = series[series.length - 1] as number;
          const slope = (last - (series[0] as number)) / (series.length - 1);
          expect(steps[0]?.value).toBeCloseTo(last + slope, 6);
        },
      ),
    );
  });
});
