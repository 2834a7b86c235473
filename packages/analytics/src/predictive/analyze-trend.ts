import { mannKendall } from "./mann-kendall";
import type { TrendAnalysis } from "./predictive-analytics-engine-types";
import { senSlope } from "./sen-slope";

/**
 * Least-squares line of the values against their index.
 *
 * @param values - At least 2 values.
 * @returns Slope per step, intercept at index 0 and R².
 */
export function leastSquaresLine(values: readonly number[]): { slope: number; intercept: number; rSquared: number } {
  const n = values.length;
  const meanIndex = (n - 1) / 2;
  let meanValue = 0;
  for (const value of values) meanValue += value / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  values.forEach((value, index) => {
    sxy += (index - meanIndex) * (value - meanValue);
    sxx += (index - meanIndex) ** 2;
    syy += (value - meanValue) ** 2;
  });
  const slope = sxy / sxx;
  return { slope, intercept: meanValue - slope * meanIndex, rSquared: syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

/**
 * The trend of a series: least-squares and Sen's slopes per step, the Mann-Kendall test, and a direction that is
 * `no_trend` unless the test is significant at `significanceLevel`.
 *
 * @param values - At least 3 finite values, oldest first, equally spaced.
 * @param significanceLevel - The test's level, e.g. 0.05.
 * @returns The analysis.
 */
export function analyzeTrend(values: readonly number[], significanceLevel: number): TrendAnalysis {
  const line = leastSquaresLine(values);
  const sen = senSlope(values);
  const test = mannKendall(values);
  const significant = test.s !== 0 && test.pValue < significanceLevel;
  const change = sen.slope * (values.length - 1);
  return {
    n: values.length,
    direction: significant ? (test.s > 0 ? "increasing" : "decreasing") : "no_trend",
    significant,
    slope: line.slope,
    intercept: line.intercept,
    rSquared: line.rSquared,
    senSlope: sen.slope,
    senIntercept: sen.intercept,
    percentChange: sen.intercept === 0 ? null : (100 * change) / Math.abs(sen.intercept),
    mannKendall: test,
  };
}
