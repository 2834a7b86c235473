import { fitEts } from "../../forecasting/ets/fit-ets";
import { fitHoltWinters } from "../../forecasting/holt-winters/fit-holt-winters";
import { detectPeriod } from "./detect-period";
import { type Assessment, type Detector, type DetectorState, deviationScore } from "./detector";
import { medianAndScale } from "./median";
import { invalidState, readArray, readNumber } from "./read-state";

/** Smoothing of the residual scale (memory of about 200 points). */
const SCALE_SMOOTHING = 0.005;
/** Residuals beyond this many scales update the scale as if they were this large, so one outlier cannot inflate it. */
const SCALE_CLIP = 5;
/** √(π/2): turns a mean absolute deviation of Gaussian residuals into their standard deviation. */
const MEAN_ABSOLUTE_TO_SIGMA = Math.sqrt(Math.PI / 2);
/** Longest season tried when detecting it; the fit's cost grows with the period. */
const MAX_PERIOD = 1000;
/**
 * Most recent points the weights are fitted on (at least four seasons): the optimiser makes thousands of passes, so
 * a long history is cut to its recent part, which also describes the current behaviour best.
 */
const FIT_POINTS = 4000;

/** The classic additive Holt-Winters state and weights the detector carries between points. */
export interface HoltWintersDetectorState {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly level: number;
  readonly trend: number;
  /** Seasonal terms by phase; `profile[phase]` applies to the next point. A single 0 without a season. */
  readonly profile: Float64Array;
  readonly phase: number;
}

/**
 * Advances the classic additive Holt-Winters recursions (R's `stats::HoltWinters`, the forecasting engine's
 * `fitHoltWinters`) by one observation and returns its one-step error. Exported so tests can check it reproduces the
 * fitted model's residuals; the weights and start state always come from the forecasting code.
 */
export function stepHoltWinters(
  state: {
    alpha: number;
    beta: number;
    gamma: number;
    level: number;
    trend: number;
    readonly profile: Float64Array;
    phase: number;
  },
  value: number,
): number {
  const { alpha, beta, gamma, profile } = state;
  const season = profile[state.phase] as number;
  const base = state.level + state.trend;
  const error = value - (base + season);
  const level = alpha * (value - season) + (1 - alpha) * base;
  state.trend = beta * (level - state.level) + (1 - beta) * state.trend;
  state.level = level;
  if (profile.length > 1) profile[state.phase] = gamma * (value - level) + (1 - gamma) * season;
  state.phase = state.phase + 1 === profile.length ? 0 : state.phase + 1;
  return error;
}

/**
 * Holt-Winters one-step residuals. Training fits the classic additive Holt-Winters model of the forecasting engine
 * (`fitHoltWinters`: R's start values, weights minimising the one-step squared error) when the series has a season
 * (given or detected from the autocorrelation) and two full seasons plus one point, otherwise Holt's linear method
 * as ETS(A,A,N) by maximum likelihood (`fitEts`, whose weights map to the classic ones as β = β* / α), on the last 4000 points at most. The initial
 * scale is 1.4826 × MAD of the fitted one-step errors. Online, the same recursions continue point by point; the score
 * is `|x − forecast| / scale`, and the scale follows the clipped absolute errors. O(1) per point.
 */
export class HoltWintersDetector implements Detector {
  private readonly state: {
    alpha: number;
    beta: number;
    gamma: number;
    level: number;
    trend: number;
    readonly profile: Float64Array;
    phase: number;
  };
  private scale: number;

  private constructor(state: HoltWintersDetectorState, scale: number) {
    this.state = { ...state };
    this.scale = scale;
  }

  static train(history: Float64Array, seasonalPeriod: number): HoltWintersDetector {
    const candidate =
      seasonalPeriod > 0
        ? seasonalPeriod
        : detectPeriod(history.subarray(Math.max(history.length - 2 * MAX_PERIOD, 0)), 0.3, MAX_PERIOD);
    const values = history.subarray(Math.max(history.length - Math.max(FIT_POINTS, 4 * candidate + 1), 0));
    const length = values.length;
    if (candidate >= 2 && 2 * candidate + 1 <= length) {
      const fit = fitHoltWinters(values, { period: candidate, seasonal: "additive" });
      const [, scale] = medianAndScale(Float64Array.from(fit.residuals));
      return new HoltWintersDetector(
        {
          ...fit.parameters,
          level: fit.level,
          trend: fit.trend,
          profile: Float64Array.from(fit.seasonal),
          phase: 0,
        },
        scale,
      );
    }
    const fit = fitEts(values, { error: "A", trend: "A", season: "N" });
    if (fit !== undefined) {
      const { alpha, beta } = fit.parameters;
      // Replaying the fitted recursions gives the one-step errors whose spread is the initial scale.
      const replay = {
        alpha,
        beta: alpha > 0 ? Math.min(beta / alpha, 1) : 0,
        gamma: 0,
        level: fit.initialState.level,
        trend: fit.initialState.trend,
        profile: new Float64Array(1),
        phase: 0,
      };
      const errors = Float64Array.from(values, (value) => stepHoltWinters(replay, value));
      const [, scale] = medianAndScale(errors);
      return new HoltWintersDetector(replay, scale);
    }
    // No feasible fit (too short or degenerate data): a flat forecast at the median.
    const [median, scale] = medianAndScale(values);
    return new HoltWintersDetector(
      { alpha: 0, beta: 0, gamma: 0, level: median, trend: 0, profile: new Float64Array(1), phase: 0 },
      scale,
    );
  }

  static restore(state: DetectorState): HoltWintersDetector {
    const profile = readArray(state, "profile");
    const phase = readNumber(state, "phase", true);
    if (profile.length < 1 || phase < 0 || phase >= profile.length)
      throw invalidState('field "phase" must be in range');
    const weights = ["alpha", "beta", "gamma"].map((field) => readNumber(state, field));
    if (weights.some((weight) => weight < 0 || weight > 1)) {
      throw invalidState('fields "alpha", "beta" and "gamma" must be in [0, 1]');
    }
    const scale = readNumber(state, "scale");
    if (scale < 0) throw invalidState('field "scale" must not be negative');
    const [alpha = 0, beta = 0, gamma = 0] = weights;
    return new HoltWintersDetector(
      { alpha, beta, gamma, level: readNumber(state, "level"), trend: readNumber(state, "trend"), profile, phase },
      scale,
    );
  }

  assess(value: number, assessment: Assessment): void {
    const { state } = this;
    const expected = state.level + state.trend + (state.profile[state.phase] as number);
    assessment.expected = expected;
    assessment.scale = this.scale;
    assessment.score = deviationScore(value, expected, this.scale);
    const error = stepHoltWinters(state, value);
    const clipped = this.scale > 0 ? Math.min(Math.abs(error), SCALE_CLIP * this.scale) : Math.abs(error);
    this.scale += SCALE_SMOOTHING * (clipped * MEAN_ABSOLUTE_TO_SIGMA - this.scale);
  }

  toState(): DetectorState {
    const { state } = this;
    return {
      kind: "holt-winters",
      alpha: state.alpha,
      beta: state.beta,
      gamma: state.gamma,
      level: state.level,
      trend: state.trend,
      profile: Array.from(state.profile),
      phase: state.phase,
      scale: this.scale,
    };
  }
}
