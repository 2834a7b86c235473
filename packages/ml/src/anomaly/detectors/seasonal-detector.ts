import { detectPeriod } from "./detect-period";
import { type Assessment, type Detector, type DetectorState, deviationScore } from "./detector";
import { medianAndScale } from "./median";
import { readArray, readNumber } from "./read-state";

const LEVEL_SMOOTHING = 0.1;
const SEASON_SMOOTHING = 0.05;
/** Smoothing of the residual scale (memory of about 200 points). */
const SCALE_SMOOTHING = 0.005;
/** Residuals beyond this many scales update the scale as if they were this large, so one outlier cannot inflate it. */
const SCALE_CLIP = 5;
/** √(π/2): turns a mean absolute deviation of Gaussian residuals into their standard deviation. */
const MEAN_ABSOLUTE_TO_SIGMA = Math.sqrt(Math.PI / 2);
const MAX_PERIOD = 1000;

/**
 * Seasonal residuals: the training series is decomposed classically (centred moving-average trend, seasonal means
 * of the detrended values, remainder), and its remainder's median absolute deviation is the initial scale. Online,
 * a level and the seasonal profile follow the series (additive Holt-Winters without trend) and each point's score
 * is its robust z of the residual `x − (level + season)`. O(1) per point.
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
    const period = candidate * 2 <= length ? candidate : 1;
    const trend = centredMovingAverage(values, period);
    const sums = new Float64Array(period);
    const counts = new Float64Array(period);
    for (let index = 0; index < length; index += 1) {
      const detrended = (values[index] as number) - (trend[index] as number);
      if (Number.isNaN(detrended)) continue;
      sums[index % period] = (sums[index % period] as number) + detrended;
      counts[index % period] = (counts[index % period] as number) + 1;
    }
    const profile = new Float64Array(period);
    if (period > 1) {
      let centre = 0;
      for (let phase = 0; phase < period; phase += 1) {
        profile[phase] = (counts[phase] as number) > 0 ? (sums[phase] as number) / (counts[phase] as number) : 0;
        centre += profile[phase] as number;
      }
      for (let phase = 0; phase < period; phase += 1) profile[phase] = (profile[phase] as number) - centre / period;
    }
    const remainder: number[] = [];
    for (let index = 0; index < length; index += 1) {
      const value = (values[index] as number) - (trend[index] as number) - (profile[index % period] as number);
      if (!Number.isNaN(value)) remainder.push(value);
    }
    const [, scale] = medianAndScale(Float64Array.from(remainder));
    // The level is where the trend ended, or the last deseasonalised value where the moving average is undefined.
    let level = (values[length - 1] as number) - (profile[(length - 1) % period] as number);
    for (let index = length - 1; index >= 0; index -= 1) {
      if (!Number.isNaN(trend[index] as number)) {
        level = trend[index] as number;
        break;
      }
    }
    return new SeasonalDetector(profile, length % period, level, scale);
  }

  static restore(state: DetectorState): SeasonalDetector {
    const profile = readArray(state, "profile");
    const phase = readNumber(state, "phase", true);
    if (profile.length < 1 || phase < 0 || phase >= profile.length) throw new Error('field "phase" must be in range');
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

/** Centred moving average over one period (2×period for even periods, as in classical decomposition); NaN at the edges. */
function centredMovingAverage(values: Float64Array, period: number): Float64Array {
  const length = values.length;
  const result = new Float64Array(length).fill(Number.NaN);
  if (period === 1) {
    result.set(values);
    return result;
  }
  const half = period >> 1;
  const prefix = new Float64Array(length + 1);
  for (let index = 0; index < length; index += 1)
    prefix[index + 1] = (prefix[index] as number) + (values[index] as number);
  for (let index = half; index + half < length; index += 1) {
    if (period % 2 === 1) {
      result[index] = ((prefix[index + half + 1] as number) - (prefix[index - half] as number)) / period;
    } else {
      // 2×m moving average: the two end points get half weight.
      const inner = (prefix[index + half] as number) - (prefix[index - half + 1] as number);
      const ends = ((values[index - half] as number) + (values[index + half] as number)) / 2;
      result[index] = (inner + ends) / period;
    }
  }
  return result;
}
