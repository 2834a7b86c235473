import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TimeSeriesForecastingEngine } from "../../src/forecasting/time-series-forecasting-engine";

const DAY = 86_400_000;

// Random series: level, trend, optional period-4 pattern, noise; sometimes crossing zero (additive forms only then).
const seriesArbitrary = fc
  .record({
    length: fc.integer({ min: 24, max: 60 }),
    level: fc.double({ min: -50, max: 500, noNaN: true }),
    slope: fc.double({ min: -2, max: 2, noNaN: true }),
    amplitude: fc.double({ min: 0, max: 20, noNaN: true }),
    noise: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 60, maxLength: 60 }),
  })
  .map(({ length, level, slope, amplitude, noise }) =>
    Array.from({ length }, (_, index) => ({
      timestamp: Date.UTC(2025, 0, 1) + index * 3 * DAY,
      value: level + slope * index + amplitude * Math.sin((Math.PI * index) / 2) + (noise[index] as number),
    })),
  );

const modelArbitrary = fc.constantFrom("auto", "ANN", "AAdN", "ANA", "MNN", "MAM", "HW-additive", "HW-multiplicative");

describe("TimeSeriesForecastingEngine properties", () => {
  it("gives finite forecasts inside nested, ordered intervals, and round-trips through JSON", () => {
    fc.assert(
      fc.property(seriesArbitrary, modelArbitrary, (points, model) => {
        const positive = points.every((point) => point.value > 0);
        fc.pre(positive || !(model.includes("M") || model === "HW-multiplicative"));
        const forecaster = new TimeSeriesForecastingEngine({
          forecastHorizon: 6,
          minDataPoints: 20,
          levels: [50, 80, 95],
          simulationPaths: 1000,
        });
        const forecast = forecaster.generateForecast("random", points, { model, seasonalPeriod: 4 });
        expect(forecast.points).toHaveLength(6);
        for (const point of forecast.points) {
          expect(Number.isFinite(point.value)).toBe(true);
          expect(point.intervals.map((interval) => interval.level)).toEqual([50, 80, 95]);
          let previous: { lower: number; upper: number } | undefined;
          for (const interval of point.intervals) {
            expect(Number.isFinite(interval.lower) && Number.isFinite(interval.upper)).toBe(true);
            expect(interval.lower).toBeLessThanOrEqual(point.value);
            expect(point.value).toBeLessThanOrEqual(interval.upper);
            if (previous) {
              expect(interval.lower).toBeLessThanOrEqual(previous.lower);
              expect(interval.upper).toBeGreaterThanOrEqual(previous.upper);
            }
            previous = interval;
          }
        }
        const restored = TimeSeriesForecastingEngine.fromJSON(JSON.parse(JSON.stringify(forecaster)));
        expect(restored.getForecast(forecast.forecastId)).toEqual(forecast);
      }),
      { numRuns: 40, seed: 20260601 },
    );
  }, 120_000);
});
