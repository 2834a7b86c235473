// The ARIMA family of TimeSeriesForecastingEngine: model "arima", "ets+arima+theta", "auto-ensemble" and "median-ensemble".
import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { autoArima } from "../../src/forecasting/arima/auto-arima";
import { forecastArima } from "../../src/forecasting/arima/forecast-arima";
import { type Forecast, TimeSeriesForecastingEngine } from "../../src/forecasting/time-series-forecasting-engine";
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
  return new TimeSeriesForecastingEngine({ minDataPoints: 4, forecastHorizon: 8, clock: createManualClock(0) });
}

describe("TimeSeriesForecastingEngine with ARIMA", () => {
  it('model "arima" forecasts as autoArima/forecastArima with the quarterly period, named as R names it', () => {
    const forecast = engine().generateForecast("sales", pointsOf(quarterly), { model: "arima" });
    const selection = autoArima(Float64Array.from(quarterly.train), { period: 4 });
    if (!selection) throw new Error("no model");
    const direct = forecastArima(selection.best, 8);
    expect(forecast.points.map((point) => point.value)).toEqual(direct.map((step) => step.value));
    expect(forecast.points.map((point) => point.intervals)).toEqual(direct.map((step) => step.intervals));
    expect(forecast.intervalMethod).toBe("analytic");
    // R auto.arima on QNC8 (fixtures/ml/forecasting/m1/arima_reference.csv): ARIMA(0,1,0)(0,1,0)[4].
    expect(forecast.model).toMatchObject({
      method: "ARIMA",
      code: "arima",
      name: "ARIMA(0,1,0)(0,1,0)[4]",
      order: { p: 0, d: 1, q: 0, seasonalP: 0, seasonalD: 1, seasonalQ: 0 },
      constant: false,
      seasonalPeriod: 4,
      modelsTried: selection.candidates.length,
    });
    const drifting = engine().generateForecast("revenue", pointsOf(yearly), { model: "arima", forecastHorizon: 6 });
    expect(drifting.model.name).toBe("ARIMA(0,1,0) with drift");
    expect(drifting.model.method === "ARIMA" && drifting.model.intercept).toBeGreaterThan(0);
  }, 60_000);

  it('model "ets+arima+theta" is the mean of the three forecasts with the envelope of their intervals', () => {
    const forecaster = engine();
    const points = pointsOf(quarterly);
    const parts = ["auto", "arima", "theta"].map((model) => forecaster.generateForecast("sales", points, { model }));
    const combined = forecaster.generateForecast("sales", points, { model: "ets+arima+theta" });
    expect(combined.model).toMatchObject({ method: "Combination", code: "ets+arima+theta", selection: "fixed" });
    const components = combined.model.method === "Combination" ? combined.model.components : [];
    expect(components.map((component) => component.method)).toEqual(["ETS", "ARIMA", "Theta"]);
    combined.points.forEach((point, index) => {
      const values = parts.map((part) => part.points[index]?.value as number);
      expect(point.value).toBeCloseTo((values[0]! + values[1]! + values[2]!) / 3, 10);
      point.intervals.forEach((interval, position) => {
        const bounds = parts.map((part) => part.points[index]?.intervals[position]);
        expect(interval.lower).toBe(Math.min(...bounds.map((bound) => bound?.lower as number)));
        expect(interval.upper).toBe(Math.max(...bounds.map((bound) => bound?.upper as number)));
        expect(interval.lower).toBeLessThanOrEqual(point.value);
        expect(interval.upper).toBeGreaterThanOrEqual(point.value);
      });
    });
  }, 60_000);

  it('model "median-ensemble" is the middle one of the three forecasts at each step, with the envelope of their intervals', () => {
    const forecaster = engine();
    for (const series of [quarterly, yearly]) {
      const points = pointsOf(series);
      const parts = ["auto", "arima", "theta"].map((model) =>
        forecaster.generateForecast("sales", points, { model, forecastHorizon: 6 }),
      );
      const combined = forecaster.generateForecast("sales", points, { model: "median-ensemble", forecastHorizon: 6 });
      expect(combined.model).toMatchObject({ method: "Combination", code: "median-ensemble", selection: "fixed" });
      expect(combined.model.name).toMatch(/^median\(ETS.*, ARIMA\(.*, Theta\)$/);
      combined.points.forEach((point, index) => {
        const values = parts.map((part) => part.points[index]?.value as number).sort((left, right) => left - right);
        expect(point.value).toBe(values[1]);
        point.intervals.forEach((interval, position) => {
          const bounds = parts.map((part) => part.points[index]?.intervals[position]);
          expect(interval.lower).toBe(Math.min(...bounds.map((bound) => bound?.lower as number)));
          expect(interval.upper).toBe(Math.max(...bounds.map((bound) => bound?.upper as number)));
        });
      });
    }
  }, 60_000);

  it('model "auto-ensemble" returns ETS or the three-model mean, whichever cross-validated better, with the errors', () => {
    const forecaster = engine();
    for (const series of [quarterly, yearly]) {
      const points = pointsOf(series);
      const chosen = forecaster.generateForecast("x", points, { model: "auto-ensemble", forecastHorizon: 6 });
      const validation = chosen.ensembleValidation;
      if (!validation) throw new Error("no validation");
      expect(validation.origins).toBeGreaterThan(0);
      const better = validation.errors["ets+arima+theta"] < validation.errors.ets ? "ets+arima+theta" : "ets";
      expect(validation.choice).toBe(better);
      const expected = forecaster.generateForecast("x", points, {
        model: better === "ets" ? "auto" : "ets+arima+theta",
        forecastHorizon: 6,
      });
      expect(chosen.points.map((point) => point.value)).toEqual(expected.points.map((point) => point.value));
    }
  }, 60_000);

  it("keeps ARIMA and combined forecasts through toJSON / fromJSON", () => {
    const forecaster = engine();
    const stored: Forecast[] = ["arima", "ets+arima+theta", "median-ensemble"].map((model) =>
      forecaster.generateForecast("sales", pointsOf(quarterly), { model }),
    );
    const restored = TimeSeriesForecastingEngine.fromJSON(JSON.stringify(forecaster));
    for (const forecast of stored) expect(restored.getForecast(forecast.forecastId)).toEqual(forecast);
    expect(restored.toJSON()).toEqual(forecaster.toJSON());
  }, 60_000);

  it("rejects calibration and model averaging with ARIMA, and fewer than 4 points", () => {
    const forecaster = engine();
    expect(
      captureValidationIssues(() =>
        forecaster.generateForecast("revenue", pointsOf(yearly), {
          model: "arima",
          calibration: true,
          modelAveraging: true,
        }),
      ),
    ).toEqual([
      'options.calibration: is available for ETS models only; leave it out with model "arima"',
      'options.modelAveraging: combines the automatically selected ETS forms; use it with model "auto", "ets+theta", "auto-cv", "ets+arima+theta", "auto-ensemble", "median-ensemble" or "validated-ensemble" only',
    ]);
    const error = expectPelbiotError(
      () =>
        new TimeSeriesForecastingEngine({ minDataPoints: 2 }).generateForecast("x", pointsOf(yearly).slice(0, 3), {
          model: "arima",
        }),
      "INSUFFICIENT_DATA",
    );
    expect(error.details).toEqual({ got: 3, need: 4 });
  }, 60_000);
});
