import { type Assessment, type Detector, type DetectorState, MAX_SCORE } from "./detector";
import { medianAndScale } from "./median";
import { invalidState, readArray, readNumber } from "./read-state";

/** Sums of one segment: Σy, Σj·y (j = 0 … H−1 within the segment) and Σy², of values centred on the offset. */
interface SegmentSums {
  sum: number;
  weighted: number;
  squares: number;
}

/**
 * Trend changes by a two-segment regression test. The last 2H points are split into an older and a newer segment of
 * H points; each gets its own least-squares line, and the score is the t statistic of the difference of the two
 * slopes, `(b₂ − b₁) / (σ · √(2 / Sxx))`, with σ² the pooled residual variance (2H − 4 degrees of freedom) and
 * `Sxx = H(H² − 1) / 12`. Separate intercepts make a level shift at the boundary cost nothing, and a single outlier
 * cannot push |t| above about 1.7 however large it is, so what scores is a sustained change of slope (a shift in the
 * middle of a segment also bends that segment's line and scores). The sums slide in O(1) per point and are recomputed
 * exactly every 2H points so rounding cannot accumulate. Values are centred on the training median first for the
 * same reason. `expected` is the older segment's line extended to the current point.
 */
export class TrendChangeDetector implements Detector {
  private readonly half: number;
  private readonly buffer: Float64Array;
  private readonly offset: number;
  private filled: number;
  private head: number;
  private sinceRecompute: number;
  private readonly older: SegmentSums;
  private readonly newer: SegmentSums;

  private constructor(half: number, buffer: Float64Array, numbers: readonly number[]) {
    this.half = half;
    this.buffer = buffer;
    const [offset = 0, filled = 0, head = 0, since = 0, s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0, t2 = 0] = numbers;
    this.offset = offset;
    this.filled = filled;
    this.head = head;
    this.sinceRecompute = since;
    this.older = { sum: s0, weighted: s1, squares: s2 };
    this.newer = { sum: t0, weighted: t1, squares: t2 };
  }

  /**
   * @param values - Training values.
   * @param half - Points per segment H (at least 3).
   */
  static train(values: Float64Array, half: number): TrendChangeDetector {
    const [median] = medianAndScale(values);
    const detector = new TrendChangeDetector(half, new Float64Array(2 * half), [median]);
    const scratch: Assessment = { score: 0, expected: 0, scale: 0 };
    for (const value of values.subarray(Math.max(values.length - 2 * half, 0))) detector.assess(value, scratch);
    return detector;
  }

  static restore(state: DetectorState, half: number): TrendChangeDetector {
    if (readNumber(state, "half", true) !== half) throw invalidState(`field "half" must be ${half}`);
    const buffer = readArray(state, "buffer", 2 * half);
    const fields = ["offset", "filled", "head", "sinceRecompute"];
    const numbers = fields.map((field) => readNumber(state, field, field !== "offset"));
    const [, filled = 0, head = 0, since = 0] = numbers;
    if (filled < 0 || filled > 2 * half || head < 0 || head >= 2 * half || since < 0 || since > 2 * half) {
      throw invalidState('fields "filled", "head" and "sinceRecompute" must fit the window');
    }
    const sums = readArray(state, "sums", 6);
    return new TrendChangeDetector(half, buffer, [...numbers, ...sums]);
  }

  assess(value: number, assessment: Assessment): void {
    this.push(value - this.offset);
    const { half, older, newer } = this;
    assessment.kind = "trend-change";
    if (this.filled < 2 * half) {
      assessment.score = 0;
      assessment.expected = value;
      assessment.scale = 0;
      return;
    }
    let statistics = segmentStatistics(older, newer, half);
    // One-pass sums lose about 1e-16 of the largest squares that slid through them; when the residual is that
    // small, the exact sums from the buffer decide (O(H), only on nearly exact lines).
    if (statistics.residual <= 1e-9 * (older.squares + newer.squares) && this.sinceRecompute > 0) {
      this.recompute();
      statistics = segmentStatistics(older, newer, half);
    }
    const { olderSlope, newerSlope, residual, spread, centre } = statistics;
    // Rounding leaves residuals of order 1e-16 of the sums of squares on exact lines; treat those as zero.
    const floor = 1e-12 * (older.squares + newer.squares);
    const variance = residual > floor ? residual / (2 * half - 4) : 0;
    const deviation = Math.sqrt(variance);
    const difference = newerSlope - olderSlope;
    const standardError = deviation * Math.sqrt(2 / spread);
    let score: number;
    if (standardError > 0) score = Math.min(Math.abs(difference) / standardError, MAX_SCORE);
    else score = Math.abs(difference) > 1e-9 * (Math.abs(olderSlope) + Math.abs(newerSlope)) + 1e-300 ? MAX_SCORE : 0;
    assessment.score = score;
    // The older line, intercept at its own position 0, extended 2H − 1 positions to the current point.
    const olderIntercept = older.sum / half - olderSlope * centre;
    assessment.expected = this.offset + olderIntercept + olderSlope * (2 * half - 1);
    assessment.scale = deviation;
  }

  private push(centred: number): void {
    const { half, buffer, older, newer } = this;
    const size = 2 * half;
    if (this.filled < size) {
      buffer[(this.head + this.filled) % size] = centred;
      this.filled += 1;
      if (this.filled === size) this.recompute();
      return;
    }
    // The oldest point leaves the older segment, the newer segment's first point moves into it, the new one arrives.
    const leaving = buffer[this.head] as number;
    const moving = buffer[(this.head + half) % size] as number;
    slide(older, leaving, moving, half);
    slide(newer, moving, centred, half);
    buffer[this.head] = centred;
    this.head = this.head + 1 === size ? 0 : this.head + 1;
    this.sinceRecompute += 1;
    if (this.sinceRecompute >= size) this.recompute();
  }

  private recompute(): void {
    const { half, buffer, older, newer } = this;
    const size = 2 * half;
    for (const [segment, start] of [
      [older, 0],
      [newer, half],
    ] as const) {
      segment.sum = 0;
      segment.weighted = 0;
      segment.squares = 0;
      for (let position = 0; position < half; position += 1) {
        const value = buffer[(this.head + start + position) % size] as number;
        segment.sum += value;
        segment.weighted += position * value;
        segment.squares += value * value;
      }
    }
    this.sinceRecompute = 0;
  }

  toState(): DetectorState {
    const { older, newer } = this;
    return {
      kind: "trend",
      half: this.half,
      buffer: Array.from(this.buffer),
      offset: this.offset,
      filled: this.filled,
      head: this.head,
      sinceRecompute: this.sinceRecompute,
      sums: [older.sum, older.weighted, older.squares, newer.sum, newer.weighted, newer.squares],
    };
  }
}

/** Both segments' least-squares slopes and their summed residual sum of squares, from the sums. */
function segmentStatistics(older: SegmentSums, newer: SegmentSums, half: number) {
  const centre = (half - 1) / 2;
  const spread = (half * (half * half - 1)) / 12;
  const olderSlope = (older.weighted - centre * older.sum) / spread;
  const newerSlope = (newer.weighted - centre * newer.sum) / spread;
  const residual =
    Math.max(older.squares - (older.sum * older.sum) / half - olderSlope * olderSlope * spread, 0) +
    Math.max(newer.squares - (newer.sum * newer.sum) / half - newerSlope * newerSlope * spread, 0);
  return { olderSlope, newerSlope, residual, spread, centre };
}

/** Drops a segment's first value and appends one: every position shifts down by one. */
function slide(segment: SegmentSums, leaving: number, arriving: number, half: number): void {
  segment.weighted = segment.weighted - (segment.sum - leaving) + (half - 1) * arriving;
  segment.sum += arriving - leaving;
  segment.squares += arriving * arriving - leaving * leaving;
}
