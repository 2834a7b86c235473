// Experimental, tunable variant of the default detector for the LOCO bench (not used by the engine).

import { normalTail } from "../../src/anomaly/detectors/anomaly-likelihood";
import { detectPeriod } from "../../src/anomaly/detectors/detect-period";
import { type Assessment, type Detector, type DetectorState, MAX_SCORE } from "../../src/anomaly/detectors/detector";
import { normalQuantile } from "../../src/internal/normal-quantile";

export interface LikelihoodParameters {
  /** Errors averaged into the short mean. */
  readonly shortWindow: number;
  /** Smoothing of the long-run mean/variance of the short mean. */
  readonly longSmoothing: number;
  /** Raw error: "abs" |r|, "bounded" |r| / (|r| + s) with s the running mean |r|. */
  readonly raw: "abs" | "bounded";
  /** Also score the error of the last value as a prediction; the larger score wins. */
  readonly naive: boolean;
  readonly levelSmoothing: number;
  /** Smoothing of s for "bounded". */
  readonly scaleSmoothing: number;
  /** How the naive predictor's score joins: the larger, Stouffer's sum, or the mean of the tail probabilities. */
  readonly combine: "max" | "stouffer" | "meanTail";
  /** Boost: a value outside the range seen so far, widened by this share of the range, scores at least `boost`. */
  readonly rangeMargin: number;
  readonly scoreScale: number;
  /** Long-run statistics as running averages for the first `warmUp` points (0: from zero, as before). */
  readonly warmUp: number;
}

const SEASON_SMOOTHING = 0.05;
const MAX_PERIOD = 1000;

class Tracker {
  readonly recent: Float64Array;
  head = 0;
  filled = 0;
  sum = 0;
  mean = 0;
  variance = 0;
  absMean = 0;
  private readonly smoothing: number;
  private readonly warmUp: number;
  private count = 0;
  constructor(size: number, smoothing: number, warmUp: number) {
    this.smoothing = smoothing;
    this.warmUp = warmUp;
    this.recent = new Float64Array(size);
  }
  push(raw: number): number {
    const { recent } = this;
    this.sum += raw - (recent[this.head] as number);
    recent[this.head] = raw;
    this.head = this.head + 1 === recent.length ? 0 : this.head + 1;
    if (this.filled < recent.length) this.filled += 1;
    const shortMean = Math.max(this.sum, 0) / this.filled;
    const deviation = Math.sqrt(this.variance);
    const surprise = shortMean - this.mean;
    const score =
      deviation > 0 ? Math.min(Math.max(surprise / deviation, 0), MAX_SCORE) : surprise > 1e-9 ? MAX_SCORE : 0;
    this.count += 1;
    const smoothing = this.count < this.warmUp ? Math.max(this.smoothing, 1 / this.count) : this.smoothing;
    this.mean += smoothing * surprise;
    this.variance = (1 - smoothing) * (this.variance + smoothing * surprise * surprise);
    return score;
  }
}

export class LikelihoodExperiment implements Detector {
  private readonly profile: Float64Array;
  private phase = 0;
  private level: number;
  private previous: number;
  private readonly seasonalAbs: Tracker;
  private readonly seasonalRaw: Tracker;
  private readonly naiveAbs: Tracker;
  private readonly naiveRaw: Tracker;
  private seasonalScale = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = Number.NEGATIVE_INFINITY;
  private naiveScale = 0;

  private readonly parameters: LikelihoodParameters;
  private constructor(profile: Float64Array, level: number, parameters: LikelihoodParameters) {
    this.parameters = parameters;
    this.profile = profile;
    this.level = level;
    this.previous = level;
    const { shortWindow, longSmoothing } = parameters;
    this.seasonalAbs = new Tracker(shortWindow, longSmoothing, parameters.warmUp);
    this.seasonalRaw = new Tracker(shortWindow, longSmoothing, parameters.warmUp);
    this.naiveAbs = new Tracker(shortWindow, longSmoothing, parameters.warmUp);
    this.naiveRaw = new Tracker(shortWindow, longSmoothing, parameters.warmUp);
  }

  static train(values: Float64Array, seasonalPeriod: number, parameters: LikelihoodParameters): LikelihoodExperiment {
    const period =
      seasonalPeriod > 0
        ? seasonalPeriod
        : detectPeriod(values.subarray(Math.max(values.length - 2 * MAX_PERIOD, 0)), 0.3, MAX_PERIOD);
    const sums = new Float64Array(period);
    const counts = new Float64Array(period);
    let mean = 0;
    for (const [index, value] of values.entries()) {
      sums[index % period] = (sums[index % period] as number) + value;
      counts[index % period] = (counts[index % period] as number) + 1;
      mean += value;
    }
    mean /= values.length;
    const profile = new Float64Array(period);
    if (period > 1) {
      for (let phase = 0; phase < period; phase += 1) {
        profile[phase] = (counts[phase] as number) > 0 ? (sums[phase] as number) / (counts[phase] as number) - mean : 0;
      }
    }
    const detector = new LikelihoodExperiment(profile, mean, parameters);
    const scratch: Assessment = { score: 0, expected: 0, scale: 0 };
    for (const value of values) detector.assess(value, scratch);
    return detector;
  }

  assess(value: number, assessment: Assessment): void {
    const { profile, parameters } = this;
    const period = profile.length;
    const seasonal = profile[this.phase] as number;
    const expected = this.level + seasonal;
    const residual = Math.abs(value - expected);
    this.level += parameters.levelSmoothing * (value - seasonal - this.level);
    if (period > 1) profile[this.phase] = seasonal + SEASON_SMOOTHING * (value - this.level - seasonal);
    this.phase = this.phase + 1 === period ? 0 : this.phase + 1;

    let score = this.seasonalAbs.push(residual);
    const seasonalBand = this.seasonalAbs.mean + Math.sqrt(this.seasonalAbs.variance);
    if (parameters.raw === "bounded") {
      const bounded = this.seasonalScale > 0 ? residual / (residual + this.seasonalScale) : residual > 0 ? 1 : 0;
      score = this.seasonalRaw.push(bounded);
      this.seasonalScale += parameters.scaleSmoothing * (residual - this.seasonalScale);
    }
    assessment.score = score;
    assessment.expected = expected;
    assessment.scale = seasonalBand;
    if (parameters.naive) {
      const step = Math.abs(value - this.previous);
      let naiveScore = this.naiveAbs.push(step);
      const naiveBand = this.naiveAbs.mean + Math.sqrt(this.naiveAbs.variance);
      if (parameters.raw === "bounded") {
        const bounded = this.naiveScale > 0 ? step / (step + this.naiveScale) : step > 0 ? 1 : 0;
        naiveScore = this.naiveRaw.push(bounded);
        this.naiveScale += parameters.scaleSmoothing * (step - this.naiveScale);
      }
      if (parameters.combine === "max") {
        if (naiveScore > score) {
          assessment.score = naiveScore;
          assessment.expected = this.previous;
          assessment.scale = naiveBand;
        }
      } else if (parameters.combine === "stouffer") {
        assessment.score = (score + naiveScore) / Math.SQRT2;
      } else {
        const tail = (normalTail(score) + normalTail(naiveScore)) / 2;
        assessment.score = tail >= 0.5 ? 0 : Math.min(-normalQuantile(tail), MAX_SCORE);
      }
    }
    if (parameters.rangeMargin > 0 && this.maximum >= this.minimum) {
      const margin = parameters.rangeMargin * (this.maximum - this.minimum);
      if (value > this.maximum + margin || value < this.minimum - margin) {
        assessment.score = Math.max(assessment.score, 8);
      }
    }
    assessment.score *= parameters.scoreScale;
    if (value > this.maximum) this.maximum = value;
    if (value < this.minimum) this.minimum = value;
    this.previous = value;
  }

  toState(): DetectorState {
    return { kind: "experiment" };
  }
}
