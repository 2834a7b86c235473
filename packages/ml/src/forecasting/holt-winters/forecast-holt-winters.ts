import { normalQuantile } from "../../internal/normal-quantile";
import type { EtsForecastStep } from "../ets/forecast-ets";
import type { HoltWintersFit } from "./fit-holt-winters";

/**
 * Forecasts a fitted classic Holt-Winters model with R's `predict.HoltWinters` intervals: point forecast
 * `(l + h·b) + s` (additive) or `(l + h·b)·s` (multiplicative) and variance
 * `v·(1 + Σ_{j<h} ψ_j²)`, `ψ_j = α(1 + jβ) + [j mod m = 0]·γ(1 − α)`, `v` the sample variance of the one-step errors.
 * That variance is derived for additive seasonality; multiplicative fits get the same formula, so their intervals are
 * approximate (REFERENCE.md §3 shows their poor coverage; prefer ETS(M,A,M) when intervals matter).
 *
 * @param fit - A fit from `fitHoltWinters`.
 * @param horizon - Steps ahead (≥ 1).
 * @param options - Interval levels in percent.
 * @returns One step per horizon, with intervals in the order of `levels`.
 * @example
 * ```ts
 * const steps = forecastHoltWinters(fitHoltWinters(values, { period: 12 }), 12);
 * ```
 */
export function forecastHoltWinters(
  fit: HoltWintersFit,
  horizon: number,
  options: { levels?: readonly number[] } = {},
): EtsForecastStep[] {
  const { levels = [80, 95] } = options;
  const { alpha, beta, gamma } = fit.parameters;
  const multipliers = levels.map((level) => normalQuantile(0.5 + level / 200));
  const steps: EtsForecastStep[] = [];
  let sum = 1;
  for (let step = 1; step <= horizon; step += 1) {
    if (step > 1) {
      const lag = step - 1;
      const psi = alpha * (1 + lag * beta) + (lag % fit.period === 0 ? gamma * (1 - alpha) : 0);
      sum += psi * psi;
    }
    const base = fit.level + step * fit.trend;
    const season = fit.seasonal[(step - 1) % fit.period] as number;
    const value = fit.seasonality === "additive" ? base + season : base * season;
    const deviation = Math.sqrt(fit.residualVariance * sum);
    steps.push({
      step,
      value,
      intervals: levels.map((level, index) => {
        const half = (multipliers[index] as number) * deviation;
        return { level, lower: value - half, upper: value + half };
      }),
    });
  }
  return steps;
}
