import { readFileSync } from "node:fs";
import { createManualClock, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PredictiveAnalyticsEngine } from "../../src/predictive/predictive-analytics-engine";

const DAY = 86_400_000;
// Model fitting can take seconds on a loaded machine.
const FITTING = { timeout: 30_000 };
const START = Date.UTC(2026, 0, 1);

// R datasets::AirPassengers, monthly 1949-1960.
const AIR_PASSENGERS = readFileSync(new URL("../fixtures/AirPassengers.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [, year, month, value] = line.split(",").map(Number) as [number, number, number, number];
    return { timestamp: Date.UTC(year, month - 1, 1), value };
  });

/** Daily sales: a level of 100, a rise of 0.5 per day, a weekly pattern and deterministic noise. */
function dailySales(days: number, offset = 0) {
  const weekly = [0, 4, 6, 5, 3, 12, 15];
  return Array.from({ length: days }, (_, index) => {
    const day = index + offset;
    return {
      timestamp: START + day * DAY,
      value: 100 + 0.5 * day + (weekly[day % 7] as number) + Math.sin(day * 12.9898) * 1.5,
    };
  });
}

describe("PredictiveAnalyticsEngine: the guide's contract", FITTING, () => {
  it("runs the guide's lines as written", () => {
    const historicalData = dailySales(120);
    const recentData = dailySales(7, 120);
    const data = historicalData.map((point) => point.value);

    const predictor = new PredictiveAnalyticsEngine();
    predictor.trainModel("sales_forecast", historicalData);
    const forecast = predictor.makePrediction("sales_forecast", recentData);
    const trend = predictor.calculateTrend(data);

    expect(forecast.addedPoints).toBe(7);
    expect(forecast.trainingPoints).toBe(127);
    expect(forecast.points).toHaveLength(30);
    expect(forecast.points[0]?.timestamp).toBe(START + 127 * DAY);
    for (const point of forecast.points) {
      const [eighty, ninetyFive] = point.intervals;
      expect(eighty?.level).toBe(80);
      expect(ninetyFive?.level).toBe(95);
      expect(ninetyFive?.lower).toBeLessThanOrEqual(eighty?.lower as number);
      expect(eighty?.lower).toBeLessThanOrEqual(point.value);
      expect(point.value).toBeLessThanOrEqual(eighty?.upper as number);
      expect(eighty?.upper).toBeLessThanOrEqual(ninetyFive?.upper as number);
    }
    // The series keeps rising 0.5 a day over its weekly pattern: a week ahead (day 133, pattern 0) the forecast
    // sits near 100 + 0.5 · 133.
    const weekAhead = forecast.points[6]?.value as number;
    expect(Math.abs(weekAhead - (100 + 0.5 * 133))).toBeLessThan(5);
    expect(trend.direction).toBe("increasing");
    expect(trend.senSlope).toBeGreaterThan(0.4);
    expect(trend.senSlope).toBeLessThan(0.6);
  });
});

describe("PredictiveAnalyticsEngine.trainModel and makePrediction", FITTING, () => {
  it("keeps the trained form, refits on the added data and stores the longer history", () => {
    const clock = createManualClock(START);
    const predictor = new PredictiveAnalyticsEngine({ clock, forecastHorizon: 12 });
    const info = predictor.trainModel("air", AIR_PASSENGERS.slice(0, 120));
    expect(info).toMatchObject({ modelId: "air", points: 120, seasonalPeriod: 12, trainedAt: START });
    expect(info.modelName).toMatch(/^ETS\(M,/);

    clock.advance(1000);
    const prediction = predictor.makePrediction("air", AIR_PASSENGERS.slice(118, 132));
    expect(prediction).toMatchObject({
      addedPoints: 12,
      replacedPoints: 2,
      trainingPoints: 132,
      createdAt: START + 1000,
    });
    expect(prediction.modelName).toBe(info.modelName);
    expect(prediction.points[0]?.timestamp).toBe(AIR_PASSENGERS[132]?.timestamp);
    // The 1960 hold-out: the 95 % intervals hold most of the actual months.
    const covered = prediction.points.filter((point, index) => {
      const actual = AIR_PASSENGERS[132 + index]?.value as number;
      const ninetyFive = point.intervals[1];
      return actual >= (ninetyFive?.lower as number) && actual <= (ninetyFive?.upper as number);
    });
    expect(covered.length).toBeGreaterThanOrEqual(10);
    expect(predictor.getModel("air")).toMatchObject({ points: 132, updatedAt: START + 1000 });
  });

  it("accepts every model name the forecasting engine knows (ARIMA and the three-model mean included)", () => {
    const predictor = new PredictiveAnalyticsEngine();
    predictor.trainModel("sales", dailySales(60), { model: "arima" });
    expect(predictor.makePrediction("sales", [], { forecastHorizon: 2 }).modelName).toMatch(/^ARIMA\(/);
    expect(() => predictor.trainModel("sales", dailySales(60), { model: "ets+arima+theta" })).not.toThrow();
  });

  it("forecasts from the stored history when no recent data is given, with per-call horizon and levels", () => {
    const predictor = new PredictiveAnalyticsEngine();
    predictor.trainModel("sales", dailySales(60), { model: "AAN" });
    const prediction = predictor.makePrediction("sales", [], { forecastHorizon: 3, levels: [99, 50] });
    expect(prediction.modelName).toBe("ETS(A,A,N)");
    expect(prediction.levels).toEqual([50, 99]);
    expect(prediction.points.map((point) => point.step)).toEqual([1, 2, 3]);
    expect(prediction).toMatchObject({ addedPoints: 0, replacedPoints: 0 });
  });

  it("leaves the model unchanged when a prediction is refused", () => {
    const predictor = new PredictiveAnalyticsEngine();
    predictor.trainModel("sales", dailySales(40));
    const before = predictor.getModel("sales");
    // Half a day off the daily spacing.
    expectPelbiotError(
      () => predictor.makePrediction("sales", [{ timestamp: START + 40.5 * DAY, value: 1 }]),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(() => predictor.makePrediction("sales", [{ timestamp: "soon", value: 1 }]), "VALIDATION_ERROR");
    expect(predictor.getModel("sales")).toEqual(before);
  });

  it("keeps only the newest maxHistoryPoints observations", () => {
    const predictor = new PredictiveAnalyticsEngine({ maxHistoryPoints: 50 });
    predictor.trainModel("sales", dailySales(80));
    expect(predictor.getModel("sales").points).toBe(50);
    predictor.makePrediction("sales", dailySales(5, 80));
    expect(predictor.getModel("sales")).toMatchObject({ points: 50, lastTimestamp: START + 84 * DAY });
  });

  it("reports unknown models, too little data and bad input with stable codes and paths", () => {
    const predictor = new PredictiveAnalyticsEngine();
    const missing = expectPelbiotError(() => predictor.makePrediction("nope", []), "MODEL_NOT_FOUND");
    expect(missing.details).toEqual({ id: "nope" });
    const few = expectPelbiotError(() => predictor.trainModel("m", dailySales(5)), "INSUFFICIENT_DATA");
    expect(few.details).toEqual({ got: 5, need: 10 });
    const issues = captureValidationIssues(() =>
      predictor.trainModel("", [{ timestamp: START, value: Number.NaN }, null] as never, { modle: "x" } as never),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringContaining("modelId"),
        expect.stringContaining("historicalData.0.value"),
        expect.stringContaining("historicalData.1"),
        expect.stringContaining("modle"),
      ]),
    );
    expect(captureValidationIssues(() => predictor.trainModel("m", dailySales(20), { model: "XYZ" }))).toEqual([
      expect.stringContaining("options.model"),
    ]);
    expect(predictor.listModels()).toEqual([]);
  });
});

describe("PredictiveAnalyticsEngine.calculateTrend", () => {
  it("accepts points, sorting them by time, and plain values alike", () => {
    const predictor = new PredictiveAnalyticsEngine();
    const points = dailySales(30);
    const fromPoints = predictor.calculateTrend([...points].reverse());
    const fromValues = predictor.calculateTrend(points.map((point) => point.value));
    expect(fromPoints).toEqual(fromValues);
  });

  it("honours the significance level", () => {
    // AirPassengers' first 24 months: Mann-Kendall p = 0.0779 (see trend-statistics.test.ts).
    const values = AIR_PASSENGERS.slice(0, 24).map((point) => point.value);
    expect(new PredictiveAnalyticsEngine().calculateTrend(values).direction).toBe("no_trend");
    expect(new PredictiveAnalyticsEngine({ significanceLevel: 0.1 }).calculateTrend(values).direction).toBe(
      "increasing",
    );
  });

  it("refuses fewer than 3 values and non-finite ones", () => {
    const predictor = new PredictiveAnalyticsEngine();
    expect(expectPelbiotError(() => predictor.calculateTrend([1, 2]), "INSUFFICIENT_DATA").details).toEqual({
      got: 2,
      need: 3,
    });
    expect(captureValidationIssues(() => predictor.calculateTrend([1, Number.POSITIVE_INFINITY, 3]))).toEqual([
      expect.stringContaining("data.1"),
    ]);
  });

  it("labels the direction by the sign of S whenever the test is significant", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 3, maxLength: 40 }), (values) => {
        const trend = new PredictiveAnalyticsEngine().calculateTrend(values);
        if (trend.direction === "increasing") expect(trend.mannKendall.s).toBeGreaterThan(0);
        if (trend.direction === "decreasing") expect(trend.mannKendall.s).toBeLessThan(0);
        expect(trend.significant).toBe(trend.direction !== "no_trend");
      }),
    );
  });
});

describe("PredictiveAnalyticsEngine.detectSeasonality", FITTING, () => {
  it("finds period 7 and a strength of exactly 1 in a trend plus a fixed weekly pattern", () => {
    // y = trend + a pattern repeating every 7 points: STL puts all of it in T + S, so Var(R) = 0 and F_S = 1.
    const pattern = [0, 4, 6, 5, 3, 12, 15];
    const values = Array.from({ length: 70 }, (_, day) => 50 + 0.3 * day + (pattern[day % 7] as number));
    const result = new PredictiveAnalyticsEngine().detectSeasonality(values);
    expect(result.period).toBe(7);
    expect(result.strength).toBeCloseTo(1, 6);
    expect(result.seasonal).toBe(true);
  });

  it("finds the yearly season of AirPassengers and a strong trend, stronger on the log scale", () => {
    const predictor = new PredictiveAnalyticsEngine();
    const result = predictor.detectSeasonality(AIR_PASSENGERS);
    expect(result.period).toBe(12);
    expect(result.strength).toBeGreaterThan(0.55);
    expect(result.trendStrength).toBeGreaterThan(0.9);
    expect(result.seasonal).toBe(true);
    // The season grows with the level (multiplicative): an additive STL leaves part of it in the remainder, which
    // the log removes (FPP3 analyses this series on the log scale).
    const logged = predictor.detectSeasonality(AIR_PASSENGERS.map((point) => Math.log(point.value)));
    expect(logged.period).toBe(12);
    expect(logged.strength).toBeGreaterThan(0.9);
  });

  it("reports no season for a straight line, and strength 0 when the period is fixed to 1", () => {
    const predictor = new PredictiveAnalyticsEngine();
    expect(predictor.detectSeasonality(Array.from({ length: 50 }, (_, t) => 2 * t))).toEqual({
      period: 1,
      strength: 0,
      trendStrength: 0,
      seasonal: false,
    });
    expect(predictor.detectSeasonality(AIR_PASSENGERS, { period: 1 }).strength).toBe(0);
  });

  it("keeps the strengths in [0, 1]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 30, maxLength: 80 }),
        fc.integer({ min: 2, max: 12 }),
        (values, period) => {
          const result = new PredictiveAnalyticsEngine().detectSeasonality(values, { period });
          for (const strength of [result.strength, result.trendStrength]) {
            expect(strength).toBeGreaterThanOrEqual(0);
            expect(strength).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("PredictiveAnalyticsEngine snapshots", FITTING, () => {
  it("restores trained models that predict exactly as before", () => {
    const predictor = new PredictiveAnalyticsEngine();
    predictor.trainModel("sales", dailySales(60));
    const text = JSON.stringify(predictor);
    const restored = PredictiveAnalyticsEngine.fromJSON(text);
    expect(restored.listModels()).toEqual(predictor.listModels());
    const recent = dailySales(3, 60);
    const options = { forecastHorizon: 5 };
    const clockless = (prediction: { createdAt: number }) => ({ ...prediction, createdAt: 0 });
    expect(clockless(restored.makePrediction("sales", recent, options))).toEqual(
      clockless(predictor.makePrediction("sales", recent, options)),
    );
  });

  it("refuses foreign, newer and damaged snapshots", () => {
    const snapshot = new PredictiveAnalyticsEngine().toJSON();
    expectPelbiotError(() => PredictiveAnalyticsEngine.fromJSON({ ...snapshot, format: "other" }), "VALIDATION_ERROR");
    expectPelbiotError(() => PredictiveAnalyticsEngine.fromJSON({ ...snapshot, version: 2 }), "UNSUPPORTED");
    const predictor = new PredictiveAnalyticsEngine();
    predictor.trainModel("sales", dailySales(30));
    const good = predictor.toJSON();
    const damaged = structuredClone(good) as unknown as { models: Array<Record<string, unknown>> };
    (damaged.models[0] as { timestamps: number[] }).timestamps[3] = 0;
    expect(captureValidationIssues(() => PredictiveAnalyticsEngine.fromJSON(damaged))).toEqual([
      expect.stringContaining("models.0.timestamps.3"),
    ]);
    const error = expectPelbiotError(() => PredictiveAnalyticsEngine.fromJSON("{"));
    expect(PelbiotError.is(error, "VALIDATION_ERROR")).toBe(true);
  });
});
