// A tunable copy of the default ("auto") detector, for the leave-one-category-out bench: with the default parameters
// it scores exactly as the engine's SurpriseDetector does; the other parameters are the variants tried against it.
import { likelihoodScore, normalTail } from "../../src/anomaly/detectors/anomaly-likelihood";
import { CONTEXT_PARAMETERS, GATE_WINDOW } from "../../src/anomaly/detectors/context-gate";
import { ContextNovelty, type ContextParameters } from "../../src/anomaly/detectors/context-novelty";
import { type Assessment, type Detector, type DetectorState, MAX_SCORE } from "../../src/anomaly/detectors/detector";
import { HoltWintersDetector } from "../../src/anomaly/detectors/holt-winters-detector";
import { RobustZScoreDetector } from "../../src/anomaly/detectors/robust-zscore-detector";
import { SeasonalDetector } from "../../src/anomaly/detectors/seasonal-detector";
import { seasonalMeans } from "../../src/anomaly/detectors/seasonal-means";
import { NEW_RANGE_SCORE } from "../../src/anomaly/detectors/surprise-detector";
import { normalQuantile } from "../../src/internal/normal-quantile";

/** The knobs of the family. */
export interface LikelihoodParameters {
  /** Errors averaged into the short mean (engine: 10). */
  readonly shortWindow: number;
  /** Smoothing of the long-run mean and variance of the short mean (engine: 0.001). */
  readonly longSmoothing: number;
  /** Long-run statistics as running averages for the first `warmUp` points; 0 starts them from zero (engine). */
  readonly warmUp: number;
  /** Smoothing of the seasonal baseline's level (engine: 0.02). */
  readonly levelSmoothing: number;
  /**
   * The raw error fed to the likelihood: `"abs"` |r| (engine), `"bounded"` |r| / (|r| + s), `"log"` log(1 + |r| / s)
   * with s the running mean |r|, `"square"` r².
   */
  readonly raw: "abs" | "bounded" | "log" | "square";
  /** Smoothing of s for `"bounded"` and `"log"`. */
  readonly scaleSmoothing: number;
  /** Also score the last value as a prediction, joined by the larger score, Stouffer's sum or the mean tail. */
  readonly naive: "none" | "max" | "stouffer" | "meanTail";
  /** New territory: share of the range added on each side (engine: 0.1); 0 turns the rule off. */
  readonly rangeMargin: number;
  /** Values the range must hold before the rule applies (engine: 500). */
  readonly rangeWarmUp: number;
  /** Widens the band, and so the point check (engine: 1). */
  readonly bandFactor: number;
  /**
   * Another detector of the engine whose absolute errors feed a likelihood of their own, joined with the default's
   * by the larger score or Stouffer's sum.
   */
  readonly partner: "none" | "holt-winters" | "seasonal" | "robust-zscore";
  readonly partnerJoin: "max" | "stouffer";
  /** A second, longer short window on the same errors (0: none), joined by the larger score. */
  readonly longWindow: number;
  /**
   * The contextual novelty (see `ContextNovelty`) and how it joins the default's score: `"none"`; `"max"` or
   * `"stouffer"` with the likelihood of its short-window mean; `"direct"` the larger of the score and
   * `contextScale` × novelty; `"gate"` the default's score only where the novelty's short mean is positive.
   */
  readonly context: "none" | "max" | "stouffer" | "direct" | "gate" | "alone";
  /** Whether a point the context scores higher must still pass the engine's point check against the baseline. */
  readonly contextPointCheck: boolean;
  readonly contextParameters: ContextParameters;
  readonly contextScale: number;
  /** The gate opens for a novelty of at least this share of the contexts (engine: any, i.e. above 0). */
  readonly contextGateShare: number;
  /** Short window of the novelty's likelihood (and gate). */
  readonly contextWindow: number;
  /**
   * contextOSE's rest: the context's own score is 0 while a novelty of at least 0.75 was seen in the last
   * `contextRest` points (0: no rest).
   */
  readonly contextRest: number;
  /** Quantise over the whole file's range (given to `train`), as NAB gives contextOSE: not causal, a yardstick. */
  readonly contextWholeRange: boolean;
}

/** The engine's default detector. */
export const ENGINE_PARAMETERS: LikelihoodParameters = {
  shortWindow: 10,
  longSmoothing: 0.001,
  warmUp: 0,
  levelSmoothing: 0.02,
  raw: "abs",
  scaleSmoothing: 0.01,
  naive: "none",
  rangeMargin: 0.1,
  rangeWarmUp: 500,
  bandFactor: 1,
  partner: "none",
  partnerJoin: "max",
  longWindow: 0,
  context: "gate",
  contextGateShare: 0,
  contextParameters: CONTEXT_PARAMETERS,
  contextScale: 6,
  contextPointCheck: true,
  contextRest: 0,
  contextWholeRange: false,
  contextWindow: GATE_WINDOW,
};

const SEASON_SMOOTHING = 0.05;

/** The likelihood of one error stream: short window, long-run Gaussian of its means. */
class ErrorStream {
  private readonly recent: Float64Array;
  private readonly smoothing: number;
  private readonly warmUp: number;
  private head = 0;
  private filled = 0;
  private sum = 0;
  private count = 0;
  private mean = 0;
  private variance = 0;
  /** The band as it stood when the last error was scored (before learning from it), as the engine's. */
  band = 0;

  constructor(size: number, smoothing: number, warmUp: number) {
    this.recent = new Float64Array(size);
    this.smoothing = smoothing;
    this.warmUp = warmUp;
  }

  /** Adds an error; returns the likelihood's z. */
  push(error: number, reference: number): number {
    const { recent } = this;
    this.sum += error - (recent[this.head] as number);
    recent[this.head] = error;
    this.head = this.head + 1 === recent.length ? 0 : this.head + 1;
    if (this.filled < recent.length) this.filled += 1;
    const shortMean = Math.max(this.sum, 0) / this.filled;
    const deviation = Math.sqrt(this.variance);
    const score = likelihoodScore(shortMean, this.mean, deviation, reference, MAX_SCORE);
    this.band = this.mean + deviation;
    const surprise = shortMean - this.mean;
    this.count += 1;
    const smoothing = this.count < this.warmUp ? Math.max(this.smoothing, 1 / this.count) : this.smoothing;
    this.mean += smoothing * surprise;
    this.variance = (1 - smoothing) * (this.variance + smoothing * surprise * surprise);
    return score;
  }
}

/** Turns an absolute error into the raw error of the likelihood, tracking its running scale. */
class RawError {
  private scale = 0;
  private readonly parameters: LikelihoodParameters;
  constructor(parameters: LikelihoodParameters) {
    this.parameters = parameters;
  }
  of(error: number): number {
    const { raw, scaleSmoothing } = this.parameters;
    const scale = this.scale;
    this.scale += scaleSmoothing * (error - scale);
    if (raw === "square") return error * error;
    if (raw === "bounded") return scale > 0 ? error / (error + scale) : error > 0 ? 1 : 0;
    if (raw === "log") return Math.log1p(scale > 0 ? error / scale : 0);
    return error;
  }
}

/** The family's detector. */
export class LikelihoodFamilyDetector implements Detector {
  private readonly profile: Float64Array;
  private readonly parameters: LikelihoodParameters;
  private readonly seasonal: ErrorStream;
  private readonly seasonalBand: ErrorStream;
  private readonly seasonalRaw: RawError;
  private readonly lastValue: ErrorStream;
  private readonly lastValueRaw: RawError;
  private phase = 0;
  private level: number;
  private previous: number;
  private minimum = 0;
  private maximum = 0;
  private rangePoints = 0;
  private partner: Detector | undefined;
  private readonly partnerStream: ErrorStream;
  private readonly partnerAssessment: Assessment = { score: 0, expected: 0, scale: 0 };
  private readonly slow: ErrorStream | undefined;
  private context: ContextNovelty | undefined;
  private readonly contextStream: ErrorStream;
  private readonly contextRecent: Float64Array;
  private contextHead = 0;
  private contextSum = 0;
  private contextQuiet = 0;

  private constructor(profile: Float64Array, level: number, parameters: LikelihoodParameters) {
    this.profile = profile;
    this.level = level;
    this.previous = level;
    this.parameters = parameters;
    const { shortWindow, longSmoothing, warmUp } = parameters;
    this.seasonal = new ErrorStream(shortWindow, longSmoothing, warmUp);
    this.seasonalBand = new ErrorStream(shortWindow, longSmoothing, warmUp);
    this.seasonalRaw = new RawError(parameters);
    this.lastValue = new ErrorStream(shortWindow, longSmoothing, warmUp);
    this.lastValueRaw = new RawError(parameters);
    this.partnerStream = new ErrorStream(shortWindow, longSmoothing, warmUp);
    if (parameters.longWindow > 0) this.slow = new ErrorStream(parameters.longWindow, longSmoothing, warmUp);
    this.contextStream = new ErrorStream(parameters.contextWindow, longSmoothing, warmUp);
    this.contextRecent = new Float64Array(parameters.contextWindow);
  }

  /** Trains as the engine's detector does: seasonal means of the history, then a replay of it. */
  static train(values: Float64Array, parameters: LikelihoodParameters, whole?: Float64Array): LikelihoodFamilyDetector {
    const { mean, profile } = seasonalMeans(values, 0);
    const detector = new LikelihoodFamilyDetector(profile, mean, parameters);
    if (parameters.context !== "none") {
      let lower = Number.POSITIVE_INFINITY;
      let upper = Number.NEGATIVE_INFINITY;
      for (const value of parameters.contextWholeRange && whole !== undefined ? whole : values) {
        if (value < lower) lower = value;
        if (value > upper) upper = value;
      }
      detector.context = ContextNovelty.overRange(parameters.contextParameters, lower, upper);
    }
    const scratch: Assessment = { score: 0, expected: 0, scale: 0 };
    for (const value of values) detector.assess(value, scratch);
    const { partner } = parameters;
    if (partner === "holt-winters") detector.partner = HoltWintersDetector.train(values, 0);
    if (partner === "seasonal") detector.partner = SeasonalDetector.train(values, 0);
    if (partner === "robust-zscore") detector.partner = RobustZScoreDetector.train(values, 288);
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

    // The band is always the absolute error's, as the engine's; the score comes from the chosen raw error.
    const absoluteScore = this.seasonalBand.push(residual, expected);
    let score = parameters.raw === "abs" ? absoluteScore : this.seasonal.push(this.seasonalRaw.of(residual), expected);
    assessment.expected = expected;
    assessment.scale = this.seasonalBand.band * parameters.bandFactor;
    if (this.slow !== undefined) score = Math.max(score, this.slow.push(residual, expected));
    if (parameters.naive !== "none") score = this.joinLastValue(value, score, assessment);
    if (this.partner !== undefined) score = this.joinPartner(this.partner, value, score, assessment);
    if (this.context !== undefined) {
      const joined = this.joinContext(this.context, value, score);
      if (joined > score && !parameters.contextPointCheck) assessment.scale = 0;
      score = joined;
    }
    assessment.score = this.inNewTerritory(value) ? Math.max(score, NEW_RANGE_SCORE) : score;
    this.previous = value;
  }

  private joinLastValue(value: number, score: number, assessment: Assessment): number {
    const step = Math.abs(value - this.previous);
    const stepScore = this.lastValue.push(this.lastValueRaw.of(step), this.previous);
    if (this.parameters.naive === "stouffer") return (score + stepScore) / Math.SQRT2;
    if (this.parameters.naive === "meanTail") {
      const tail = (normalTail(score) + normalTail(stepScore)) / 2;
      return tail >= 0.5 ? 0 : Math.min(-normalQuantile(tail), MAX_SCORE);
    }
    if (stepScore <= score) return score;
    assessment.expected = this.previous;
    assessment.scale = this.lastValue.band * this.parameters.bandFactor;
    return stepScore;
  }

  private joinPartner(partner: Detector, value: number, score: number, assessment: Assessment): number {
    const scratch = this.partnerAssessment;
    partner.assess(value, scratch);
    const partnerScore = this.partnerStream.push(Math.abs(value - scratch.expected), scratch.expected);
    if (this.parameters.partnerJoin === "stouffer") return (score + partnerScore) / Math.SQRT2;
    if (partnerScore <= score) return score;
    assessment.expected = scratch.expected;
    assessment.scale = this.partnerStream.band * this.parameters.bandFactor;
    return partnerScore;
  }

  private joinContext(context: ContextNovelty, value: number, score: number): number {
    const { context: join, contextScale } = this.parameters;
    const novelty = context.assess(value);
    const recent = this.contextRecent;
    const { contextGateShare } = this.parameters;
    const counted = join === "gate" && contextGateShare > 0 ? (novelty >= contextGateShare - 1e-9 ? 1 : 0) : novelty;
    this.contextSum += counted - (recent[this.contextHead] as number);
    recent[this.contextHead] = counted;
    this.contextHead = this.contextHead + 1 === recent.length ? 0 : this.contextHead + 1;
    if (join === "direct" || join === "alone") {
      const { contextRest } = this.parameters;
      const resting = this.contextQuiet > 0;
      if (this.contextQuiet > 0) this.contextQuiet -= 1;
      if (novelty >= 0.75 && contextRest > 0) this.contextQuiet = contextRest;
      const own = resting ? 0 : contextScale * novelty;
      return join === "alone" ? own : Math.max(score, own);
    }
    // As the engine's ContextGate: open while one of the last points had any novelty.
    if (join === "gate") return this.contextSum > 1e-9 ? score : 0;
    const contextScore = this.contextStream.push(novelty, 1);
    if (join === "stouffer") return (score + contextScore) / Math.SQRT2;
    return Math.max(score, contextScore);
  }

  private inNewTerritory(value: number): boolean {
    const { rangeMargin, rangeWarmUp } = this.parameters;
    if (this.rangePoints === 0) {
      this.minimum = value;
      this.maximum = value;
      this.rangePoints = 1;
      return false;
    }
    const margin = rangeMargin * (this.maximum - this.minimum);
    const outside =
      rangeMargin > 0 &&
      this.rangePoints >= rangeWarmUp &&
      (value > this.maximum + margin || value < this.minimum - margin);
    if (value > this.maximum) this.maximum = value;
    if (value < this.minimum) this.minimum = value;
    if (this.rangePoints < rangeWarmUp) this.rangePoints += 1;
    return outside;
  }

  toState(): DetectorState {
    return { kind: "likelihood-family" };
  }
}
