import { describe, expect, it } from "vitest";
import type { EtsErrorType, EtsForm, EtsSeasonType, EtsTrendType } from "../../../src/forecasting/ets/ets-form";
import { type EtsRunOutput, runEts } from "../../../src/forecasting/ets/ets-recursion";

// Textbook error-correction form of every ETS model (Hyndman et al. 2008, Table 2.3), one step at a time with the
// seasonal states kept in a plain array, oldest first (its length is the period): the reference for runEts's
// specialised kernels.
function referenceRun(
  values: readonly number[],
  form: EtsForm,
  parameters: { alpha: number; beta: number; gamma: number; phi: number },
  initial: { level: number; trend: number; seasonal: readonly number[] },
): { criterion: number; residuals: number[]; fitted: number[]; level: number; trend: number; seasonal: number[] } {
  const { alpha, beta, gamma } = parameters;
  const phi = form.trend === "Ad" ? parameters.phi : 1;
  let level = initial.level;
  let trend = form.trend === "N" ? 0 : initial.trend;
  const oldestFirst = form.season === "N" ? [] : [...initial.seasonal].reverse();
  const residuals: number[] = [];
  const fitted: number[] = [];
  let sumLog = 0;
  for (const value of values) {
    const base = level + phi * trend;
    const season = oldestFirst.shift() ?? (form.season === "M" ? 1 : 0);
    const forecast = form.season === "A" ? base + season : form.season === "M" ? base * season : base;
    const error = form.error === "M" ? (value - forecast) / forecast : value - forecast;
    residuals.push(error);
    fitted.push(forecast);
    if (form.error === "M") sumLog += Math.log(Math.abs(forecast));
    const adjusted = form.season === "A" ? value - season : form.season === "M" ? value / season : value;
    const newLevel = base + alpha * (adjusted - base);
    if (form.trend !== "N") trend = phi * trend + (beta / alpha) * (newLevel - level - phi * trend);
    if (form.season !== "N") {
      const target = form.season === "A" ? value - base : value / base;
      oldestFirst.push(season + gamma * (target - season));
    }
    level = newLevel;
  }
  const sse = residuals.reduce((sum, error) => sum + error * error, 0);
  return {
    criterion: values.length * Math.log(sse) + (form.error === "M" ? 2 * sumLog : 0),
    residuals,
    fitted,
    level,
    trend,
    seasonal: oldestFirst.reverse(),
  };
}

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

  it("agrees with the textbook recursions for every error, trend and season type", () => {
    const values = Array.from(
      { length: 29 },
      (_, time) => 20 + 0.3 * time + 4 * Math.sin((2 * Math.PI * time) / 4) + (time % 3),
    );
    const parameters = { alpha: 0.35, beta: 0.08, gamma: 0.15, phi: 0.92 };
    for (const error of ["A", "M"] as EtsErrorType[]) {
      for (const trend of ["N", "A", "Ad"] as EtsTrendType[]) {
        for (const season of ["N", "A", "M"] as EtsSeasonType[]) {
          const form: EtsForm = { error, trend, season };
          const seasonal = season === "M" ? [0.9, 1.2, 1.05, 0.85] : season === "A" ? [-2, 3, 1, -2] : [];
          const initial = { level: 19, trend: 0.4, seasonal };
          const expected = referenceRun(values, form, parameters, initial);
          const output: EtsRunOutput = {
            residuals: new Float64Array(values.length),
            fitted: new Float64Array(values.length),
          };
          const traced = runEts(values, form, 4, parameters, initial, output);
          const untraced = runEts(Float64Array.from(values), form, 4, parameters, initial);
          const label = `ETS(${error},${trend},${season})`;
          expect(traced, label).toBeCloseTo(expected.criterion, 9);
          expect(untraced, label).toBe(traced);
          expect(
            [...(output.residuals ?? [])]
              .map((value, index) => value - (expected.residuals[index] as number))
              .every((gap) => Math.abs(gap) < 1e-12),
            label,
          ).toBe(true);
          expect(
            [...(output.fitted ?? [])]
              .map((value, index) => value - (expected.fitted[index] as number))
              .every((gap) => Math.abs(gap) < 1e-9),
            label,
          ).toBe(true);
          expect(output.finalState?.level, label).toBeCloseTo(expected.level, 9);
          expect(output.finalState?.trend, label).toBeCloseTo(expected.trend, 9);
          expect(output.finalState?.seasonal.length, label).toBe(expected.seasonal.length);
          output.finalState?.seasonal.forEach((state, lag) => {
            expect(state, `${label} lag ${lag}`).toBeCloseTo(expected.seasonal[lag] as number, 9);
          });
        }
      }
    }
  });
});
