// model "validated-ensemble": the rule of the seasonal period over ETS, ARIMA, Theta and a random walk with drift.
import { createManualClock } from "@pelbiot/core";
import { expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combineValidatedEnsemble, driftComponent } from "../../src/forecasting/build-validated-ensemble";
import { ensembleRuleFor } from "../../src/forecasting/ensemble/ensemble-rules";
import {
  type CombinationForecastModel,
  type Forecast,
  TimeSeriesForecastingEngine,
} from "../../src/forecasting/time-series-forecasting-engine";
import { loadM1Series, type M1Series } from "./m1-protocol";
import { referenceTimestamps } from "./reference-protocol";

const [quarterly, yearly] = ["QNC8", "YAF2"].map((id) => {
  const found = loadM1Series([id])[0];
  if (!found) throw new Error(`M1 fixture ${id} missing`);
  return found;
}) as [M1Series, M1Series];

function pointsOf(series: M1Series) {
  const timestamps = referenceTimestamps(series, series.train.length);
  return series.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
}

function engine(): TimeSeriesForecastingEngine {
  return new TimeSeriesForecastingEngine({ minDataPoints: 4, forecastHorizon: 6, clock: createManualClock(0) });
}

function combinationOf(forecast: Forecast): CombinationForecastModel {
  if (forecast.model.method !== "Combination") throw new Error(`not a combination: ${forecast.model.method}`);
  return forecast.model;
}

describe('TimeSeriesForecastingEngine with model "validated-ensemble"', () => {
  it("forecasts a yearly series with the mean of ARIMA and the random walk with drift", () => {
    const forecaster = engine();
    const points = pointsOf(yearly);
    const combined = forecaster.generateForecast("revenue", points, { model: "validated-ensemble" });
    const model = combinationOf(combined);
    expect(model).toMatchObject({
      code: "validated-ensemble",
      selection: "fixed",
      seasonalPeriod: 1,
      rule: { statistic: "mean", members: ["arima", "drift"] },
    });
    expect(model.name).toBe("mean(ARIMA(0,1,0) with drift, RW with drift)");
    expect(model.components.map((component) => component.method)).toEqual(["ETS", "ARIMA", "Theta", "Drift"]);
    const arima = forecaster.generateForecast("revenue", points, { model: "arima" });
    const parts = ["auto", "arima", "theta"].map((name) =>
      forecaster.generateForecast("revenue", points, { model: name }),
    );
    // The drift written out independently: last value plus the mean step per year.
    const train = yearly.train;
    const last = train[train.length - 1] as number;
    const slope = (last - (train[0] as number)) / (train.length - 1);
    combined.points.forEach((point, index) => {
      const drift = last + slope * (index + 1);
      expect(point.value).toBeCloseTo(((arima.points[index]?.value as number) + drift) / 2, 6);
      point.intervals.forEach((interval, position) => {
        for (const part of parts) {
          const bound = part.points[index]?.intervals[position];
          expect(interval.lower).toBeLessThanOrEqual(bound?.lower as number);
          expect(interval.upper).toBeGreaterThanOrEqual(bound?.upper as number);
        }
        expect(interval.lower).toBeLessThanOrEqual(point.value);
        expect(interval.upper).toBeGreaterThanOrEqual(point.value);
      });
    });
  }, 60_000);

  it("forecasts a seasonal series with the rule of its period, over the same components", () => {
    const forecaster = engine();
    const points = pointsOf(quarterly);
    const combined = forecaster.generateForecast("sales", points, { model: "validated-ensemble", forecastHorizon: 8 });
    const model = combinationOf(combined);
    const rule = ensembleRuleFor(4);
    expect(model.rule).toEqual({ statistic: rule.statistic, members: [...rule.members] });
    expect(model.seasonalPeriod).toBe(4);
    const byMember = {
      ets: forecaster.generateForecast("sales", points, { model: "auto", forecastHorizon: 8 }),
      arima: forecaster.generateForecast("sales", points, { model: "arima", forecastHorizon: 8 }),
      theta: forecaster.generateForecast("sales", points, { model: "theta", forecastHorizon: 8 }),
    };
    const drift = driftComponent(Float64Array.from(quarterly.train), 8, [80, 95], 4);
    combined.points.forEach((point, index) => {
      const values = rule.members
        .map((member) =>
          member === "drift"
            ? (drift.steps[index]?.value as number)
            : (byMember[member].points[index]?.value as number),
        )
        .sort((left, right) => left - right);
      const middle = values.length >> 1;
      const expected =
        rule.statistic === "mean"
          ? values.reduce((sum, value) => sum + value, 0) / values.length
          : values.length % 2 === 1
            ? (values[middle] as number)
            : ((values[middle - 1] as number) + (values[middle] as number)) / 2;
      expect(point.value).toBeCloseTo(expected, 8);
    });
  }, 60_000);

  it("keeps its forecasts through toJSON / fromJSON", () => {
    const forecaster = engine();
    const stored = [yearly, quarterly].map((series) =>
      forecaster.generateForecast(series.id, pointsOf(series), { model: "validated-ensemble" }),
    );
    const restored = TimeSeriesForecastingEngine.fromJSON(JSON.stringify(forecaster));
    for (const forecast of stored) expect(restored.getForecast(forecast.forecastId)).toEqual(forecast);
    expect(restored.toJSON()).toEqual(forecaster.toJSON());
  }, 60_000);

  it("needs at least 4 points, as ARIMA and Theta do", () => {
    const error = expectPelbiotError(
      () =>
        new TimeSeriesForecastingEngine({ minDataPoints: 2 }).generateForecast("x", pointsOf(yearly).slice(0, 3), {
          model: "validated-ensemble",
        }),
      "INSUFFICIENT_DATA",
    );
    expect(error.details).toEqual({ got: 3, need: 4 });
  });

  it("puts every point inside its intervals and the intervals around every component's (any component forecasts)", () => {
    const step = fc.record({
      value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      half80: fc.double({ min: 0, max: 1e5, noNaN: true }),
      extra95: fc.double({ min: 0, max: 1e5, noNaN: true }),
    });
    const series = fc.array(fc.tuple(step, step, step), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        series,
        fc.constantFrom(1, 4, 12),
        fc.array(fc.double({ min: 1, max: 1e3, noNaN: true }), { minLength: 5, maxLength: 30 }),
        (steps, period, history) => {
          const build = (index: 0 | 1 | 2, method: string): Forecast =>
            ({
              forecastId: "f",
              name: "s",
              createdAt: 0,
              trainingPoints: history.length,
              horizon: steps.length,
              levels: [80, 95],
              intervalMethod: "analytic",
              model: { method, name: method, seasonalPeriod: period },
              points: steps.map((entry, position) => {
                const { value, half80, extra95 } = entry[index];
                return {
                  step: position + 1,
                  timestamp: position,
                  value,
                  intervals: [
                    { level: 80, lower: value - half80, upper: value + half80 },
                    { level: 95, lower: value - half80 - extra95, upper: value + half80 + extra95 },
                  ],
                };
              }),
            }) as unknown as Forecast;
          const parts = [build(0, "ETS"), build(1, "ARIMA"), build(2, "Theta")] as const;
          const drift = driftComponent(Float64Array.from(history), steps.length, [80, 95], period);
          const combined = combineValidatedEnsemble(parts[0], parts[1], parts[2], drift, period);
          const rule = ensembleRuleFor(period);
          combined.points.forEach((point, index) => {
            const members = rule.members.map((member) =>
              member === "drift"
                ? (drift.steps[index]?.value as number)
                : (parts[["ets", "arima", "theta"].indexOf(member)]?.points[index]?.value as number),
            );
            expect(point.value).toBeGreaterThanOrEqual(Math.min(...members) - 1e-6);
            expect(point.value).toBeLessThanOrEqual(Math.max(...members) + 1e-6);
            point.intervals.forEach((interval, position) => {
              expect(interval.lower).toBeLessThanOrEqual(point.value + 1e-6);
              expect(interval.upper).toBeGreaterThanOrEqual(point.value - 1e-6);
              for (const part of parts) {
                expect(interval.lower).toBeLessThanOrEqual(part.points[index]?.intervals[position]?.lower as number);
                expect(interval.upper).toBeGreaterThanOrEqual(part.points[index]?.intervals[position]?.upper as number);
              }
            });
          });
        },
      ),
    );
  });
});
