import { describe, expect, it } from "vitest";
import { type EtsRunOutput, runEts } from "../../../src/forecasting/ets/ets-recursion";

describe("runEts", () => {
  it("runs ETS(A,N,N) and returns n·log(SSE)", () => {
    // By hand: forecasts 10, 11, 11; errors 2, 0, 4; levels 11, 11, 13; SSE 20.
    const output: EtsRunOutput = { residuals: new Float64Array(3), fitted: new Float64Array(3) };
    const criterion = runEts(
      [12, 11, 15],
      { error: "A", trend: "N", season: "N" },
      1,
      { alpha: 0.5, beta: 0, gamma: 0, phi: 1 },
      { level: 10, trend: 0, seasonal: [] },
      output,
    );
    expect(criterion).toBeCloseTo(3 * Math.log(20), 12);
    expect([...(output.residuals ?? [])]).toEqual([2, 0, 4]);
    expect([...(output.fitted ?? [])]).toEqual([10, 11, 11]);
    expect(output.finalState).toEqual({ level: 13, trend: 0, seasonal: [] });
  });

  it("runs ETS(M,N,M) with relative errors and the 2·Σlog|ŷ| term, oldest seasonal state first", () => {
    const y = [13, 7, 12];
    const alpha = 0.5;
    const gamma = 0.2;
    // Step by step, Hyndman et al. (2008) Table 2.3 (M,N,M): ŷ = l·s(t−m); l ← l + α(y/s − l); s ← s + γ(y/l − s).
    let level = 10;
    const seasonByPhase = [1.2, 0.8];
    const errors: number[] = [];
    const forecasts: number[] = [];
    y.forEach((value, time) => {
      const phase = time % 2;
      const season = seasonByPhase[phase] as number;
      const forecast = level * season;
      forecasts.push(forecast);
      errors.push((value - forecast) / forecast);
      const previousLevel = level;
      level = level + alpha * (value / season - level);
      seasonByPhase[phase] = season + gamma * (value / previousLevel - season);
    });
    const expected =
      3 * Math.log(errors.reduce((sum, error) => sum + error * error, 0)) +
      2 * forecasts.reduce((sum, forecast) => sum + Math.log(forecast), 0);
    const output: EtsRunOutput = {};
    const criterion = runEts(
      y,
      { error: "M", trend: "N", season: "M" },
      2,
      { alpha, beta: 0, gamma, phi: 1 },
      // Newest first: s0 = 0.8 belongs to the period just before the first observation, s1 = 1.2 to the first.
      { level: 10, trend: 0, seasonal: [0.8, 1.2] },
      output,
    );
    expect(criterion).toBeCloseTo(expected, 12);
    expect(output.finalState?.level).toBeCloseTo(level, 12);
    // After three steps the newest state is phase 0's (updated at t = 3), then phase 1's.
    expect(output.finalState?.seasonal[0]).toBeCloseTo(seasonByPhase[0] as number, 12);
    expect(output.finalState?.seasonal[1]).toBeCloseTo(seasonByPhase[1] as number, 12);
  });

  it("applies the damped trend with the state-space β (growth update β/α)", () => {
    // ETS(A,Ad,N): ŷ = l + φb; l ← l + φb + αe; b ← φb + βe.
    const alpha = 0.4;
    const beta = 0.1;
    const phi = 0.9;
    let level = 5;
    let trend = 1;
    let sse = 0;
    for (const value of [6, 8, 7, 9]) {
      const error = value - (level + phi * trend);
      sse += error * error;
      level = level + phi * trend + alpha * error;
      trend = phi * trend + beta * error;
    }
    const output: EtsRunOutput = {};
    const criterion = runEts(
      [6, 8, 7, 9],
      { error: "A", trend: "Ad", season: "N" },
      1,
      { alpha, beta, gamma: 0, phi },
      { level: 5, trend: 1, seasonal: [] },
      output,
    );
    expect(criterion).toBeCloseTo(4 * Math.log(sse), 12);
    expect(output.finalState?.level).toBeCloseTo(level, 12);
    expect(output.finalState?.trend).toBeCloseTo(trend, 12);
  });

  it("returns NaN when a multiplicative-error forecast reaches zero", () => {
    const criterion = runEts(
      [1, 2],
      { error: "M", trend: "N", season: "N" },
      1,
      { alpha: 0.5, beta: 0, gamma: 0, phi: 1 },
      { level: 0, trend: 0, seasonal: [] },
    );
    expect(criterion).toBeNaN();
  });
});
