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
  const { phi } = fit.parameters;
  const period = seasonal.length;
  const damped = fit.form.trend === "Ad";
  const means: number[] = [];
  let trendSum = 0;
  let dampingPower = 1;
  for (let step = 1; step <= horizon; step += 1) {
    if (damped) {
      dampingPower *= phi;
      trendSum += dampingPower;
    } else {
      trendSum = step;
    }
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
