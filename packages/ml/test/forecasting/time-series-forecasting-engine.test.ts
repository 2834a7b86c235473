import { createManualClock, PelbiotError, PelbiotValidationError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import {
  type EtsForecastModel,
  type Forecast,
  TimeSeriesForecastingEngine,
} from "../../src/forecasting/time-series-forecasting-engine";
import { createRandom } from "../../src/random/create-random";
import { loadReferenceSeries, referenceTimestamps } from "./reference-protocol";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);

// Hourly CPU-like series: daily cycle, slow drift and seeded Gaussian noise.
function hourly(count: number): { timestamp: number; value: number }[] {
  const random = createRandom(11);
  return Array.from({ length: count }, (_, index) => ({
    timestamp: START + index * HOUR,
    value: 50 + 0.01 * index + 10 * Math.sin((2 * Math.PI * index) / 24) + 2 * random.normal(),
  }));
}

const airPassengers = loadReferenceSeries().find((series) => series.id === "AirPassengers");
if (!airPassengers) throw new Error("AirPassengers fixture missing");
const airPoints = airPassengers.train.map((value, index) => ({
  timestamp: new Date(referenceTimestamps(airPassengers, airPassengers.train.length)[index] as number).toISOString(),
  value,
}));

function etsModel(forecast: Forecast): EtsForecastModel {
  if (forecast.model.method !== "ETS") throw new Error(`expected an ETS model, got ${forecast.model.method}`);
  return forecast.model;
}

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("TimeSeriesForecastingEngine", () => {
  it("runs the guide's calls as written and continues hourly timestamps", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 168, minDataPoints: 100 });
    const historicalData = hourly(24 * 5);
    const forecast = forecaster.generateForecast("cpu_usage", historicalData);
    const details = forecaster.getForecast(forecast.forecastId);
    expect(details).toEqual(forecast);
    expect(forecast.points).toHaveLength(168);
    expect(forecast.model.seasonalPeriod).toBe(24);
    expect(etsModel(forecast).form.season).not.toBe("N");
    expect(forecast.levels).toEqual([80, 95]);
    const last = historicalData[historicalData.length - 1]?.timestamp as number;
    expect(forecast.points[0]?.timestamp).toBe(last + HOUR);
    expect(forecast.points[167]?.timestamp).toBe(last + 168 * HOUR);
    // The daily cycle is carried into the forecast: the peak hour (6 after midnight) stays high.
    const first = forecast.points[0];
    expect(first?.intervals.map((interval) => interval.level)).toEqual([80, 95]);
    const peak = forecast.points.find((point) => new Date(point.timestamp).getUTCHours() === 6);
    const trough = forecast.points.find((point) => new Date(point.timestamp).getUTCHours() === 18);
    expect((peak?.value ?? 0) - (trough?.value ?? 0)).toBeGreaterThan(15);
  });

  it("fits monthly data on calendar months and reports the chosen model and parameters", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 12, minDataPoints: 24 });
    const forecast = forecaster.generateForecast("passengers", airPoints);
    // R's ets picks a multiplicative-season model here (ETS(M,Ad,M)); ours must at least be multiplicative.
    expect(etsModel(forecast).form.season).toBe("M");
    expect(forecast.model.seasonalPeriod).toBe(12);
    expect(forecast.model.selection).toBe("automatic");
    expect(etsModel(forecast).candidates.length).toBe(15);
    // Every searched form has forecast-moment formulas, so even the combination's intervals are analytic.
    expect(forecast.intervalMethod).toBe("analytic");
    expect(forecast.points.map((point) => new Date(point.timestamp).toISOString().slice(0, 10))).toEqual(
      Array.from({ length: 12 }, (_, month) => `1960-${String(month + 1).padStart(2, "0")}-01`),
    );
    const { alpha, beta, gamma } = etsModel(forecast).parameters;
    expect(alpha).toBeGreaterThan(0);
    expect(beta).toBeLessThanOrEqual(alpha);
    expect(gamma).toBeLessThanOrEqual(1 - alpha);
  });

  it("combines the candidate forms by Akaike weight unless modelAveraging is false", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 12, minDataPoints: 24 });
    const combined = forecaster.generateForecast("passengers", airPoints);
    const model = etsModel(combined);
    const weights = model.candidates.map((candidate) => candidate.weight);
    expect(weights.reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
    const best = model.candidates.reduce((left, right) => (right.aicc < left.aicc ? right : left));
    expect(model.code).toBe(best.code);
    expect(Math.max(...weights)).toBe(best.weight);
    // AirPassengers: the AICc winner holds almost all the weight, yet a runner-up stays above the 0.001 threshold.
    const components = model.averaging?.components ?? [];
    expect(components.length).toBeGreaterThan(1);
    expect(components[0]?.code).toBe(model.code);
    expect(components.reduce((sum, component) => sum + component.weight, 0)).toBeCloseTo(1, 12);

    const winnerOnly = forecaster.generateForecast("passengers", airPoints, { modelAveraging: false });
    expect(etsModel(winnerOnly).averaging).toBeUndefined();
    expect(winnerOnly.model.name).toBe(combined.model.name);
    const fixed = forecaster.generateForecast("passengers", airPoints, { model: model.code });
    expect(winnerOnly.points).toEqual(fixed.points);
    // The combined point forecast moves away from the winner's towards the runners-up.
    const moved = combined.points.some(
      (point, index) => Math.abs(point.value - (winnerOnly.points[index]?.value ?? 0)) > 1e-6,
    );
    expect(moved).toBe(true);

    const stored = forecaster.toJSON().forecasts.length;
    const error = captured(() =>
      forecaster.generateForecast("passengers", airPoints, { model: "ANA", modelAveraging: true }),
    );
    expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual(["options.modelAveraging"]);
    const wrongType = captured(() =>
      forecaster.generateForecast("passengers", airPoints, { modelAveraging: "yes" as unknown as boolean }),
    );
    expect((wrongType as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual(["options.modelAveraging"]);
    expect(forecaster.toJSON().forecasts).toHaveLength(stored);
  });

  it("fixes the model form when asked, with analytic intervals for linear models", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 6, minDataPoints: 24 });
    const forecast = forecaster.generateForecast("passengers", airPoints, { model: "ANA" });
    expect(forecast.model.name).toBe("ETS(A,N,A)");
    expect(forecast.model.selection).toBe("fixed");
    expect(forecast.intervalMethod).toBe("analytic");
    const point = forecast.points[0];
    const [eighty, ninetyFive] = point?.intervals ?? [];
    // Analytic intervals are symmetric and their widths scale with the normal quantiles 1.2816 and 1.9600.
    expect((eighty?.upper ?? 0) - (point?.value ?? 0)).toBeCloseTo((point?.value ?? 0) - (eighty?.lower ?? 0), 9);
    const ratio = ((ninetyFive?.upper ?? 0) - (ninetyFive?.lower ?? 0)) / ((eighty?.upper ?? 0) - (eighty?.lower ?? 0));
    expect(ratio).toBeCloseTo(1.959964 / 1.281552, 5);
    expect(forecast.points[0]?.intervals[1]?.upper).toBeCloseTo(
      (point?.value ?? 0) + 1.959964 * Math.sqrt(etsModel(forecast).sigma2),
      3,
    );
  });

  it("accepts per-call overrides of horizon, minimum, levels, period and seed", () => {
    const forecaster = new TimeSeriesForecastingEngine();
    const data = hourly(60);
    const forecast = forecaster.generateForecast("short", data, {
      forecastHorizon: 5,
      minDataPoints: 50,
      levels: [95, 50],
      seasonalPeriod: 1,
    });
    expect(forecast.points).toHaveLength(5);
    expect(forecast.levels).toEqual([50, 95]);
    expect(etsModel(forecast).form.season).toBe("N");
    const simulatedA = forecaster.generateForecast("sim", airPoints, {
      forecastHorizon: 3,
      minDataPoints: 10,
      model: "MNM",
      seed: 7,
    });
    const simulatedB = forecaster.generateForecast("sim", airPoints, {
      forecastHorizon: 3,
      minDataPoints: 10,
      model: "MNM",
      seed: 7,
    });
    const simulatedC = forecaster.generateForecast("sim", airPoints, {
      forecastHorizon: 3,
      minDataPoints: 10,
      model: "MNM",
      seed: 8,
    });
    // Every model the engine fits has analytic intervals, so the seed is accepted but changes nothing.
    expect(simulatedA.intervalMethod).toBe("analytic");
    expect(simulatedA.points).toEqual(simulatedB.points);
    expect(simulatedA.points).toEqual(simulatedC.points);
  });

  it("adds a rolling-origin calibration report when asked", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 12, minDataPoints: 24 });
    const forecast = forecaster.generateForecast("passengers", airPoints, { model: "MAM", calibration: true });
    expect(forecast.calibration?.origins).toBe(5);
    expect(forecast.calibration?.horizon).toBe(12);
    const [eighty, ninetyFive] = forecast.calibration?.levels ?? [];
    expect(eighty?.total).toBe(60);
    expect(eighty?.empirical).toBe((eighty?.hits ?? 0) / 60);
    expect(ninetyFive?.hits).toBeGreaterThanOrEqual(eighty?.hits ?? 0);
    expect(forecaster.getForecast(forecast.forecastId).calibration).toEqual(forecast.calibration);
    const custom = forecaster.generateForecast("passengers", airPoints, {
      model: "ANA",
      calibration: { origins: 2, horizon: 3 },
    });
    expect(custom.calibration?.levels[0]?.total).toBe(6);
    expect(forecaster.generateForecast("passengers", airPoints, { model: "ANN" }).calibration).toBeUndefined();
    const invalid = captured(() =>
      forecaster.generateForecast("passengers", airPoints, { calibration: { origins: 0 } }),
    );
    expect((invalid as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "options.calibration.origins",
    ]);
    const tooShort = captured(() =>
      forecaster.generateForecast("passengers", airPoints.slice(0, 30), { model: "AAA", calibration: true }),
    );
    expect((tooShort as Error).message).toBe("Insufficient training data: got 30, need at least 31");
  });

  it("runs the classic Holt-Winters recursions on request", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 12, minDataPoints: 24 });
    const forecast = forecaster.generateForecast("passengers", airPoints, { model: "HW-multiplicative" });
    expect(forecast.model.method).toBe("HoltWinters");
    expect(forecast.model.name).toBe("HoltWinters(multiplicative)");
    expect(forecast.intervalMethod).toBe("analytic");
    expect(forecast.points).toHaveLength(12);
    expect(forecast.points[0]?.timestamp).toBe(Date.UTC(1960, 0, 1));
    if (forecast.model.method === "HoltWinters") {
      const { level, trend, seasonal } = forecast.model;
      expect(forecast.points[0]?.value).toBeCloseTo((level + trend) * (seasonal[0] as number), 9);
    }
    expect(forecaster.getForecast(forecast.forecastId)).toEqual(forecast);
    const short = captured(() =>
      forecaster.generateForecast("passengers", airPoints.slice(0, 24), { model: "HW-additive" }),
    );
    expect((short as Error).message).toBe("Insufficient training data: got 24, need at least 25");
    const noPeriod = captured(() =>
      forecaster.generateForecast("passengers", airPoints, { model: "HW-additive", seasonalPeriod: 1 }),
    );
    expect((noPeriod as PelbiotValidationError).issues[0]?.path).toBe("options.model");
    const withCalibration = captured(() =>
      forecaster.generateForecast("passengers", airPoints, { model: "HW-additive", calibration: true }),
    );
    expect((withCalibration as PelbiotValidationError).issues[0]?.path).toBe("options.calibration");
  });

  it("throws INSUFFICIENT_DATA with the guide's message", () => {
    const forecaster = new TimeSeriesForecastingEngine({ minDataPoints: 100 });
    const error = captured(() => forecaster.generateForecast("cpu", hourly(40)));
    expect(PelbiotError.is(error, "INSUFFICIENT_DATA")).toBe(true);
    expect((error as Error).message).toBe("Insufficient training data: got 40, need at least 100");
    const tooShortForModel = captured(() =>
      forecaster.generateForecast("cpu", hourly(18), { minDataPoints: 10, model: "AAA", seasonalPeriod: 12 }),
    );
    expect((tooShortForModel as Error).message).toBe("Insufficient training data: got 18, need at least 19");
  });

  it("rejects bad input with VALIDATION_ERROR naming the index or option, and stores nothing", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 4, minDataPoints: 10 });
    const good = hourly(48);
    const cases: [string, () => unknown, string][] = [
      [
        "NaN value",
        () =>
          forecaster.generateForecast(
            "x",
            good.map((point, index) => (index === 7 ? { ...point, value: Number.NaN } : point)),
          ),
        "historicalData.7.value",
      ],
      [
        "Infinity",
        () =>
          forecaster.generateForecast(
            "x",
            good.map((point, index) => (index === 3 ? { ...point, value: Number.POSITIVE_INFINITY } : point)),
          ),
        "historicalData.3.value",
      ],
      [
        "string value",
        () =>
          forecaster.generateForecast(
            "x",
            good.map((point, index) => (index === 2 ? { ...point, value: "4" as unknown as number } : point)),
          ),
        "historicalData.2.value",
      ],
      [
        // The default ("accept") keeps repeated timestamps; "reject" is the strict policy.
        "duplicate timestamp",
        () =>
          forecaster.generateForecast(
            "x",
            good.map((point, index) => (index === 5 ? { ...point, timestamp: good[4]?.timestamp as number } : point)),
            { outOfOrder: "reject" },
          ),
        "historicalData.5.timestamp",
      ],
      [
        "gap",
        () =>
          forecaster.generateForecast(
            "x",
            good.filter((_, index) => index !== 20),
          ),
        "historicalData.20.timestamp",
      ],
      ["unknown model", () => forecaster.generateForecast("x", good, { model: "XYZ" }), "options.model"],
      [
        "unstable model",
        () => forecaster.generateForecast("x", good, { model: "ANM", seasonalPeriod: 24 }),
        "options.model",
      ],
      [
        "multiplicative on non-positive data",
        () =>
          forecaster.generateForecast(
            "x",
            good.map((point, index) => (index === 9 ? { ...point, value: -1 } : point)),
            { model: "MNN" },
          ),
        "options.model",
      ],
      ["level 100", () => forecaster.generateForecast("x", good, { levels: [80, 100] }), "options.levels.1"],
      [
        "level as string",
        () => forecaster.generateForecast("x", good, { levels: ["95"] as unknown as number[] }),
        "options.levels.0",
      ],
      ["horizon 0", () => forecaster.generateForecast("x", good, { forecastHorizon: 0 }), "options.forecastHorizon"],
      [
        "horizon as string",
        () => forecaster.generateForecast("x", good, { forecastHorizon: "3" as unknown as number }),
        "options.forecastHorizon",
      ],
      ["period 1.5", () => forecaster.generateForecast("x", good, { seasonalPeriod: 1.5 }), "options.seasonalPeriod"],
      ["empty name", () => forecaster.generateForecast("", good), "name"],
      ["not an array", () => forecaster.generateForecast("x", "data" as unknown as []), "historicalData"],
      [
        "seasonal model without period",
        () => forecaster.generateForecast("x", good, { model: "ANA", seasonalPeriod: 1 }),
        "options.model",
      ],
    ];
    for (const [label, action, path] of cases) {
      const error = captured(action);
      expect(PelbiotValidationError.isValidationError(error), label).toBe(true);
      expect(
        (error as PelbiotValidationError).issues.map((issue) => issue.path),
        label,
      ).toContain(path);
    }
    expect(
      PelbiotError.is(
        captured(() => forecaster.generateForecast("x", [])),
        "INSUFFICIENT_DATA",
      ),
    ).toBe(true);
    expect(forecaster.listForecasts()).toEqual([]);
    expect(
      PelbiotError.is(
        captured(() => forecaster.getForecast("fc_missing")),
        "NOT_FOUND",
      ),
    ).toBe(true);
  });

  it("resolves any level, however few simulation paths are set, since no model simulates", () => {
    const forecaster = new TimeSeriesForecastingEngine({
      forecastHorizon: 3,
      minDataPoints: 10,
      simulationPaths: 100,
    });
    for (const model of ["AAA", "MAM", "MAdM", "auto"] as const) {
      const forecast = forecaster.generateForecast("p", airPoints, { model, levels: [99.9] });
      expect(forecast.levels).toEqual([99.9]);
      expect(forecast.intervalMethod).toBe("analytic");
      for (const point of forecast.points) {
        expect(point.intervals[0]?.lower).toBeLessThan(point.value);
        expect(point.intervals[0]?.upper).toBeGreaterThan(point.value);
      }
    }
  });

  it("validates constructor options, collecting every issue", () => {
    const error = captured(
      () =>
        new TimeSeriesForecastingEngine({ forecastHorizon: -1, minDataPoints: 1.5, levels: [0], simulationPaths: 5 }),
    );
    expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "options.forecastHorizon",
      "options.minDataPoints",
      "options.levels.0",
      "options.simulationPaths",
    ]);
  });

  it("keeps stored forecasts immune to changes made to returned copies", () => {
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 2, minDataPoints: 10 });
    const forecast = forecaster.generateForecast("p", airPoints, { model: "ANN" });
    (forecast.points[0] as unknown as { value: number }).value = -1;
    expect(forecaster.getForecast(forecast.forecastId).points[0]?.value).not.toBe(-1);
  });

  it("round-trips through toJSON/fromJSON, ids and models included", () => {
    const clock = createManualClock(Date.UTC(2026, 5, 1));
    const forecaster = new TimeSeriesForecastingEngine({ forecastHorizon: 3, minDataPoints: 10, clock, levels: [90] });
    const forecast = forecaster.generateForecast("p", airPoints, { model: "MAdM" });
    expect(forecast.createdAt).toBe(Date.UTC(2026, 5, 1));
    const text = JSON.stringify(forecaster);
    const restored = TimeSeriesForecastingEngine.fromJSON(JSON.parse(text));
    expect(restored.getForecast(forecast.forecastId)).toEqual(forecast);
    expect(JSON.stringify(restored)).toBe(text);
    expect(restored.generateForecast("p", airPoints, { model: "ANN" }).levels).toEqual([90]);
    // A newer layout is UNSUPPORTED (readSnapshot); a version-1 document with bad forecasts names each field.
    expect(
      PelbiotError.is(
        captured(() => TimeSeriesForecastingEngine.fromJSON({ version: 2, options: {}, forecasts: [] })),
        "UNSUPPORTED",
      ),
    ).toBe(true);
    const bad = captured(() => TimeSeriesForecastingEngine.fromJSON({ version: 1, options: {}, forecasts: [{}] }));
    expect((bad as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
      "json.forecasts.0.forecastId",
      "json.forecasts.0.name",
      "json.forecasts.0.model",
      "json.forecasts.0.points",
    ]);
  });
});
