import type { MetricPoint } from "./analytics-data-collector-types";
import type { Series } from "./series-store";

/**
 * The last `capacity` metric values, stored by column (series, value, timestamp) in a ring, so recording a value
 * allocates nothing; `toArray()` builds the point objects when they are read.
 */
export class PointBuffer {
  readonly #series: (Series | undefined)[];
  readonly #values: Float64Array;
  readonly #timestamps: Float64Array;
  readonly #capacity: number;
  #head = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#series = new Array<Series | undefined>(capacity).fill(undefined);
    this.#values = new Float64Array(capacity);
    this.#timestamps = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a value; returns the series of the evicted value when the ring was full. */
  push(series: Series, value: number, timestamp: number): Series | undefined {
    if (this.#capacity === 0) return undefined;
    let slot: number;
    let evicted: Series | undefined;
    if (this.#size < this.#capacity) {
      slot = (this.#head + this.#size) % this.#capacity;
      this.#size += 1;
    } else {
      slot = this.#head;
      evicted = this.#series[slot];
      this.#head = (this.#head + 1) % this.#capacity;
    }
    this.#series[slot] = series;
    this.#values[slot] = value;
    this.#timestamps[slot] = timestamp;
    return evicted;
  }

  /** The kept points, oldest first. */
  toArray(): MetricPoint[] {
    const points: MetricPoint[] = [];
    for (let index = 0; index < this.#size; index += 1) {
      const slot = (this.#head + index) % this.#capacity;
      const series = this.#series[slot] as Series;
      points.push({
        name: series.name,
        value: this.#values[slot] as number,
        tags: series.tags,
        timestamp: this.#timestamps[slot] as number,
      });
    }
    return points;
  }

  /** Removes the values stamped before `cutoff`; returns how many went. */
  evictBefore(cutoff: number): number {
    const kept: [Series, number, number][] = [];
    for (let index = 0; index < this.#size; index += 1) {
      const slot = (this.#head + index) % this.#capacity;
      const timestamp = this.#timestamps[slot] as number;
      if (timestamp >= cutoff) kept.push([this.#series[slot] as Series, this.#values[slot] as number, timestamp]);
    }
    const removed = this.#size - kept.length;
    if (removed === 0) return 0;
    this.#series.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    for (const [series, value, timestamp] of kept) this.push(series, value, timestamp);
    return removed;
  }
}
