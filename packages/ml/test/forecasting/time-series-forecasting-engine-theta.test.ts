// The Theta family of TimeSeriesForecastingEngine: model "theta", "ets+theta" and "auto-cv".
import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { fitTheta } from "../../src/forecasting/theta/fit-theta";
import { forecastTheta } from "../../src/forecasting/theta/forecast-theta";
import { type Forecast, TimeSeriesForecastingEngine } from "../../src/forecasting/time-series-forecasting-engine";
import { loadM1Series, type M1Series } from "./m1-protocol";
import { referenceTimestamps } from "./reference-protocol";

const m1 = loadM1Series(["MNB60", "YAF2"]);
const found = {
  monthly: m1.find((series) => series.id === "MNB60"),
  yearly: m1.find((series) => series.id === "YAF2"),
};
if (!found.monthly || !found.yearly) throw new Error("M1 fixtures missing");
const monthly: M1Series = found.monthly;
const yearly: M1Series = found.yearly;

function pointsOf(series: M1Series) {
  const timestamps = referenceTimestamps(series, series.train.length);
  return series.train.map((value, index) => ({ timestamp: timestamps[index] as number, value }));
}

function engine(): TimeSeriesForecastingEngine {
  return new TimeSeriesForecastingEngine({ minDataPoints: 4, forecastHorizon: 18, clock: createManualClock(0) });
}

describe("TimeSeriesForecastingEngine with Theta", () => {
  it('model "theta" forecasts as fitTheta/forecastTheta with the monthly period and continues the calendar', () => {
    const forecast = engine().generateForecast("sales", pointsOf(monthly), { model: "theta" });
    const direct = forecastTheta(fitTheta(Float64Array.from(monthly.train), { period: 12 }), 18);
    expect(forecast.points.map((point) => point.value)).toEqual(direct.map((step) => step.value));
    expect(forecast.points.map((point) => point.intervals)).toEqual(direct.map((step) => step.intervals));
    expect(forecast.intervalMethod).toBe("analytic");
    expect(forecast.model).toMatchObject({ method: "Theta", code: "theta", selection: "fixed", seasonalPeriod: 12 });
    expect(forecast.model.method === "Theta" && forecast.model.seasonal).toBe(true);
    const last = pointsOf(monthly).at(-1)?.timestamp as number;
    const next = new Date(last);
    next.setUTCMonth(next.getUTCMonth() + 1);
    expect(forecast.points[0]?.timestamp).toBe(next.getTime());
  });

  it('model "ets+theta" averages the automatic ETS and Theta points and takes the envelope of their intervals', () => {
    const forecaster = engine();
    const ets = forecaster.generateForecast("sales", pointsOf(monthly));
    const theta = forecaster.generateForecast("sales", pointsOf(monthly), { model: "theta" });
    const combined = forecaster.generateForecast("sales", pointsOf(monthly), { model: "ets+theta" });
    expect(combined.model.method).toBe("Combination");
    if (combined.model.method !== "Combination") return;
    expect(combined.model.components.map((component) => component.method)).toEqual(["ETS", "Theta"]);
    expect(combined.model.components[0]).toEqual(ets.model);
    combined.points.forEach((point, index) => {
      const left = ets.points[index];
      const right = theta.points[index];
      expect(point.value).toBeCloseTo(((left?.value as number) + (right?.value as number)) / 2, 9);
      point.intervals.forEach((interval, position) => {
        expect(interval.lower).toBe(
          Math.min(left?.intervals[position]?.lower as number, right?.intervals[position]?.lower as number),
        );
        expect(interval.upper).toBe(
          Math.max(left?.intervals[position]?.upper as number, right?.intervals[position]?.upper as number),
        );
        expect(interval.lower).toBeLessThanOrEqual(point.value);
        expect(interval.upper).toBeGreaterThanOrEqual(point.value);
      });
    });
  });

  it('model "auto-cv" reports its rolling-origin errors and forecasts with the family they favour', () => {
    const forecaster = engine();
    const chosen = forecaster.generateForecast("sales", pointsOf(monthly), { model: "auto-cv" });
    const validation = chosen.validation;
    expect(validation).toMatchObject({ origins: 3, horizon: 18 });
    if (!validation) return;
    const errors = validation.errors;
    expect(errors[validation.choice]).toBe(Math.min(errors.ets, errors.theta, errors["ets+theta"]));
    const model = { ets: "auto", theta: "theta", "ets+theta": "ets+theta" }[validation.choice];
    const fixed = forecaster.generateForecast("sales", pointsOf(monthly), { model });
    expect(chosen.points).toEqual(fixed.points);
  });

  it('model "auto-cv" falls back to the combination when the series is too short to validate', () => {
    const short = pointsOf(yearly).slice(0, 9);
    const forecast = engine().generateForecast("revenue", short, { model: "auto-cv", forecastHorizon: 6 });
    expect(forecast.validation).toMatchObject({ choice: "ets+theta", origins: 0 });
    expect(forecast.model.method).toBe("Combination");
    expect(forecast.model.method === "Combination" && forecast.model.selection).toBe("cross-validation");
  });

  it("stores Theta and combined forecasts through toJSON/fromJSON", () => {
    const forecaster = engine();
    const stored: Forecast[] = ["theta", "ets+theta", "auto-cv"].map((model) =>
      forecaster.generateForecast(model, pointsOf(yearly), { model, forecastHorizon: 6 }),
    );
    const restored = TimeSeriesForecastingEngine.fromJSON(JSON.stringify(forecaster));
    for (const forecast of stored) expect(restored.getForecast(forecast.forecastId)).toEqual(forecast);
    expect(restored.toJSON()).toEqual(forecaster.toJSON());
  });

  it("rejects calibration and model averaging with Theta, and fewer than 4 points", () => {
    const forecaster = engine();
    const points = pointsOf(yearly);
    expect(
      captureValidationIssues(() =>
        forecaster.generateForecast("revenue", points, { model: "theta", calibration: true, modelAveraging: true }),
      ),
    ).toEqual([
      'options.calibration: is available for ETS models only; leave it out with model "theta"',
      'options.modelAveraging: combines the automatically selected ETS forms; use it with model "auto", "ets+theta", "auto-cv", "ets+arima+theta", "auto-ensemble", "median-ensemble" or "validated-ensemble" only',
    ]);
    expect(
      captureValidationIssues(() => forecaster.generateForecast("revenue", points, { model: "thetaf" }))[0],
    ).toMatch(
      /"thetaf" is not a known model; .*"theta", "ets\+theta", "auto-cv", "arima", "ets\+arima\+theta", "auto-ensemble", "median-ensemble", "validated-ensemble"$/,
    );
    const error = expectPelbiotError(
      () =>
        new TimeSeriesForecastingEngine({ minDataPoints: 2 }).generateForecast("x", points.slice(0, 3), {
          model: "theta",
        }),
      "INSUFFICIENT_DATA",
    );
    expect(error.details).toEqual({ got: 3, need: 4 });
  });
});
