import type { EnsembleMember } from "../time-series-forecasting-engine-types";

/** Which forecasts make the point forecast of `model: "validated-ensemble"`, and how they are combined. */
export interface EnsembleRule {
  /** Mean or median of the members' forecasts at each step. */
  readonly statistic: "mean" | "median";
  /** The members, in the order ETS, ARIMA, Theta, drift. */
  readonly members: readonly EnsembleMember[];
}

const NON_SEASONAL: EnsembleRule = Object.freeze({
  statistic: "mean",
  members: Object.freeze<EnsembleMember[]>(["arima", "drift"]),
});
const SEASONAL: EnsembleRule = Object.freeze({
  statistic: "median",
  members: Object.freeze<EnsembleMember[]>(["ets", "arima", "theta", "drift"]),
});

/**
 * The rule of `model: "validated-ensemble"` for a seasonal period. Each rule was chosen, among the means and medians
 * of every subset of five simple forecasts (automatic ETS, ARIMA, Theta, damped-trend ETS, random walk with drift),
 * as the one with the smallest error on the training parts of the M1 competition's series (the last h points of each
 * training part held back; non-seasonal: the 181 yearly series; seasonal: the 198 quarterly series and 217 of the
 * 617 monthly ones, the two categories equally weighted), never on their test parts. See BENCHMARKS.md.
 *
 * @param period - Seasonal period (1 = none).
 * @returns The rule: non-seasonal series the mean of ARIMA and the drift, seasonal ones the median of ETS, ARIMA,
 * Theta and the drift (the mean of the middle two).
 */
export function ensembleRuleFor(period: number): EnsembleRule {
  return period > 1 ? SEASONAL : NON_SEASONAL;
}
