import { ART_PARAMETERS, ArtNovelty, type ArtParameters } from "./art-novelty";
import type { Assessment, Detector, DetectorState } from "./detector";
import { invalidState, readArray } from "./read-state";
import { NEW_RANGE_SCORE, SurpriseDetector } from "./surprise-detector";

/**
 * The scale margins of the ensemble's models: each model's scale is the training range widened by this share of its
 * width on each side (and widens further when a value goes beyond it). Averaging models on doubling margins smooths
 * out how much one margin decides (see BENCHMARKS.md).
 */
export const RESONANCE_MARGINS: readonly number[] = [0.3, 0.6, 1.2, 2.4];

/** The knobs of every model of the ensemble: ARTime's published shape, on a widening scale. */
export const RESONANCE_PARAMETERS: ArtParameters = { ...ART_PARAMETERS, widen: true };

/**
 * The score is this multiple of the models' mean confidence (in [0, 1]), so it compares with the likelihood's z of
 * the detector underneath: a novelty outweighs the likelihood when 10 × its confidence is at least the z.
 */
export const CONFIDENCE_SCORE = 10;

/**
 * When the `"auto"` detector underneath decides alone a value beyond the range seen so far that the models do not
 * report (see {@link ResonanceDetector.assess}): `"always"` (the engine's); `"never"` (ARTime's silent start: the
 * models alone, and they are silent for 12 or more steps after training); `"warm-up"`, only while every model is
 * silent and warming up (see {@link ArtNovelty.warmingUp}); `"masks"`, only while every model is silent.
 */
export type ResonanceSilence = "always" | "never" | "warm-up" | "masks";

/**
 * `"resonance"`'s score threshold over `"auto"`'s (the engine's `RESONANCE_THRESHOLD_FACTOR` 0.72 over
 * `LIKELIHOOD_THRESHOLD_FACTOR` 1.2): the `"auto"` score times this, with its band's scale divided by it, meets the
 * engine's `"resonance"` threshold, point check, severity bands and band exactly where it meets `"auto"`'s.
 */
export const AUTO_SCORE_FACTOR = 0.6;

/** `"auto"`'s default cooldown (points): the bench tries it for the reports `"auto"` decides alone. */
export const AUTO_COOLDOWN = 400;

/** How the detector works; the defaults are the engine's, the bench tries the others (see BENCHMARKS.md). */
export interface ResonanceVariant {
  /** Whether a value in new territory (the `"auto"` detector's range rule) scores as it does there (false). */
  readonly territory?: boolean;
  /** When `"auto"` decides alone (`"always"`). */
  readonly silence?: ResonanceSilence;
  /** Whether `"auto"` decides alone only for a value beyond the range of the values seen so far (true). */
  readonly beyondRange?: boolean;
  /**
   * The cooldown a report that `"auto"` decides alone starts: points (0: the engine's own), or `"window"`, the points
   * of one of the models' windows (so the window holding the reported point is not reported again).
   */
  readonly aloneCooldown?: number | "window";
}

/** Most models a saved state may hold. */
const MAX_MODELS = 8;

/**
 * The engine's default detector, in the manner of NAB's ARTime (Hampton): an ensemble of adaptive-resonance novelty
 * models ({@link ArtNovelty}) clusters the stream's recent shape (windows of 8 downsampled steps) online, and a window
 * that resonates with no known category is a novelty with a confidence. The models differ only in the margin of
 * their scale ({@link RESONANCE_MARGINS}); the score is {@link CONFIDENCE_SCORE} × their mean confidence. The
 * `"auto"` detector runs underneath: its seasonal baseline gives the expected value and the band, and when its own
 * score (the likelihood's z) is higher than the novelty's, the engine's point check applies as for `"auto"`;
 * otherwise the report is about the series' shape and the point check is waived ({@link Assessment.shape}). This is
 * the combination that held out best under leave-one-category-out validation on NAB (see BENCHMARKS.md).
 * O(categories × 16) per downsampled step, at most 256 categories per model.
 */
export class ResonanceDetector implements Detector {
  private readonly base: SurpriseDetector;
  private readonly models: readonly ArtNovelty[];
  private readonly territory: boolean;
  private readonly silence: ResonanceSilence;
  private readonly beyondRange: boolean;
  private readonly aloneCooldown: number;

  private constructor(base: SurpriseDetector, models: readonly ArtNovelty[], variant: ResonanceVariant = {}) {
    this.base = base;
    this.models = models;
    this.territory = variant.territory ?? false;
    this.silence = variant.silence ?? "always";
    this.beyondRange = variant.beyondRange ?? true;
    const aloneCooldown = variant.aloneCooldown ?? "window";
    const [first] = models;
    this.aloneCooldown =
      aloneCooldown !== "window"
        ? aloneCooldown
        : first === undefined
          ? 0
          : first.parameters.window * first.features.step;
  }

  /**
   * Trains the `"auto"` detector underneath and the models on the history.
   *
   * @param values - The training values (at least 2).
   * @param seasonalPeriod - The baseline's period, 0 to detect it, 1 for none.
   * @param margins - The models' scale margins (the bench tries others).
   * @param variant - The bench's variants (the defaults otherwise).
   * @returns The detector.
   */
  static train(
    values: Float64Array,
    seasonalPeriod: number,
    margins: readonly number[] = RESONANCE_MARGINS,
    variant: ResonanceVariant = {},
  ): ResonanceDetector {
    const base = SurpriseDetector.train(values, seasonalPeriod);
    const models = margins.map((scaleMargin) => ArtNovelty.train(values, { ...RESONANCE_PARAMETERS, scaleMargin }));
    return new ResonanceDetector(base, models, variant);
  }

  /**
   * Rebuilds a detector from {@link toState}'s output; throws a `VALIDATION_ERROR` naming a bad field.
   *
   * @param state - A state of kind `"resonance"`: the `"auto"` detector's fields, `margins`, and each model's fields.
   * @returns The detector, which goes on exactly as the one saved.
   */
  static restore(state: DetectorState): ResonanceDetector {
    if (!("contextTags" in state)) throw invalidState('field "contextTags" is missing');
    const base = SurpriseDetector.restore(state);
    const margins = readArray(state, "margins");
    if (margins.length < 1 || margins.length > MAX_MODELS || !margins.every((margin) => margin >= 0)) {
      throw invalidState(`field "margins" must hold 1 to ${MAX_MODELS} non-negative numbers`);
    }
    const models = Array.from(margins, (scaleMargin, index) =>
      ArtNovelty.restore(state, `art${index}`, { ...RESONANCE_PARAMETERS, scaleMargin }),
    );
    return new ResonanceDetector(base, models);
  }

  /**
   * Scores a point: 10 × the models' mean confidence, the point check waived when that is at least the `"auto"`
   * score underneath. A value beyond the range of the values seen so far that the models do not report (they judge
   * whole steps, and like ARTime they are silent for 12 or more steps after training and after each novel window)
   * is left to the `"auto"` detector alone: its score and band are rescaled by {@link AUTO_SCORE_FACTOR}, so the
   * engine reports the point exactly when `"auto"` would, and such a report starts a cooldown of one window of the
   * models (`aloneCooldown`), so the window holding the point is not reported again unless it is more severe.
   */
  assess(value: number, assessment: Assessment): void {
    const beyond = !this.beyondRange || this.base.beyondRange(value);
    this.base.assess(value, assessment);
    const { models, silence } = this;
    let confidence = 0;
    for (const model of models) confidence += model.push(value) / models.length;
    if (
      confidence === 0 &&
      beyond &&
      (silence === "always" || (silence !== "never" && this.silent(silence === "warm-up")))
    ) {
      // (Capped at the largest score of the models, 10: a threshold that asks for more reports nothing anyway.)
      assessment.score = Math.min(assessment.score * AUTO_SCORE_FACTOR, CONFIDENCE_SCORE);
      assessment.scale /= AUTO_SCORE_FACTOR;
      assessment.cooldown = this.aloneCooldown;
      return;
    }
    const score = CONFIDENCE_SCORE * confidence;
    const baseScore = assessment.score;
    if (confidence > 0 && score >= baseScore) assessment.shape = true;
    assessment.score = this.territory && baseScore >= NEW_RANGE_SCORE && baseScore > score ? baseScore : score;
  }

  /** Whether every model is silent (and, with `warmUp`, none has reported since training). */
  private silent(warmUp: boolean): boolean {
    for (const model of this.models) if (!model.silent || (warmUp && !model.warmingUp)) return false;
    return true;
  }

  toState(): DetectorState {
    const state: Record<string, string | number | readonly number[]> = {
      ...this.base.toState(),
      kind: "resonance",
      margins: this.models.map((model) => model.parameters.scaleMargin),
    };
    for (const [index, model] of this.models.entries()) Object.assign(state, model.toState(`art${index}`));
    return state as DetectorState;
  }
}
