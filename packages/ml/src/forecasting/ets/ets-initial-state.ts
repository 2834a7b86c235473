import { leastSquares } from "../../internal/least-squares";
import type { EtsTrendType } from "./ets-form";

/** A starting state for the optimiser; `seasonal` holds the `period - 1` free states (newest first). */
export interface EtsStartingState {
  /** Level. */
  readonly level: number;
  /** Trend; 0 without trend. */
  readonly trend: number;
  /** The first `period - 1` seasonal states, newest first; the last follows from the normalisation. */
  readonly seasonal: readonly number[];
}

const MINIMUM_SEASONAL_INDEX = 1e-2;

/**
 * Heuristic initial states, as R's `forecast::ets` computes them for its starting point (Hyndman et al. 2008, §2.6.1):
 * seasonal indices from a classical decomposition of the first three seasons (a linear-trend-plus-one-harmonic
 * regression when fewer are available), then level and trend from a regression on the first `max(10, 2m)`
 * seasonally adjusted points.
 *
 * @param values - The series (at least 4 points when seasonal).
 * @param trend - Trend type.
 * @param season - Seasonal type.
 * @param period - Seasonal period.
 * @returns The starting state.
 * @example
 * ```ts
 * const start = etsInitialState(values, "A", "M", 12);
 * ```
 */
export function etsInitialState(
  values: ArrayLike<number>,
  trend: EtsTrendType,
  season: "N" | "A" | "M",
  period: number,
): EtsStartingState {
  const count = values.length;
  let adjusted: Float64Array;
  let seasonal: number[] = [];
  if (season !== "N") {
    const profile =
      count >= 3 * period ? decomposeSeasonal(values, period, season) : harmonicSeasonal(values, period, season);
    // profile[t] is the seasonal effect of time t; the newest initial state belongs to the period just before t = 0.
    for (let lag = 0; lag < period - 1; lag += 1) seasonal.push(profile[(period - 1 - lag) % profile.length] as number);
    adjusted = new Float64Array(count);
    if (season === "A") {
      for (let time = 0; time < count; time += 1) {
        adjusted[time] = (values[time] as number) - (profile[time % profile.length] as number);
      }
    } else {
      seasonal = seasonal.map((index) => Math.max(index, MINIMUM_SEASONAL_INDEX));
      const total = seasonal.reduce((sum, index) => sum + index, 0);
      if (total > period) {
        const divisor = seasonal.reduce((sum, index) => sum + index + MINIMUM_SEASONAL_INDEX, 0);
        seasonal = seasonal.map((index) => index / divisor);
      }
      for (let time = 0; time < count; time += 1) {
        const index = Math.max(profile[time % profile.length] as number, MINIMUM_SEASONAL_INDEX);
        adjusted[time] = (values[time] as number) / index;
      }
    }
  } else {
    adjusted = Float64Array.from(values);
  }
  const span = Math.min(Math.max(10, 2 * (season === "N" ? 1 : period)), count);
  if (trend === "N") {
    let sum = 0;
    for (let time = 0; time < span; time += 1) sum += adjusted[time] as number;
    return { level: sum / span, trend: 0, seasonal };
  }
  // Least-squares line through (1, y1) … (span, y_span); its intercept is the level at time 0.
  let sumX = 0;
  let sumY = 0;
  for (let time = 0; time < span; time += 1) {
    sumX += time + 1;
    sumY += adjusted[time] as number;
  }
  const meanX = sumX / span;
  const meanY = sumY / span;
  let covariance = 0;
  let variance = 0;
  for (let time = 0; time < span; time += 1) {
    covariance += (time + 1 - meanX) * ((adjusted[time] as number) - meanY);
    variance += (time + 1 - meanX) ** 2;
  }
  let slope = variance > 0 ? covariance / variance : 0;
  let level = meanY - slope * meanX;
  // A multiplicative error needs a non-zero first forecast.
  if (Math.abs(level + slope) < 1e-8) {
    level *= 1 + 1e-3;
    slope *= 1 + 1e-3;
  }
  return { level, trend: slope, seasonal };
}

// Classical decomposition (centred moving average) of the first three seasons; returns one index per phase.
function decomposeSeasonal(values: ArrayLike<number>, period: number, season: "A" | "M"): number[] {
  const length = 3 * period;
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  const sums = new Array<number>(period).fill(0);
  const counts = new Array<number>(period).fill(0);
  for (let time = half; time < length - half; time += 1) {
    let trend = 0;
    for (let offset = -half; offset <= half; offset += 1) {
      const weight = even && Math.abs(offset) === half ? 0.5 : 1;
      trend += weight * (values[time + offset] as number);
    }
    trend /= period;
    const value = values[time] as number;
    const phase = time % period;
    sums[phase] = (sums[phase] ?? 0) + (season === "A" ? value - trend : value / trend);
    counts[phase] = (counts[phase] ?? 0) + 1;
  }
  const figure = sums.map((sum, phase) => sum / (counts[phase] || 1));
  const mean = figure.reduce((sum, value) => sum + value, 0) / period;
  return figure.map((value) => (season === "A" ? value - mean : value / mean));
}

// Short series: regress on intercept, linear trend and one harmonic; the seasonal effect is what the line leaves.
function harmonicSeasonal(values: ArrayLike<number>, period: number, season: "A" | "M"): number[] {
  const count = values.length;
  const rows: number[][] = [];
  for (let time = 1; time <= count; time += 1) {
    const angle = (2 * Math.PI * time) / period;
    const row = [1, time, Math.cos(angle)];
    // With period 2 the sine column is identically zero.
    if (period > 2) row.push(Math.sin(angle));
    rows.push(row);
  }
  const [intercept = 0, slope = 0] = leastSquares(rows, values);
  const profile: number[] = [];
  for (let time = 0; time < count; time += 1) {
    const line = intercept + slope * (time + 1);
    profile.push(season === "A" ? (values[time] as number) - line : (values[time] as number) / line);
  }
  return profile;
}
