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
  /** Whether a value in new territory (the `"auto"` detector's range rule) scores as it does there (bench only). */
  private readonly territory: boolean;

  private constructor(base: SurpriseDetector, models: readonly ArtNovelty[], territory = false) {
    this.base = base;
    this.models = models;
    this.territory = territory;
  }

  /**
   * Trains the `"auto"` detector underneath and the models on the history.
   *
   * @param values - The training values (at least 2).
   * @param seasonalPeriod - The baseline's period, 0 to detect it, 1 for none.
   * @param margins - The models' scale margins (the bench tries others).
   * @returns The detector.
   */
  static train(
    values: Float64Array,
    seasonalPeriod: number,
    margins: readonly number[] = RESONANCE_MARGINS,
    territory = false,
  ): ResonanceDetector {
    const base = SurpriseDetector.train(values, seasonalPeriod);
    const models = margins.map((scaleMargin) => ArtNovelty.train(values, { ...RESONANCE_PARAMETERS, scaleMargin }));
    return new ResonanceDetector(base, models, territory);
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

  assess(value: number, assessment: Assessment): void {
    this.base.assess(value, assessment);
    const { models } = this;
    let confidence = 0;
    for (const model of models) confidence += model.push(value) / models.length;
    const score = CONFIDENCE_SCORE * confidence;
    const baseScore = assessment.score;
    if (confidence > 0 && score >= baseScore) assessment.shape = true;
    assessment.score = this.territory && baseScore >= NEW_RANGE_SCORE && baseScore > score ? baseScore : score;
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
