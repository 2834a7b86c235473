import { describe, expect, it } from "vitest";
import type { EtsForm } from "../../../src/forecasting/ets/ets-form";
import type { EtsFit } from "../../../src/forecasting/ets/fit-ets";
import { forecastEts, simulatePaths } from "../../../src/forecasting/ets/forecast-ets";

function fixture(form: EtsForm, overrides: Partial<EtsFit>): EtsFit {
  return {
    form,
    period: 1,
    parameters: { alpha: 0.5, beta: 0, gamma: 0, phi: 1 },
    initialState: { level: 0, trend: 0, seasonal: [] },
    finalState: { level: 100, trend: 0, seasonal: [] },
    sigma2: 4,
    logLikelihood: 0,
    aic: 0,
    aicc: 0,
    bic: 0,
    parameterCount: 3,
    observationCount: 50,
    mse: 4,
    evaluations: 0,
    ...overrides,
  };
}

describe("forecastEts", () => {
  it("gives ETS(A,N,N) the analytic variance σ²(1 + (h−1)α²)", () => {
    const forecast = forecastEts(fixture({ error: "A", trend: "N", season: "N" }, {}), 3, { levels: [95] });
    expect(forecast.intervalMethod).toBe("analytic");
    forecast.steps.forEach((step, index) => {
      const deviation = Math.sqrt(4 * (1 + index * 0.25));
      expect(step.value).toBe(100);
      // qnorm(0.975) = 1.959963984540054
      expect(step.intervals[0]?.upper).toBeCloseTo(100 + 1.959963984540054 * deviation, 10);
      expect(step.intervals[0]?.lower).toBeCloseTo(100 - 1.959963984540054 * deviation, 10);
    });
  });

  it("projects damped trend and seasonal states (newest first, oldest used first)", () => {
    const fit = fixture(
      { error: "A", trend: "Ad", season: "A" },
      {
        period: 3,
        parameters: { alpha: 0.3, beta: 0.1, gamma: 0.1, phi: 0.5 },
        finalState: { level: 10, trend: 2, seasonal: [3, -1, -2] },
      },
    );
    const values = forecastEts(fit, 4).steps.map((step) => step.value);
    // l + (φ + … + φ^h)b + s: h=1 uses s2 = −2, h=2 s1 = −1, h=3 s0 = 3, h=4 s2 again.
    expect(values[0]).toBeCloseTo(10 + 1 - 2, 12);
    expect(values[1]).toBeCloseTo(10 + 1.5 - 1, 12);
    expect(values[2]).toBeCloseTo(10 + 1.75 + 3, 12);
    expect(values[3]).toBeCloseTo(10 + 1.875 - 2, 12);
  });

  it("matches its analytic ETS(A,Ad,A) intervals by seeded simulation", () => {
    const fit = fixture(
      { error: "A", trend: "Ad", season: "A" },
      {
        period: 4,
        parameters: { alpha: 0.4, beta: 0.2, gamma: 0.3, phi: 0.9 },
        finalState: { level: 50, trend: 1, seasonal: [2, -3, 4, -3] },
        sigma2: 9,
      },
    );
    const analytic = forecastEts(fit, 9, { levels: [80, 95] });
    const simulated = forecastEts(fit, 9, { levels: [80, 95], intervals: "simulation", paths: 20_000, seed: 3 });
    expect(simulated.intervalMethod).toBe("simulation");
    analytic.steps.forEach((step, index) => {
      const other = simulated.steps[index];
      step.intervals.forEach((interval, levelIndex) => {
        const width = interval.upper - interval.lower;
        expect(Math.abs((other?.intervals[levelIndex]?.lower ?? 0) - interval.lower)).toBeLessThan(0.04 * width);
        expect(Math.abs((other?.intervals[levelIndex]?.upper ?? 0) - interval.upper)).toBeLessThan(0.04 * width);
      });
    });
  });

  it("simulates the forms without formulas reproducibly per seed, with widening intervals", () => {
    const fit = fixture(
      { error: "A", trend: "N", season: "M" },
      {
        period: 4,
        parameters: { alpha: 0.5, beta: 0, gamma: 0.1, phi: 1 },
        finalState: { level: 100, trend: 0, seasonal: [1, 1, 1, 1] },
        sigma2: 100,
      },
    );
    const first = forecastEts(fit, 6, { seed: 9 });
    expect(first.intervalMethod).toBe("simulation");
    expect(forecastEts(fit, 6, { seed: 9 })).toEqual(first);
    expect(forecastEts(fit, 6, { seed: 10 }).steps[5]?.intervals).not.toEqual(first.steps[5]?.intervals);
    // One step ahead is exactly Normal(l·s, σ²): 95 % bounds ≈ 100 ± 1.96·10 (Monte Carlo error).
    expect(first.steps[0]?.intervals[1]?.lower).toBeCloseTo(100 - 19.6, 0);
    expect(first.steps[0]?.intervals[1]?.upper).toBeCloseTo(100 + 19.6, 0);
    const widths = first.steps.map((step) => (step.intervals[1]?.upper ?? 0) - (step.intervals[1]?.lower ?? 0));
    expect(widths[5]).toBeGreaterThan(widths[0] as number);
  });

  it("gives multiplicative errors skewed analytic intervals that match the simulated ones, and R's with normal", () => {
    const fit = fixture(
      { error: "M", trend: "A", season: "N" },
      {
        parameters: { alpha: 0.6, beta: 0.2, gamma: 0, phi: 1 },
        finalState: { level: 100, trend: 2, seasonal: [] },
        sigma2: 0.04,
      },
    );
    const analytic = forecastEts(fit, 6, { levels: [80, 95] });
    const normal = forecastEts(fit, 6, { levels: [80, 95], intervals: "normal" });
    const simulated = forecastEts(fit, 6, { levels: [80, 95], intervals: "simulation", paths: 100_000, seed: 4 });
    expect(analytic.intervalMethod).toBe("analytic");
    expect(normal.intervalMethod).toBe("analytic");
    analytic.steps.forEach((step, index) => {
      const width = (step.intervals[1]?.upper ?? 0) - (step.intervals[1]?.lower ?? 0);
      step.intervals.forEach((interval, levelIndex) => {
        const other = simulated.steps[index]?.intervals[levelIndex];
        expect(Math.abs((other?.lower ?? 0) - interval.lower)).toBeLessThan(0.015 * width);
        expect(Math.abs((other?.upper ?? 0) - interval.upper)).toBeLessThan(0.015 * width);
      });
      // The normal intervals are symmetric about the mean; from two steps on the skewed ones sit higher.
      const symmetric = normal.steps[index]?.intervals[1];
      expect((symmetric?.upper ?? 0) + (symmetric?.lower ?? 0)).toBeCloseTo(2 * step.value, 8);
      if (index >= 1) expect(step.intervals[1]?.upper).toBeGreaterThan(symmetric?.upper ?? 0);
    });
    // One step ahead y = l(1 + ε) is normal, so the two agree there.
    expect(analytic.steps[0]?.intervals[1]?.upper).toBeCloseTo(normal.steps[0]?.intervals[1]?.upper ?? 0, 8);
  });
});

describe("simulatePaths", () => {
  it("writes into a shared array at a path offset exactly what it returns on its own", () => {
    const fit = fixture(
      { error: "M", trend: "A", season: "M" },
      {
        period: 4,
        parameters: { alpha: 0.3, beta: 0.05, gamma: 0.1, phi: 1 },
        finalState: { level: 100, trend: 1, seasonal: [0.9, 1.1, 1.2, 0.8] },
        sigma2: 0.01,
      },
    );
    const alone = simulatePaths(fit, 6, 50, 7);
    const shared = new Float64Array(80 * 6).fill(-1);
    expect(simulatePaths(fit, 6, 50, 7, shared, 20)).toBe(shared);
    expect(shared.subarray(20 * 6, 70 * 6)).toEqual(alone);
    // Paths outside the slot are untouched.
    expect(shared.subarray(0, 20 * 6).every((value) => value === -1)).toBe(true);
    expect(shared.subarray(70 * 6).every((value) => value === -1)).toBe(true);
  });
});
