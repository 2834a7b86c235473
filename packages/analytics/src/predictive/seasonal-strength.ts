import { detectSeasonalPeriod, stl } from "@pelbiot/ml";
import type { SeasonalityAnalysis } from "./predictive-analytics-engine-types";

function variance(values: ArrayLike<number>): number {
  const n = values.length;
  let mean = 0;
  for (let index = 0; index < n; index += 1) mean += (values[index] as number) / n;
  let sum = 0;
  for (let index = 0; index < n; index += 1) sum += ((values[index] as number) - mean) ** 2;
  return sum / Math.max(1, n - 1);
}

function varianceOfSum(left: ArrayLike<number>, right: ArrayLike<number>): number {
  return variance(
    Array.from({ length: left.length }, (_, index) => (left[index] as number) + (right[index] as number)),
  );
}

/** `max(0, 1 − Var(R) / Var(C + R))`, and 0 when C + R does not vary (nothing to explain). */
function strength(component: ArrayLike<number>, remainder: ArrayLike<number>): number {
  const total = varianceOfSum(component, remainder);
  if (!(total > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - variance(remainder) / total));
}

/**
 * Seasonality of a series. The period is the one given, or the lag at which the autocorrelation of the first
 * differences peaks significantly (`detectSeasonalPeriod` of `@pelbiot/ml`). The strengths follow Hyndman &
 * Athanasopoulos, "Forecasting: Principles and Practice" (3rd ed., §4.3): with an STL decomposition
 * y = T + S + R (periodic seasonal window, robust fitting), F_S = max(0, 1 − Var(R) / Var(S + R)) and
 * F_T = max(0, 1 − Var(R) / Var(T + R)).
 *
 * @param values - Finite values, oldest first, equally spaced.
 * @param settings - A fixed period (or none), the longest period searched and the strength threshold.
 * @returns Period, strengths and whether the series counts as seasonal.
 */
export function analyzeSeasonality(
  values: readonly number[],
  settings: { period: number | undefined; maxPeriod: number; minSeasonalStrength: number },
): SeasonalityAnalysis {
  const period = settings.period ?? detectSeasonalPeriod(values, { maxPeriod: settings.maxPeriod });
  if (period < 2 || values.length < 2 * period) {
    return { period, strength: 0, trendStrength: 0, seasonal: false };
  }
  const { seasonal, trend, remainder } = stl(values, { period, seasonalWindow: "periodic" });
  const seasonalStrength = strength(seasonal, remainder);
  return {
    period,
    strength: seasonalStrength,
    trendStrength: strength(trend, remainder),
    seasonal: seasonalStrength >= settings.minSeasonalStrength,
  };
}
