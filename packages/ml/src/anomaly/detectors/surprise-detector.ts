import { likelihoodScore } from "./anomaly-likelihood";
import { ContextGate } from "./context-gate";
import { type Assessment, type Detector, type DetectorState, MAX_SCORE } from "./detector";
import { invalidState, readArray, readNumber } from "./read-state";
import { seasonalMeans } from "./seasonal-means";

/** Smoothing of the level (additive Holt-Winters α). */
const LEVEL_SMOOTHING = 0.02;
/** Smoothing of the seasonal profile (Holt-Winters γ). */
const SEASON_SMOOTHING = 0.05;
/** Points averaged into the short-term mean absolute residual. */
const SHORT_WINDOW = 10;
/** Smoothing of the long-run mean and variance of that short-term mean (memory of about 1000 points). */
const LONG_SMOOTHING = 0.001;
/** A value beyond the range seen so far by more than this share of the range is in new territory. */
const RANGE_MARGIN = 0.1;
/** Values the range must hold before new territory counts (a range of a few points means nothing yet). */
const RANGE_WARM_UP = 500;
/**
 * The score of a value in new territory: the likelihood's z of a tail probability of about 6e-16, above any
 * sensible threshold, so the engine's point check and cooldown alone decide whether it is reported.
 */
export const NEW_RANGE_SCORE = 8;

/**
 * The `"auto"` detector (and the one beneath `"resonance"`, the default). A seasonal baseline (additive Holt-Winters
 * level + seasonal profile without trend) predicts each point; the mean absolute prediction error over the last 10
 * points is compared with the long-run Gaussian of such means (exponentially weighted mean and variance, a memory of
 * about 1000 points), and the score is the standard-normal quantile of that anomaly likelihood
 * (see {@link likelihoodScore}). Like Numenta's anomaly likelihood this asks "are the errors unusually large for this series right
 * now?", so it adapts to each series' noise and catches spikes, level shifts and bursts of volatility alike. A value
 * outside the range seen so far (widened by 10% of its width on each side) scores at least {@link NEW_RANGE_SCORE}: new
 * territory is reported at once, before the error mean has risen. And a score counts only while the stream's recent
 * levels follow a path it has not taken before ({@link ContextGate}: contexts of the last 1 to 6 of eight levels, as in
 * the Contextual Anomaly Detector), so a large error along a known path (a recurring burst) is not reported. O(1) per
 * point (a bounded dictionary of 4096 transitions).
 */
export class SurpriseDetector implements Detector {
  private readonly profile: Float64Array;
  private readonly recent: Float64Array;
  private phase: number;
  private level: number;
  private head: number;
  private filled: number;
  private recentSum: number;
  private longMean: number;
  private longVariance: number;
  private minimum: number;
  private maximum: number;
  /** Values the range holds, counted up to {@link RANGE_WARM_UP}. */
  private rangePoints: number;
  /** The context gate; absent in detectors restored from states written before it (they score as they did). */
  private readonly gate: ContextGate | undefined;

  private constructor(
    profile: Float64Array,
    recent: Float64Array,
    numbers: readonly number[],
    gate: ContextGate | undefined,
  ) {
    this.profile = profile;
    this.recent = recent;
    this.gate = gate;
    [
      this.phase,
      this.level,
      this.head,
      this.filled,
      this.recentSum,
      this.longMean,
      this.longVariance,
      this.minimum,
      this.maximum,
      this.rangePoints,
    ] = numbers as [number, number, number, number, number, number, number, number, number, number];
  }

  static train(values: Float64Array, seasonalPeriod: number): SurpriseDetector {
    const { mean, profile } = seasonalMeans(values, seasonalPeriod);
    const numbers = [0, mean, 0, 0, 0, 0, 0, 0, 0, 0];
    const detector = new SurpriseDetector(profile, new Float64Array(SHORT_WINDOW), numbers, ContextGate.over(values));
    // Replaying the history warms up the level, the profile, the long-run statistics of the residuals and the
    // dictionary of transitions.
    const scratch: Assessment = { score: 0, expected: 0, scale: 0 };
    for (const value of values) detector.assess(value, scratch);
    return detector;
  }

  /**
   * Rebuilds a detector from {@link toState}'s output. States written before the range rule (without `minimum`,
   * `maximum` and `rangePoints`) start an empty range, which counts after {@link RANGE_WARM_UP} more points; states
   * written before the context gate (without its fields) restore a detector without it, which scores as it did.
   */
  static restore(state: DetectorState): SurpriseDetector {
    const profile = readArray(state, "profile");
    if (profile.length < 1) throw invalidState('field "profile" must not be empty');
    const integers = new Set(["phase", "head", "filled", "rangePoints"]);
    // Version 1 and 2 snapshots hold states written before the range.
    const current = "minimum" in state || "maximum" in state || "rangePoints" in state;
    const fields = ["phase", "level", "head", "filled", "recentSum", "longMean", "longVariance"];
    if (current) fields.push("minimum", "maximum", "rangePoints");
    const numbers = fields.map((field) => readNumber(state, field, integers.has(field)));
    if (!current) numbers.push(0, 0, 0);
    const [, , , , , , , minimum = 0, maximum = 0, rangePoints = 0] = numbers;
    if (rangePoints < 0 || rangePoints > RANGE_WARM_UP || (rangePoints > 0 && minimum > maximum)) {
      throw invalidState('fields "minimum", "maximum" and "rangePoints" must describe a range');
    }
    const [phase = 0, , head = 0, filled = 0] = numbers;
    if (
      phase < 0 ||
      phase >= profile.length ||
      head < 0 ||
      head >= SHORT_WINDOW ||
      filled < 0 ||
      filled > SHORT_WINDOW
    ) {
      throw invalidState('fields "phase", "head" and "filled" must be in range');
    }
    const gate = "contextTags" in state ? ContextGate.restore(state) : undefined;
    return new SurpriseDetector(profile, readArray(state, "recent", SHORT_WINDOW), numbers, gate);
  }

  /** The seasonal period in use (1: none). */
  get period(): number {
    return this.profile.length;
  }

  assess(value: number, assessment: Assessment): void {
    const { profile, recent } = this;
    const period = profile.length;
    const seasonal = profile[this.phase] as number;
    const expected = this.level + seasonal;
    const residual = Math.abs(value - expected);
    this.level += LEVEL_SMOOTHING * (value - seasonal - this.level);
    if (period > 1) profile[this.phase] = seasonal + SEASON_SMOOTHING * (value - this.level - seasonal);
    this.phase = this.phase + 1 === period ? 0 : this.phase + 1;

    this.recentSum += residual - (recent[this.head] as number);
    recent[this.head] = residual;
    this.head = this.head + 1 === SHORT_WINDOW ? 0 : this.head + 1;
    if (this.filled < SHORT_WINDOW) this.filled += 1;
    const recentMean = Math.max(this.recentSum, 0) / this.filled;

    const deviation = Math.sqrt(this.longVariance);
    const surprise = recentMean - this.longMean;
    // A series that has been exactly regular (a constant, or a fixed pattern such as event counts from a scheduler)
    // has no residual variance: any real departure from it is as surprising as a score can be.
    const likelihood = likelihoodScore(recentMean, this.longMean, deviation, expected, MAX_SCORE);
    // The gate learns from every point, so it is asked first.
    const score = this.gate === undefined || this.gate.open(value) ? likelihood : 0;
    assessment.score = this.inNewTerritory(value) ? Math.max(score, NEW_RANGE_SCORE) : score;
    assessment.expected = expected;
    // Band half-width t·(mean + sd) of the absolute residual: wider than the residual that, sustained over the
    // short window, reaches the threshold (mean + t·sd), so a point outside it is unusual on its own.
    assessment.scale = this.longMean + deviation;
    this.longMean += LONG_SMOOTHING * surprise;
    this.longVariance = (1 - LONG_SMOOTHING) * (this.longVariance + LONG_SMOOTHING * surprise * surprise);
  }

  /** Whether `value` lies beyond the range of the values seen so far (false before the first). */
  beyondRange(value: number): boolean {
    return this.rangePoints > 0 && (value > this.maximum || value < this.minimum);
  }

  /** Whether `value` lies beyond the range seen so far by more than its margin; then widens the range to it. */
  private inNewTerritory(value: number): boolean {
    if (this.rangePoints === 0) {
      this.minimum = value;
      this.maximum = value;
      this.rangePoints = 1;
      return false;
    }
    const margin = RANGE_MARGIN * (this.maximum - this.minimum);
    const outside =
      this.rangePoints >= RANGE_WARM_UP && (value > this.maximum + margin || value < this.minimum - margin);
    if (value > this.maximum) this.maximum = value;
    if (value < this.minimum) this.minimum = value;
    if (this.rangePoints < RANGE_WARM_UP) this.rangePoints += 1;
    return outside;
  }

  toState(): DetectorState {
    return {
      kind: "auto",
      profile: Array.from(this.profile),
      recent: Array.from(this.recent),
      phase: this.phase,
      level: this.level,
      head: this.head,
      filled: this.filled,
      recentSum: this.recentSum,
      longMean: this.longMean,
      longVariance: this.longVariance,
      minimum: this.minimum,
      maximum: this.maximum,
      rangePoints: this.rangePoints,
      ...this.gate?.toState(),
    };
  }
}
