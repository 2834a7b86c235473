import type { ValueStats } from "./analytics-data-collector-types";
import { DDSketch } from "./dd-sketch";
import { addDistinct, createDistinctCounter, type DistinctCounter, mergeDistinct } from "./distinct-counter";

/**
 * What one series aggregates in one window (or a merge of windows): exact count, sum, min and max, a DDSketch of
 * the values (metric series) and a distinct-user counter (event series). Merging two aggregates gives exactly the
 * aggregate of the union of their values (up to floating-point rounding of `sum`).
 */
export interface WindowAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** DDSketch of the values; metric series only. */
  sketch: QuantileSketch | undefined;
  /** Distinct user ids; event series only, created on the first user id. */
  users: DistinctCounter | undefined;
}

/** The DDSketch variant used: dense bins, the lowest collapsed past {@link SKETCH_BIN_LIMIT}. */
export type QuantileSketch = DDSketch;

/**
 * Bins per sign a sketch keeps at most, so a series' memory is bounded whatever it receives. At α = 1 % they span
 * values over a ratio of about e^(2·0.01·2048) ≈ 6·10^17 at full accuracy (per sign); past it the lowest bins are
 * collapsed, so only quantiles below that range lose accuracy, and merges are exact only up to that collapse.
 */
export const SKETCH_BIN_LIMIT = 2048;

/** An empty sketch. */
export function createSketch(relativeAccuracy: number): QuantileSketch {
  return new DDSketch(relativeAccuracy, SKETCH_BIN_LIMIT);
}

/** An empty aggregate; `withSketch` for metric series. */
export function createAggregate(withSketch: boolean, relativeAccuracy: number): WindowAggregate {
  return {
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    sketch: withSketch ? createSketch(relativeAccuracy) : undefined,
    users: undefined,
  };
}

/** Adds one metric value. */
export function addValue(aggregate: WindowAggregate, value: number): void {
  aggregate.count += 1;
  aggregate.sum += value;
  if (value < aggregate.min) aggregate.min = value;
  if (value > aggregate.max) aggregate.max = value;
  aggregate.sketch?.accept(value);
}

/** Adds one event occurrence, with its user when there is one. */
export function addOccurrence(aggregate: WindowAggregate, userId: string | null): void {
  aggregate.count += 1;
  if (userId === null) return;
  aggregate.users ??= createDistinctCounter();
  addDistinct(aggregate.users, userId);
}

/** Merges `source` into `target`; both were created with the same relative accuracy. */
export function mergeAggregate(target: WindowAggregate, source: WindowAggregate): void {
  target.count += source.count;
  target.sum += source.sum;
  if (source.min < target.min) target.min = source.min;
  if (source.max > target.max) target.max = source.max;
  if (source.sketch !== undefined && target.sketch !== undefined) mergeSketch(target.sketch, source.sketch);
  if (source.users !== undefined) {
    target.users ??= createDistinctCounter();
    mergeDistinct(target.users, source.users);
  }
}

/** Merges the bins of `source` into `target` (both stores, so negative values are kept). */
export function mergeSketch(target: QuantileSketch, source: QuantileSketch): void {
  if (source.count === 0) return;
  target.merge(source);
}

/** Reads the stats of an aggregate (`null` fields when it holds no value). */
export function toValueStats(aggregate: WindowAggregate): ValueStats {
  if (aggregate.count === 0) {
    return { count: 0, sum: 0, min: null, max: null, mean: null, p50: null, p90: null, p95: null, p99: null };
  }
  const quantile = (q: number): number | null => {
    const { sketch } = aggregate;
    if (sketch === undefined) return null;
    // The sketch's estimate is within the relative accuracy; clamping to the exact range keeps it there.
    return Math.min(aggregate.max, Math.max(aggregate.min, sketch.getValueAtQuantile(q)));
  };
  return {
    count: aggregate.count,
    sum: aggregate.sum,
    min: aggregate.min,
    max: aggregate.max,
    mean: aggregate.sum / aggregate.count,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p95: quantile(0.95),
    p99: quantile(0.99),
  };
}
