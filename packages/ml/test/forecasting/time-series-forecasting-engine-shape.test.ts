import { readFileSync } from "node:fs";
import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { TimeSeriesForecastingEngine } from "../../src/forecasting/time-series-forecasting-engine";

// Written by the previous release's toJSON(): one ETS(A,N,N) forecast of 48 hourly points, no `format` field.
const previousRelease = readFileSync(
  new URL("./fixtures/time-series-forecasting-engine-v1.json", import.meta.url),
  "utf8",
);
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);

function hourly(length: number) {
  return Array.from({ length }, (_, index) => ({
    timestamp: START + index * HOUR,
    value: 20 + 5 * Math.sin((2 * Math.PI * index) / 24) + ((index * 7919) % 5),
  }));
}

/** A NAB file as NAB ships it (timestamps without a zone, read as UTC). */
function loadNab(name: string): { timestamp: number; value: number }[] {
  const text = readFileSync(new URL(`../../../../fixtures/ml/anomaly/nab/${name}.csv`, import.meta.url), "utf8");
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [time = "", value = ""] = line.split(",");
      return { timestamp: Date.parse(`${time.replace(" ", "T")}Z`), value: Number(value) };
    });
}

describe("TimeSeriesForecastingEngine options", () => {
  it("rejects misspelt engine and call options, naming the nearest accepted one", () => {
    expect(captureValidationIssues(() => new TimeSeriesForecastingEngine({ forecastHorizn: 5 } as never))[0]).toMatch(
      /^options\.forecastHorizn: "forecastHorizn" is not a known option \(did you mean "forecastHorizon"\?\); accepted: /,
    );
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 2, minDataPoints: 10 });
    expect(
      captureValidationIssues(() => forecaster.generateForecast("x", hourly(48), { seasonalPeriods: 24 } as never))[0],
    ).toMatch(/^options\.seasonalPeriods: .*did you mean "seasonalPeriod"/);
    expect(
      captureValidationIssues(() =>
        forecaster.generateForecast("x", hourly(48), { model: "ANN", calibration: { origin: 3 } } as never),
      )[0],
    ).toMatch(/^options\.calibration\.origin: .*did you mean "origins"/);
    expect(forecaster.listForecasts()).toEqual([]);
  });

  it("checks the clock as the constructor's own option", () => {
    const error = expectPelbiotError(
      () => new TimeSeriesForecastingEngine({ clock: { now: () => 0 } as never }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(
      /^Invalid input to TimeSeriesForecastingEngine constructor: options\.clock: must be a Clock/,
    );
  });

  it("reports INSUFFICIENT_DATA with details { got, need } and gaps with the method's name", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 2, minDataPoints: 10 });
    const error = expectPelbiotError(() => forecaster.generateForecast("x", hourly(5)), "INSUFFICIENT_DATA");
    expect(error.details).toEqual({ got: 5, need: 10 });
    const gapped = hourly(48).filter((_, index) => index !== 20);
    const gap = expectPelbiotError(() => forecaster.generateForecast("x", gapped), "VALIDATION_ERROR");
    expect(gap.message).toMatch(
      /^Invalid input to TimeSeriesForecastingEngine\.generateForecast: historicalData\.20\.timestamp: breaks the regular spacing/,
    );
  });
});

describe("TimeSeriesForecastingEngine out-of-order input", () => {
  // machine_temperature_system_failure repeats the hour 02:00–02:55 (rows 10149–10160) after 02:55.
  const temperature = loadNab("machine_temperature_system_failure").slice(10000, 10400);

  it("forecasts through a repeated hour of a real stream by default, counting the rows it left out", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 3, minDataPoints: 100 });
    const accepted = forecaster.generateForecast("temperature", temperature, { model: "ANN" });
    // The eleven rows earlier than 02:55 are left out; the second 02:55 repeats the last kept time and is kept.
    expect(accepted.droppedPoints).toBe(11);
    expect(accepted.trainingPoints).toBe(400 - 11);
    expect(accepted.points[0]?.timestamp).toBe((temperature.at(-1)?.timestamp as number) + 5 * 60_000);
    const dropped = forecaster.generateForecast("temperature", temperature, { model: "ANN", outOfOrder: "drop" });
    expect(dropped.droppedPoints).toBe(12);
    const strict = expectPelbiotError(
      () => forecaster.generateForecast("temperature", temperature, { outOfOrder: "reject" }),
      "VALIDATION_ERROR",
    );
    expect(strict.message).toContain("historicalData.149.timestamp: is earlier than the previous timestamp");
  });
});

describe("TimeSeriesForecastingEngine snapshots", () => {
  it('writes { format: "pelbiot.ml.TimeSeriesForecastingEngine", version: 1 } and reads objects and JSON text', () => {
    const forecaster = new TimeSeriesForecastingEngine({
      forecastHorizon: 2,
      minDataPoints: 10,
      clock: createManualClock(START),
    });
    forecaster.generateForecast("x", hourly(48), { model: "ANN" });
    const json = forecaster.toJSON();
    expect(json).toMatchObject({ format: "pelbiot.ml.TimeSeriesForecastingEngine", version: 1 });
    expect(TimeSeriesForecastingEngine.fromJSON(JSON.stringify(json)).toJSON()).toEqual(json);
    expectPelbiotError(
      () => TimeSeriesForecastingEngine.fromJSON({ ...json, format: "pelbiot.ml.Other" }),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(() => TimeSeriesForecastingEngine.fromJSON({ ...json, version: 2 }), "UNSUPPORTED");
  });

  it("reads a snapshot written by the previous release", () => {
    const old = JSON.parse(previousRelease);
    const restored = TimeSeriesForecastingEngine.fromJSON(previousRelease);
    const [forecast] = old.forecasts;
    expect(restored.getForecast(forecast.forecastId)).toEqual(forecast);
    expect(restored.toJSON()).toMatchObject({ format: "pelbiot.ml.TimeSeriesForecastingEngine", version: 1 });
    expect(restored.toJSON().options).toEqual({ ...old.options, outOfOrder: "accept" });
  });
});
