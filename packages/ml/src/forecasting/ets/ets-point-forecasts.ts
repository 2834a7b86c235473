import type { EtsFit } from "./fit-ets";

/**
 * Point forecasts of a fitted ETS model: the state projected without innovations (the conditional mean for linear
 * models; for the others what R's `forecast.ets` reports as the mean).
 *
 * @param fit - A fitted model.
 * @param horizon - Steps ahead (≥ 1).
 * @returns One value per step.
 * @example
 * ```ts
 * etsPointForecasts(fit, 12)[0]; // one step ahead
 * ```
 */
export function etsPointForecasts(fit: EtsFit, horizon: number): number[] {
  const { level, trend, seasonal } = fit.finalState;
  const period = seasonal.length;
  const sums = trendSums(fit, horizon);
  const means: number[] = [];
  for (let step = 1; step <= horizon; step += 1) {
    const trendSum = sums[step - 1] as number;
    const base = fit.form.trend === "N" ? level : level + trendSum * trend;
    if (period === 0) {
      means.push(base);
      continue;
    }
    const index = seasonal[period - 1 - ((step - 1) % period)] as number;
    means.push(fit.form.season === "A" ? base + index : base * index);
  }
  return means;
}

/**
 * How many trend steps the forecast h steps ahead carries, for h = 1 … horizon: h, or φ + φ² + … + φʰ when the trend
 * is damped (`Ad`). Used by the point forecasts and by the interval moments alike.
 *
 * @param fit - A fitted model.
 * @param horizon - Steps ahead (≥ 1).
 * @returns One sum per step.
 */
export function trendSums(fit: EtsFit, horizon: number): Float64Array {
  const damped = fit.form.trend === "Ad";
  const { phi } = fit.parameters;
  const sums = new Float64Array(horizon);
  let trendSum = 0;
  let dampingPower = 1;
  for (let step = 1; step <= horizon; step += 1) {
    if (damped) {
      dampingPower *= phi;
      trendSum += dampingPower;
    } else {
      trendSum = step;
    }
    sums[step - 1] = trendSum;
  }
  return sums;
}
