import { detectPeriod } from "./detect-period";
import { type Assessment, type Detector, type DetectorState, MAX_SCORE } from "./detector";
import { invalidState, readArray, readNumber } from "./read-state";

/** Smoothing of the level (additive Holt-Winters α). */
const LEVEL_SMOOTHING = 0.02;
/** Smoothing of the seasonal profile (Holt-Winters γ). */
const SEASON_SMOOTHING = 0.05;
/** Points averaged into the short-term mean absolute residual. */
/** Residuals below this share of the expected value are rounding, not departures (for exactly regular series). */
const EXACT_TOLERANCE = 1e-9;
const SHORT_WINDOW = 10;
/** Smoothing of the long-run mean and variance of that short-term mean (memory of about 1000 points). */
const LONG_SMOOTHING = 0.001;
/** Longest lag tried when detecting the season. */
const MAX_PERIOD = 1000;

/**
 * The engine's default detector. A seasonal baseline (additive Holt-Winters level + seasonal profile without trend)
 * gives each point's residual; the mean absolute residual over the last 10 points is compared with its own
 * long-run mean and standard deviation (exponentially weighted), which is the score. Like NAB's anomaly likelihood
 * this asks "is the recent error unusually large for this series?", so it adapts to each series' noise and catches
 * spikes, level shifts and bursts of volatility alike. O(1) per point.
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

  private constructor(profile: Float64Array, recent: Float64Array, numbers: readonly number[]) {
    this.profile = profile;
    this.recent = recent;
    [this.phase, this.level, this.head, this.filled, this.recentSum, this.longMean, this.longVariance] = numbers as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
  }

  static train(values: Float64Array, seasonalPeriod: number): SurpriseDetector {
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
    const detector = new SurpriseDetector(profile, new Float64Array(SHORT_WINDOW), [0, mean, 0, 0, 0, 0, 0]);
    // Replaying the history warms up the level, the profile and the long-run statistics of the residuals.
    const scratch: Assessment = { score: 0, expected: 0, scale: 0 };
    for (const value of values) detector.assess(value, scratch);
    return detector;
  }

  static restore(state: DetectorState): SurpriseDetector {
    const profile = readArray(state, "profile");
    if (profile.length < 1) throw invalidState('field "profile" must not be empty');
    const numbers = ["phase", "level", "head", "filled", "recentSum", "longMean", "longVariance"].map((field) =>
      readNumber(state, field, field === "phase" || field === "head" || field === "filled"),
    );
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
    return new SurpriseDetector(profile, readArray(state, "recent", SHORT_WINDOW), numbers);
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
    const score =
      deviation > 0
        ? Math.min(Math.max(surprise / deviation, 0), MAX_SCORE)
        : surprise > EXACT_TOLERANCE * (Math.abs(expected) + 1)
          ? MAX_SCORE
          : 0;
    assessment.score = score;
    assessment.expected = expected;
    // Band half-width t·(mean + sd) of the absolute residual: wider than the residual that, sustained over the
    // short window, reaches the threshold (mean + t·sd), so a point outside it is unusual on its own.
    assessment.scale = this.longMean + deviation;
    this.longMean += LONG_SMOOTHING * surprise;
    this.longVariance = (1 - LONG_SMOOTHING) * (this.longVariance + LONG_SMOOTHING * surprise * surprise);
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
    };
  }
}
