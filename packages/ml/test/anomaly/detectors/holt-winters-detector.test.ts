import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine } from "../../../src/anomaly/anomaly-detection-engine";
import { stepHoltWinters } from "../../../src/anomaly/detectors/holt-winters-detector";
import { fitHoltWinters, holtWintersStart } from "../../../src/forecasting/holt-winters/fit-holt-winters";
import { createRandom } from "../../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;
const PERIOD = 24;

/** Trend + period-24 season + Gaussian noise, seeded. */
function values(length: number, seed = 3, offset = 0): number[] {
  const random = createRandom(seed);
  return Array.from({ length }, (_, index) => {
    const time = index + offset;
    return 100 + 0.05 * time + 8 * Math.sin((2 * Math.PI * time) / PERIOD) + 0.5 * random.normal();
  });
}

const toPoints = (series: readonly number[], offset = 0) =>
  series.map((value, index) => ({ timestamp: START + (index + offset) * MINUTE, value }));

describe('"holt-winters" detector', () => {
  it("continues the forecasting engine's recursions: replaying them reproduces the fit's residuals and final state", () => {
    const series = values(24 * 12);
    const fit = fitHoltWinters(series, { period: PERIOD });
    const start = holtWintersStart(series, PERIOD, "additive");
    const state = {
      ...fit.parameters,
      level: start.level,
      trend: start.trend,
      profile: Float64Array.from(start.seasonal),
      phase: 0,
    };
    const errors = series.slice(PERIOD).map((value) => stepHoltWinters(state, value));
    expect(errors).toHaveLength(fit.residuals.length);
    for (const [index, error] of errors.entries()) expect(error).toBeCloseTo(fit.residuals[index] as number, 9);
    expect(state.level).toBeCloseTo(fit.level, 9);
    expect(state.trend).toBeCloseTo(fit.trend, 9);
  });

  it("starts from the fitted model and expects the next point of the trend and season", () => {
    const engine = new AnomalyDetectionEngine({ detector: "holt-winters", seasonalPeriod: PERIOD, cooldown: 0 });
    const history = values(24 * 12);
    engine.trainModel("m", toPoints(history));
    const fit = fitHoltWinters(history, { period: PERIOD });
    const state = engine.toJSON().models.m?.detector;
    expect(state?.alpha).toBe(fit.parameters.alpha);
    expect(state?.profile).toEqual(fit.seasonal);
    // A spike on the next point: its expected value is the fit's one-step forecast.
    const next = values(1, 9, 24 * 12)[0] as number;
    const [anomaly] = engine.detectAnomalies("m", toPoints([next + 15], 24 * 12));
    expect(anomaly?.expected).toBeCloseTo(fit.level + fit.trend + (fit.seasonal[0] as number), 9);
    expect(anomaly?.kind).toBe("outlier");
    expect(anomaly?.value).toBeGreaterThan(anomaly?.upper ?? Number.POSITIVE_INFINITY);
  });

  it("catches a spike the season hides from a plain z-score, and stays quiet on the trend", () => {
    const engine = new AnomalyDetectionEngine({ detector: "holt-winters", sensitivityThreshold: 4, cooldown: 0 });
    engine.trainModel("m", toPoints(values(24 * 12)));
    const future = values(24 * 8, 4, 24 * 12);
    expect(engine.detectAnomalies("m", toPoints(future.slice(0, 96), 24 * 12)).length).toBeLessThanOrEqual(1);
    // At the seasonal trough, a value at the series' mean level is far from what the season predicts.
    const rest = future.slice(96);
    const trough = rest.findIndex((_, index) => (24 * 12 + 96 + index) % PERIOD === 18);
    rest[trough] = (rest[trough] as number) + 8;
    const found = engine.detectAnomalies("m", toPoints(rest, 24 * 12 + 96)).map((anomaly) => anomaly.timestamp);
    expect(found).toContain(START + (24 * 12 + 96 + trough) * MINUTE);
  });

  it("uses Holt's linear method (ETS(A,A,N)) when there is no season, following the trend", () => {
    const random = createRandom(8);
    const line = Array.from({ length: 200 }, (_, index) => 5 + 0.3 * index + 0.2 * random.normal());
    const engine = new AnomalyDetectionEngine({
      detector: "holt-winters",
      seasonalPeriod: 1,
      cooldown: 0,
      sensitivityThreshold: 4,
    });
    engine.trainModel("m", toPoints(line));
    const state = engine.toJSON().models.m?.detector;
    expect(state?.profile).toEqual([0]);
    expect(state?.trend).toBeCloseTo(0.3, 1);
    const next = Array.from({ length: 50 }, (_, index) => 5 + 0.3 * (200 + index) + 0.2 * random.normal());
    expect(engine.detectAnomalies("m", toPoints(next, 200))).toEqual([]);
    const [anomaly] = engine.detectAnomalies("m", toPoints([5 + 0.3 * 250 - 5], 250));
    expect(anomaly?.expected).toBeCloseTo(5 + 0.3 * 250, 0);
  });

  it("rejects corrupted state", () => {
    const engine = new AnomalyDetectionEngine({ detector: "holt-winters" });
    engine.trainModel("m", toPoints(values(200)));
    const json = JSON.parse(JSON.stringify(engine.toJSON()));
    json.models.m.detector.alpha = 1.5;
    expect(() => AnomalyDetectionEngine.fromJSON(json)).toThrow(/json\.models\.m\.detector.*alpha/);
  });
});
