import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { etsForecastMoments, hasAnalyticMoments } from "../../../src/forecasting/ets/ets-forecast-moments";
import { type EtsForm, parseEtsForm } from "../../../src/forecasting/ets/ets-form";
import type { EtsFit } from "../../../src/forecasting/ets/fit-ets";
import { forecastEts, simulatePaths } from "../../../src/forecasting/ets/forecast-ets";

/** One case of bench/ets-intervals-anchor.R: R's fit (parameters, final state, σ²) and its forecast() output. */
interface RCase {
  series: string;
  code: string;
  period: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  level: number;
  trend: number;
  seasonal: number[];
  sigma2: number;
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

const reference = JSON.parse(readFileSync(new URL("../fixtures/ets-intervals-r.json", import.meta.url), "utf8")) as {
  generator: string;
  cases: RCase[];
};

function fitOf(
  form: EtsForm,
  values: Omit<RCase, "series" | "code" | "mean" | `${"lower" | "upper"}${80 | 95}`>,
): EtsFit {
  return {
    form,
    period: values.period,
    parameters: { alpha: values.alpha, beta: values.beta, gamma: values.gamma, phi: values.phi },
    initialState: { level: values.level, trend: values.trend, seasonal: values.seasonal },
    finalState: { level: values.level, trend: values.trend, seasonal: values.seasonal },
    sigma2: values.sigma2,
    logLikelihood: 0,
    aic: 0,
    aicc: 0,
    bic: 0,
    parameterCount: 1,
    observationCount: 100,
    mse: 0,
    evaluations: 0,
  };
}

// Forms whose seasonal states carry no trend: R 8.20's class-1/class-2 matrices put the seasonal innovation's effect
// one step early there (ANA) or blow up (MNA); ours agree with simulation instead (tested below).
const R_DIFFERS = new Set(["ANA", "MNA"]);

describe("etsForecastMoments", () => {
  it("reproduces R's forecast(ets()) means and normal intervals on reference and M1 fits", () => {
    expect(reference.generator).toBe("R 4.2.2, forecast 8.20");
    let compared = 0;
    for (const entry of reference.cases) {
      if (R_DIFFERS.has(entry.code)) continue;
      const form = parseEtsForm(entry.code) as EtsForm;
      const fit = fitOf(form, entry);
      const horizon = entry.mean.length;
      const forecast = forecastEts(fit, horizon, { levels: [80, 95], intervals: "normal" });
      const moments = etsForecastMoments(fit, horizon);
      expect(forecast.intervalMethod, entry.code).toBe("analytic");
      forecast.steps.forEach((step, index) => {
        const bounds = [
          [step.intervals[0]?.lower, entry.lower80[index]],
          [step.intervals[0]?.upper, entry.upper80[index]],
          [step.intervals[1]?.lower, entry.lower95[index]],
          [step.intervals[1]?.upper, entry.upper95[index]],
          [moments?.means[index], entry.mean[index]],
        ] as [number, number][];
        for (const [ours, theirs] of bounds) {
          expect(
            Math.abs(ours - theirs) / Math.abs(theirs),
            `${entry.series} ${entry.code} h=${index + 1}`,
          ).toBeLessThan(1e-9);
        }
      });
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(20);
  });

  it("gives the seasonal forms without trend the variance of their own simulated paths, where R's differs", () => {
    const entry = reference.cases.find((candidate) => candidate.series === "UKgas" && candidate.code === "ANA");
    if (!entry) throw new Error("UKgas ANA case missing");
    const fit = fitOf({ error: "A", trend: "N", season: "A" }, entry);
    const variances = etsForecastMoments(fit, 8)?.variances ?? new Float64Array(0);
    const paths = 40_000;
    const samples = simulatePaths(fit, 8, paths, 11);
    for (let step = 0; step < 8; step += 1) {
      let sum = 0;
      let squares = 0;
      for (let path = 0; path < paths; path += 1) {
        const value = samples[path * 8 + step] as number;
        sum += value;
        squares += value * value;
      }
      const simulated = squares / paths - (sum / paths) ** 2;
      expect(Math.abs(simulated / (variances[step] as number) - 1)).toBeLessThan(0.05);
    }
    // The shock at n + 1 first reaches the seasonal state used at n + 1 + m = n + 5: σ²(1 + 3α² + (α + γ)²) at h = 5.
    const { alpha, gamma, sigma2 } = entry;
    expect(variances[4]).toBeCloseTo(sigma2 * (1 + 3 * alpha ** 2 + (alpha + gamma) ** 2), 6);
    expect(variances[3]).toBeCloseTo(sigma2 * (1 + 3 * alpha ** 2), 6);
  });

  it("matches the mean, variance and skewness of simulated sample paths for random models (property)", () => {
    const forms = [
      "ANN",
      "AAN",
      "AAdN",
      "ANA",
      "AAA",
      "AAdA",
      "MNN",
      "MAN",
      "MAdN",
      "MNA",
      "MAA",
      "MAdA",
      "MNM",
      "MAM",
      "MAdM",
    ];
    const horizon = 6;
    const paths = 30_000;
    const model = fc.record({
      code: fc.constantFrom(...forms),
      alpha: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
      betaShare: fc.double({ min: 0.02, max: 0.5, noNaN: true }),
      gammaShare: fc.double({ min: 0.02, max: 0.5, noNaN: true }),
      phi: fc.double({ min: 0.8, max: 0.98, noNaN: true }),
      level: fc.double({ min: 50, max: 150, noNaN: true }),
      trend: fc.double({ min: -1, max: 1, noNaN: true }),
      season: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      noise: fc.double({ min: 0.2, max: 1, noNaN: true }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(model, (drawn) => {
        const form = parseEtsForm(drawn.code) as EtsForm;
        const seasonal =
          form.season === "N" ? [] : drawn.season.map((value) => (form.season === "A" ? 10 * value : 1 + 0.2 * value));
        const fit = fitOf(form, {
          period: form.season === "N" ? 1 : 4,
          alpha: drawn.alpha,
          beta: form.trend === "N" ? 0 : drawn.betaShare * drawn.alpha,
          gamma: form.season === "N" ? 0 : drawn.gammaShare * (1 - drawn.alpha),
          phi: form.trend === "Ad" ? drawn.phi : 1,
          level: drawn.level,
          trend: form.trend === "N" ? 0 : drawn.trend,
          seasonal,
          // Relative innovations of 1.4 %–14 % (multiplicative), 2–10 units (additive).
          sigma2: form.error === "M" ? 0.02 * drawn.noise ** 2 : 100 * drawn.noise ** 2,
        });
        const moments = etsForecastMoments(fit, horizon);
        if (!moments) throw new Error(`${drawn.code} has no moments`);
        const samples = simulatePaths(fit, horizon, paths, drawn.seed);
        for (let step = 0; step < horizon; step += 1) {
          let sum = 0;
          for (let path = 0; path < paths; path += 1) sum += samples[path * horizon + step] as number;
          const mean = sum / paths;
          let second = 0;
          let third = 0;
          for (let path = 0; path < paths; path += 1) {
            const deviation = (samples[path * horizon + step] as number) - mean;
            second += deviation * deviation;
            third += deviation * deviation * deviation;
          }
          const variance = second / paths;
          const expectedVariance = moments.variances[step] as number;
          // Tolerances of about six Monte Carlo standard errors.
          expect(Math.abs(mean - (moments.means[step] as number))).toBeLessThan(
            6 * Math.sqrt(expectedVariance / paths),
          );
          expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(0.07);
          const skewness = moments.skewnesses[step] as number;
          if (!Number.isNaN(skewness)) {
            expect(Math.abs(third / paths / variance ** 1.5 - skewness)).toBeLessThan(0.15 + 0.1 * Math.abs(skewness));
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it("knows which forms have formulas: all but additive error with a multiplicative season", () => {
    expect(hasAnalyticMoments({ error: "M", trend: "Ad", season: "M" })).toBe(true);
    expect(hasAnalyticMoments({ error: "A", trend: "A", season: "A" })).toBe(true);
    expect(hasAnalyticMoments({ error: "A", trend: "N", season: "M" })).toBe(false);
    const fit = fitOf({ error: "A", trend: "A", season: "M" }, { ...reference.cases[0], period: 12 } as RCase);
    expect(etsForecastMoments(fit, 3)).toBeUndefined();
  });
});
