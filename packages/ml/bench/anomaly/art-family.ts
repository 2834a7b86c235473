// The ART-style (ARTime-like) variants of the leave-one-category-out bench: the adaptive-resonance novelty of
// src/anomaly/detectors/art-novelty.ts alone, or joined with the default detector's likelihood.

import { ART_PARAMETERS, ArtNovelty, type ArtParameters } from "../../src/anomaly/detectors/art-novelty";
import type { Assessment, Detector, DetectorState } from "../../src/anomaly/detectors/detector";
import { NEW_RANGE_SCORE } from "../../src/anomaly/detectors/surprise-detector";
import { ENGINE_PARAMETERS, LikelihoodFamilyDetector, type LikelihoodParameters } from "./likelihood-family";

/** How the novelty meets the default detector's score. */
export interface ArtJoin {
  /**
   * `"alone"`: the score is 10 × the novelty's confidence (so `1.2 t` compares with the confidence × 10);
   * `"confidence"`: the larger of the default's score and 10 × the confidence; `"novelty"`: a novelty scores at
   * least NEW_RANGE_SCORE (as new territory does); `"none"`: the default alone (a check of the wrapper).
   */
  readonly mode: "alone" | "confidence" | "novelty" | "none";
  /** Whether a novelty must also pass the engine's point check (the default's band); false waives it. */
  readonly pointCheck: boolean;
  /** Changes to the default detector's parameters. */
  readonly likelihood?: Partial<LikelihoodParameters>;
  /** With several ART models: their confidences are averaged (`"mean"`) or the largest is taken (`"max"`). */
  readonly ensemble?: "mean" | "max";
}

/** The family's detector: the default detector and an ART novelty side by side. */
export class ArtFamilyDetector implements Detector {
  private readonly base: LikelihoodFamilyDetector;
  private readonly novelty: readonly ArtNovelty[];
  private readonly join: ArtJoin;

  private constructor(base: LikelihoodFamilyDetector, novelty: readonly ArtNovelty[], join: ArtJoin) {
    this.base = base;
    this.novelty = novelty;
    this.join = join;
  }

  /**
   * `art`: the knobs of one ART model, or of several (an ensemble); `range`: the values whose range sets the scale
   * (the training values; the whole file for the check of the port).
   */
  static train(
    values: Float64Array,
    join: ArtJoin,
    art: Partial<ArtParameters> | readonly Partial<ArtParameters>[] = {},
    range: Float64Array = values,
  ): ArtFamilyDetector {
    const base = LikelihoodFamilyDetector.train(values, { ...ENGINE_PARAMETERS, ...join.likelihood });
    const models = (Array.isArray(art) ? art : [art]) as readonly Partial<ArtParameters>[];
    const novelty = models.map((model) => ArtNovelty.train(values, { ...ART_PARAMETERS, ...model }, range));
    return new ArtFamilyDetector(base, novelty, join);
  }

  assess(value: number, assessment: Assessment): void {
    this.base.assess(value, assessment);
    let confidence = 0;
    for (const model of this.novelty) {
      const own = model.push(value);
      confidence = this.join.ensemble === "max" ? Math.max(confidence, own) : confidence + own / this.novelty.length;
    }
    const { mode, pointCheck } = this.join;
    if (mode === "none") return;
    const novelScore = mode === "novelty" ? (confidence > 0 ? NEW_RANGE_SCORE : 0) : 10 * confidence;
    const score = mode === "alone" ? novelScore : Math.max(assessment.score, novelScore);
    // A zero scale makes any departure from the expected value pass the engine's point check.
    if (!pointCheck && confidence > 0 && novelScore >= assessment.score) assessment.scale = 0;
    assessment.score = score;
  }

  toState(): DetectorState {
    return { kind: "art-family" };
  }
}
