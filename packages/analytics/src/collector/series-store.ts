import { PelbiotError } from "@pelbiot/core";
import type { MetricTags } from "./analytics-data-collector-types";
import { createAggregate, mergeAggregate, type WindowAggregate } from "./window-aggregate";

/** One event name, or one metric name with one tag set, and its windows by start time. */
export interface Series {
  readonly kind: "event" | "metric";
  readonly name: string;
  readonly tags: MetricTags;
  readonly windows: Map<number, WindowAggregate>;
  /** Number of tags, for the hot path's cache check. */
  readonly tagCount: number;
  /** Set when the series was removed (retention), so cached references are not used again. */
  removed: boolean;
  /** The most recently used window, the hot path's shortcut. */
  lastStart: number;
  lastAggregate: WindowAggregate | undefined;
}

/** The limits the store enforces. */
export interface SeriesLimits {
  readonly aggregationWindowMs: number;
  readonly maxWindowsPerSeries: number;
  readonly maxSeriesPerMetric: number;
  readonly maxSeries: number;
  readonly relativeAccuracy: number;
}

/** The key of a metric series: its name and its tags sorted by key. */
export function metricSeriesKey(name: string, tags: MetricTags): string {
  const keys = Object.keys(tags);
  if (keys.length === 0) return name;
  if (keys.length > 1) keys.sort();
  let key = name;
  for (const tag of keys) key += `\u0000${tag}\u0001${tags[tag]}`;
  return key;
}

/**
 * Every series and its windows, with the caps that bound memory: total series, series per metric name (tag
 * cardinality) and windows per series (oldest evicted first, reported through `onEvicted`).
 */
export class SeriesStore {
  readonly events = new Map<string, Series>();
  readonly metrics = new Map<string, Series>();
  readonly #seriesPerMetric = new Map<string, number>();
  readonly #byTags = new WeakMap<object, Series>();
  readonly #limits: SeriesLimits;
  readonly #onEvicted: (series: Series, count: number) => void;

  constructor(limits: SeriesLimits, onEvicted: (series: Series, count: number) => void) {
    this.#limits = limits;
    this.#onEvicted = onEvicted;
  }

  /** Total series held. */
  get size(): number {
    return this.events.size + this.metrics.size;
  }

  /** The start of the window holding `timestamp`. */
  windowStart(timestamp: number): number {
    const width = this.#limits.aggregationWindowMs;
    return Math.floor(timestamp / width) * width;
  }

  /**
   * Whether a value with this name (and tags) could be stored without passing a series cap.
   *
   * @throws {PelbiotError} LIMIT_EXCEEDED `{ limit, got }` when it would open one series too many.
   */
  assertRoom(context: string, kind: "event" | "metric", name: string, key: string, extra = 1): void {
    const map = kind === "event" ? this.events : this.metrics;
    if (map.has(key)) return;
    if (this.size + extra > this.#limits.maxSeries) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `${context}: ${JSON.stringify(name)} would open series ${this.size + extra}; at most ${this.#limits.maxSeries} (maxSeries) are kept.`,
        { details: { limit: this.#limits.maxSeries, got: this.size + extra } },
      );
    }
    if (kind === "metric") {
      const count = (this.#seriesPerMetric.get(name) ?? 0) + extra;
      if (count > this.#limits.maxSeriesPerMetric) {
        throw new PelbiotError(
          "LIMIT_EXCEEDED",
          `${context}: metric ${JSON.stringify(name)} would have ${count} tag sets; at most ${this.#limits.maxSeriesPerMetric} ` +
            "(maxSeriesPerMetric) are accepted: keep high-cardinality values such as ids out of tags.",
          { details: { limit: this.#limits.maxSeriesPerMetric, got: count } },
        );
      }
    }
  }

  /**
   * The metric series of `name` and `tags` when the same tags object was used before (the hot path: no key string is
   * built). The cached series is checked against the object's current values, so a mutated object misses.
   */
  cachedMetric(name: string, tags: MetricTags | undefined): Series | undefined {
    if (tags === undefined) return this.metrics.get(name);
    const series = this.#byTags.get(tags);
    if (series === undefined || series.removed || series.name !== name) return undefined;
    let count = 0;
    for (const key in tags) {
      if (series.tags[key] !== tags[key]) return undefined;
      count += 1;
    }
    return count === series.tagCount ? series : undefined;
  }

  /** Remembers the series a tags object maps to, for {@link SeriesStore.cachedMetric}. */
  remember(tags: MetricTags | undefined, series: Series): void {
    if (tags !== undefined) this.#byTags.set(tags, series);
  }

  /** The series for a key, created when absent (call {@link SeriesStore.assertRoom} first). */
  series(kind: "event" | "metric", key: string, name: string, tags: MetricTags): Series {
    const map = kind === "event" ? this.events : this.metrics;
    let series = map.get(key);
    if (series === undefined) {
      const copy = Object.freeze({ ...tags });
      series = {
        kind,
        name,
        tags: copy,
        windows: new Map(),
        tagCount: Object.keys(copy).length,
        removed: false,
        lastStart: Number.NaN,
        lastAggregate: undefined,
      };
      map.set(key, series);
      if (kind === "metric") this.#seriesPerMetric.set(name, (this.#seriesPerMetric.get(name) ?? 0) + 1);
    }
    return series;
  }

  /** The aggregate of the window holding `timestamp`, created (and the oldest evicted past the cap) when absent. */
  aggregate(series: Series, timestamp: number): WindowAggregate {
    const start = this.windowStart(timestamp);
    if (start === series.lastStart && series.lastAggregate !== undefined) return series.lastAggregate;
    let aggregate = series.windows.get(start);
    if (aggregate === undefined) {
      aggregate = createAggregate(series.kind === "metric", this.#limits.relativeAccuracy);
      series.windows.set(start, aggregate);
      if (series.windows.size > this.#limits.maxWindowsPerSeries) this.#evictOldest(series);
    }
    series.lastStart = start;
    series.lastAggregate = aggregate;
    return aggregate;
  }

  #evictOldest(series: Series): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const start of series.windows.keys()) if (start < oldest) oldest = start;
    series.windows.delete(oldest);
    if (series.lastStart === oldest) series.lastAggregate = undefined;
    this.#onEvicted(series, 1);
  }

  /** Removes windows that ended at or before `cutoff`, and series left empty; returns how many windows went. */
  evictBefore(cutoff: number): number {
    let evicted = 0;
    for (const map of [this.events, this.metrics]) {
      for (const [key, series] of map) {
        let removed = 0;
        for (const start of series.windows.keys()) {
          if (start + this.#limits.aggregationWindowMs <= cutoff) {
            series.windows.delete(start);
            removed += 1;
          }
        }
        if (removed > 0) {
          series.lastAggregate = undefined;
          series.lastStart = Number.NaN;
          this.#onEvicted(series, removed);
          evicted += removed;
        }
        if (series.windows.size === 0) this.#remove(map, key, series);
      }
    }
    return evicted;
  }

  #remove(map: Map<string, Series>, key: string, series: Series): void {
    map.delete(key);
    series.removed = true;
    if (series.kind !== "metric") return;
    const count = (this.#seriesPerMetric.get(series.name) ?? 1) - 1;
    if (count === 0) this.#seriesPerMetric.delete(series.name);
    else this.#seriesPerMetric.set(series.name, count);
  }

  /** Merges the windows of `series` starting in `[from, to)` into one aggregate; `undefined` when none. */
  mergeRange(
    series: Series,
    from: number,
    to: number,
  ): { aggregate: WindowAggregate; first: number; last: number } | undefined {
    let result: { aggregate: WindowAggregate; first: number; last: number } | undefined;
    for (const [start, aggregate] of series.windows) {
      if (start < from || start >= to) continue;
      if (result === undefined) {
        result = {
          aggregate: createAggregate(series.kind === "metric", this.#limits.relativeAccuracy),
          first: start,
          last: start,
        };
      }
      mergeAggregate(result.aggregate, aggregate);
      if (start < result.first) result.first = start;
      if (start > result.last) result.last = start;
    }
    return result;
  }
}
