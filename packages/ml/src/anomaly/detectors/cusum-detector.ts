import { type Assessment, type Detector, type DetectorState, MAX_SCORE } from "./detector";
import { medianAndScale } from "./median";
import { invalidState, readNumber } from "./read-state";

/** CUSUM slack k in units of σ: shifts smaller than k·σ are not accumulated. */
const SLACK = 0.5;
/** Smoothing of the recent mean that becomes the new reference after an alarm. */
const RECENT_SMOOTHING = 0.1;

/**
 * Two-sided tabular CUSUM (Page 1954; Montgomery, Introduction to Statistical Quality Control, §9.1) on values
 * standardised by the training median and 1.4826·MAD: `S⁺ = max(0, S⁺ + z − k)`, `S⁻ = max(0, S⁻ − z − k)`. The score
 * is `max(S⁺, S⁻) / 2`, so a threshold of 2.5 is the textbook decision interval h = 5. After an alarm the reference
 * moves to the recent mean (the new level is accepted) and the sums restart. O(1) per point.
 */
export class CusumDetector implements Detector {
  private readonly threshold: number;
  private reference: number;
  private readonly scale: number;
  private upper: number;
  private lower: number;
  private recentMean: number;

  private constructor(threshold: number, numbers: readonly [number, number, number, number, number]) {
    this.threshold = threshold;
    [this.reference, this.scale, this.upper, this.lower, this.recentMean] = numbers;
  }

  static train(values: Float64Array, threshold: number): CusumDetector {
    const [median, robustScale] = medianAndScale(values);
    let scale = robustScale;
    if (!(scale > 0)) {
      // A mostly constant history has MAD 0; fall back to the standard deviation so the sums stay finite.
      let mean = 0;
      for (const value of values) mean += value;
      mean /= values.length;
      let variance = 0;
      for (const value of values) variance += (value - mean) ** 2;
      scale = Math.sqrt(variance / values.length);
    }
    return new CusumDetector(threshold, [median, scale, 0, 0, median]);
  }

  static restore(state: DetectorState, threshold: number): CusumDetector {
    const scale = readNumber(state, "scale");
    if (scale < 0) throw invalidState('field "scale" must not be negative');
    return new CusumDetector(threshold, [
      readNumber(state, "reference"),
      scale,
      readNumber(state, "upper"),
      readNumber(state, "lower"),
      readNumber(state, "recentMean"),
    ]);
  }

  assess(value: number, assessment: Assessment): void {
    const { scale } = this;
    const deviation = value - this.reference;
    const standardised = scale > 0 ? deviation / scale : deviation === 0 ? 0 : Math.sign(deviation) * MAX_SCORE;
    this.upper = Math.min(Math.max(0, this.upper + standardised - SLACK), MAX_SCORE);
    this.lower = Math.min(Math.max(0, this.lower - standardised - SLACK), MAX_SCORE);
    this.recentMean += RECENT_SMOOTHING * (value - this.recentMean);
    const score = Math.max(this.upper, this.lower) / 2;
    assessment.score = score;
    assessment.kind = "level-shift";
    assessment.expected = this.reference;
    assessment.scale = scale;
    if (score > this.threshold) {
      this.reference = this.recentMean;
      this.upper = 0;
      this.lower = 0;
    }
  }

  toState(): DetectorState {
    return {
      kind: "cusum",
      reference: this.reference,
      scale: this.scale,
      upper: this.upper,
      lower: this.lower,
      recentMean: this.recentMean,
    };
  }
}
