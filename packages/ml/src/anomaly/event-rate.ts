/**
 * Turns a stream of events into a rate series: events are counted in fixed intervals, and each interval, once it is
 * over, becomes one point `{ timestamp: interval start, value: count }`. Intervals with no event are points with
 * value 0, so a silence after a burst is part of the series, as it is for a human reading a rate chart.
 */

/** The open interval of one event name. */
export interface EventRateCounter {
  /** Start of the open interval, epoch ms, a multiple of the interval length. */
  start: number;
  count: number;
}

/** One closed interval. */
export interface RatePoint {
  readonly timestamp: number;
  readonly value: number;
}

/**
 * Empty intervals filled in after a long silence, at most. A week of one-minute intervals fits; a longer silence
 * keeps only its last intervals, which is all a detector with a bounded memory would use anyway.
 */
export const MAX_FILLED_INTERVALS = 20_160;

/** The start of the interval holding `time`. */
export function intervalStart(time: number, intervalMs: number): number {
  return Math.floor(time / intervalMs) * intervalMs;
}

/**
 * Closes every interval of `counter` that ends at or before `time` and returns their points in time order (the
 * open interval first, then one zero point per empty interval). Afterwards the counter's open interval is the one
 * holding `time`, with its count unchanged when `time` is still inside it and 0 otherwise.
 */
export function closeIntervals(counter: EventRateCounter, time: number, intervalMs: number): RatePoint[] {
  const current = intervalStart(time, intervalMs);
  if (current <= counter.start) return [];
  const points: RatePoint[] = [{ timestamp: counter.start, value: counter.count }];
  const empty = Math.round((current - counter.start) / intervalMs) - 1;
  const filled = Math.min(empty, MAX_FILLED_INTERVALS);
  for (let index = empty - filled + 1; index <= empty; index += 1) {
    points.push({ timestamp: counter.start + index * intervalMs, value: 0 });
  }
  counter.start = current;
  counter.count = 0;
  return points;
}
