import { stl } from "../decomposition/stl";
import { detectPeriod } from "./detect-period";
import { type Assessment, type Detector, type DetectorState, deviationScore } from "./detector";
import { medianAndScale } from "./median";
import { invalidState, readArray, readNumber } from "./read-state";

const LEVEL_SMOOTHING = 0.1;
const SEASON_SMOOTHING = 0.05;
/** Smoothing of the residual scale (memory of about 200 points). */
const SCALE_SMOOTHING = 0.005;
/** Residuals beyond this many scales update the scale as if they were this large, so one outlier cannot inflate it. */
const SCALE_CLIP = 5;
/** √(π/2): turns a mean absolute deviation of Gaussian residuals into their standard deviation. */
const MEAN_ABSOLUTE_TO_SIGMA = Math.sqrt(Math.PI / 2);
const MAX_PERIOD = 1000;
/** Most recent training points decomposed (at least six seasons). */
const STL_POINTS = 5000;

/**
 * Seasonal residuals: the training series (its last 5000 points, or six seasons) is decomposed by robust STL (Cleveland et al. 1990, periodic seasonal,
 * bisquare robustness iterations, see {@link stl}) so outliers in the history shape neither the seasonal profile nor
 * the level, and the remainder's median absolute deviation is the initial scale. Online, a level and the seasonal
 * profile follow the series (additive Holt-Winters without trend) and each point's score is its robust z of the
 * residual `x − (level + season)`. O(1) per point.
 */
export class SeasonalDetector implements Detector {
  private readonly profile: Float64Array;
  private phase: number;
  private level: number;
  private scale: number;

  private constructor(profile: Float64Array, phase: number, level: number, scale: number) {
    this.profile = profile;
    this.phase = phase;
    this.level = level;
    this.scale = scale;
  }

  static train(values: Float64Array, seasonalPeriod: number): SeasonalDetector {
    const length = values.length;
    const candidate =
      seasonalPeriod > 0
        ? seasonalPeriod
        : detectPeriod(values.subarray(Math.max(length - 2 * MAX_PERIOD, 0)), 0.3, MAX_PERIOD);
    // A decomposition needs two full seasons; otherwise treat the series as non-seasonal.
    const period = candidate >= 2 && candidate * 2 <= length ? candidate : 1;
    if (period === 1) {
      const [median, scale] = medianAndScale(values);
      return new SeasonalDetector(new Float64Array(1), 0, median, scale);
    }
    // The recent history describes the current season best and bounds the cost of the 16 STL passes.
    const recent = values.subarray(Math.max(length - Math.max(STL_POINTS, 6 * period), 0));
    const { seasonal, trend, remainder } = stl(recent, { period, seasonalWindow: "periodic", robust: true });
    const profile = new Float64Array(period);
    const skipped = length - recent.length;
    for (let index = recent.length - period; index < recent.length; index += 1) {
      profile[(skipped + index) % period] = seasonal[index] as number;
    }
    const [, scale] = medianAndScale(remainder);
    return new SeasonalDetector(profile, length % period, trend[recent.length - 1] as number, scale);
  }

  static restore(state: DetectorState): SeasonalDetector {
    const profile = readArray(state, "profile");
    const phase = readNumber(state, "phase", true);
    if (profile.length < 1 || phase < 0 || phase >= profile.length)
      throw invalidState('field "phase" must be in range');
    return new SeasonalDetector(profile, phase, readNumber(state, "level"), readNumber(state, "scale"));
  }

  assess(value: number, assessment: Assessment): void {
    const { profile } = this;
    const seasonal = profile[this.phase] as number;
    const expected = this.level + seasonal;
    const residual = value - expected;
    assessment.expected = expected;
    assessment.scale = this.scale;
    assessment.score = deviationScore(value, expected, this.scale);
    const clipped = this.scale > 0 ? Math.min(Math.abs(residual), SCALE_CLIP * this.scale) : Math.abs(residual);
    this.scale += SCALE_SMOOTHING * (clipped * MEAN_ABSOLUTE_TO_SIGMA - this.scale);
    this.level += LEVEL_SMOOTHING * (value - seasonal - this.level);
    if (profile.length > 1) profile[this.phase] = seasonal + SEASON_SMOOTHING * (value - this.level - seasonal);
    this.phase = this.phase + 1 === profile.length ? 0 : this.phase + 1;
  }

  toState(): DetectorState {
    return {
      kind: "seasonal",
      profile: Array.from(this.profile),
      phase: this.phase,
      level: this.level,
      scale: this.scale,
    };
  }
}
