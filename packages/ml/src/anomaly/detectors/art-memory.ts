/**
 * The category memory of the ART detector: a dual-vigilance fuzzy ART (Carpenter, Grossberg & Rosen 1991, "Fuzzy
 * ART"; dual vigilance after da Silva, Elnabarawy & Wunsch 2019) over complement-coded feature vectors. Each
 * category is a hyperbox (its weights are the fuzzy AND, the element-wise minimum, of every input it learned); an
 * input resonates with a category when enough of the category lies inside the input's box. Internal to the
 * detectors.
 */

/** How an input was placed: learned by familiar categories, a new category near known ones, or novel. */
export type ArtOutcome = "familiar" | "variant" | "novel";

/** What {@link ArtMemory.present} found for one input; filled in place. */
export interface ArtMatch {
  outcome: ArtOutcome;
  /** Match of the best category, in [0, 1] (0 with an empty memory). */
  similarity: number;
  /** Match of the best category's newest level alone, in [0, 1]. */
  levelSimilarity: number;
}

/**
 * Fuzzy ART categories with two vigilances: an input whose best match reaches the upper vigilance is learned by
 * every category that reaches it; one whose best match only reaches the lower vigilance becomes a category of its
 * own (a variant of something known); one below the lower vigilance is novel and becomes a category too. At most
 * `capacity` categories are kept; when full, the least recently matched one is replaced, so each input costs
 * O(capacity × dimension).
 */
export class ArtMemory {
  /** Features per input before complement coding. */
  readonly dimension: number;
  readonly capacity: number;
  /** `capacity` rows of `2 × dimension` weights: the features' lower corner, then the complements' lower corner. */
  readonly weights: Float64Array;
  /** Per category, the input count at its last resonance (for replacement). */
  readonly lastUsed: Float64Array;
  /** Per category, the sum of its weights (cached: the match's denominator). */
  readonly norms: Float64Array;
  /** Per category, the sum of the weights of the first half of the features (cached: a bound of the match). */
  readonly headNorms: Float64Array;
  count = 0;
  presented = 0;
  upperVigilance: number;
  lowerVigilance: number;
  private readonly scores: Float64Array;
  /** The category that matched best last time. */
  private lastBest = 0;

  constructor(dimension: number, capacity: number, vigilance: number) {
    this.dimension = dimension;
    this.capacity = capacity;
    this.weights = new Float64Array(capacity * 2 * dimension);
    this.lastUsed = new Float64Array(capacity);
    this.norms = new Float64Array(capacity);
    this.headNorms = new Float64Array(capacity);
    this.scores = new Float64Array(capacity);
    this.upperVigilance = vigilance;
    this.lowerVigilance = vigilance;
  }

  /**
   * Matches `input` (features in [0, 1], not complement-coded; its last element is the newest level) against every
   * category, then learns it (`learn` false only scores).
   */
  present(input: Float64Array, match: ArtMatch, learn = true): void {
    const { dimension, weights, norms, headNorms, scores } = this;
    const width = 2 * dimension;
    const last = dimension - 1;
    const half = dimension >> 1;
    const newest = input[last] as number;
    let best = -1;
    let bestScore = 0;
    let bestLevel = 0;
    const upperVigilance = this.upperVigilance;
    // The last best category goes first: consecutive windows tend to resonate with the same one, and a good score
    // early lets the bound below skip most of the others.
    const first = this.lastBest < this.count ? this.lastBest : 0;
    for (let visit = 0; visit < this.count; visit += 1) {
      const category = visit === 0 ? first : visit === first ? 0 : visit;
      const offset = category * width;
      const lower = weights[offset + last] as number;
      const complement = weights[offset + dimension + last] as number;
      const levelNorm = lower + complement;
      const levelOverlap = Math.min(newest, lower) + Math.min(1 - newest, complement);
      const levelMatch = levelNorm > 0 ? levelOverlap / levelNorm : 1;
      // The feature match is at most 1, so the level match alone bounds the score: a category that can neither
      // beat the best so far nor reach the upper vigilance is skipped (the result is the same, only faster).
      const bound = levelMatch * levelMatch;
      if (best >= 0 && bound <= bestScore && bound < upperVigilance) {
        scores[category] = 0;
        continue;
      }
      // The second half of the features first: with the first half's weights as the most it could add, it bounds
      // the feature match, and a category that cannot win is skipped before the first half.
      let overlap = 0;
      for (let index = half; index < dimension; index += 1) {
        const value = input[index] as number;
        overlap +=
          Math.min(value, weights[offset + index] as number) +
          Math.min(1 - value, weights[offset + dimension + index] as number);
      }
      const norm = norms[category] as number;
      if (best >= 0 && norm > 0) {
        const most = Math.min((overlap + (headNorms[category] as number)) / norm, 1);
        const partialBound = most * most * most * bound;
        if (partialBound <= bestScore && partialBound < upperVigilance) {
          scores[category] = 0;
          continue;
        }
      }
      for (let index = 0; index < half; index += 1) {
        const value = input[index] as number;
        overlap +=
          Math.min(value, weights[offset + index] as number) +
          Math.min(1 - value, weights[offset + dimension + index] as number);
      }
      const featureMatch = norm > 0 ? overlap / norm : 1;
      // The newest level weighs twice: a window of the right shape at the wrong level is not familiar.
      const score = featureMatch * featureMatch * featureMatch * bound;
      scores[category] = score;
      if (score > bestScore || best < 0) {
        best = category;
        bestScore = score;
        bestLevel = levelMatch;
      }
    }
    if (best >= 0) this.lastBest = best;
    match.similarity = bestScore;
    match.levelSimilarity = best < 0 ? 0 : bestLevel;
    this.presented += 1;
    if (best >= 0 && bestScore >= this.upperVigilance) {
      match.outcome = "familiar";
      if (learn) this.learnFamiliar(input);
      return;
    }
    match.outcome = best >= 0 && bestScore >= this.lowerVigilance ? "variant" : "novel";
    if (learn) this.commit(input);
  }

  /** Every category at or above the upper vigilance learns the input (fast learning: weights ← weights ∧ input). */
  private learnFamiliar(input: Float64Array): void {
    const { dimension, weights, norms, scores } = this;
    const width = 2 * dimension;
    for (let category = 0; category < this.count; category += 1) {
      if ((scores[category] as number) < this.upperVigilance) continue;
      const offset = category * width;
      let norm = 0;
      for (let index = 0; index < dimension; index += 1) {
        const value = input[index] as number;
        const lower = Math.min(weights[offset + index] as number, value);
        const complement = Math.min(weights[offset + dimension + index] as number, 1 - value);
        weights[offset + index] = lower;
        weights[offset + dimension + index] = complement;
        norm += lower + complement;
        if (index === (dimension >> 1) - 1) this.headNorms[category] = norm;
      }
      norms[category] = norm;
      this.lastUsed[category] = this.presented;
    }
  }

  /**
   * Maps features `[from, dimension)` of every category from the scale `[oldLowest, oldHighest]` onto
   * `[lowest, highest]` (after the scale widened).
   */
  rescale(from: number, oldLowest: number, oldHighest: number, lowest: number, highest: number): void {
    const { dimension, weights, norms } = this;
    const ratio = (oldHighest - oldLowest) / (highest - lowest);
    const shift = (oldLowest - lowest) / (highest - lowest);
    for (let category = 0; category < this.count; category += 1) {
      const offset = category * 2 * dimension;
      let norm = 0;
      for (let index = 0; index < dimension; index += 1) {
        if (index >= from) {
          const lower = shift + ratio * (weights[offset + index] as number);
          const upper = shift + ratio * (1 - (weights[offset + dimension + index] as number));
          weights[offset + index] = lower;
          weights[offset + dimension + index] = 1 - upper;
        }
        norm += (weights[offset + index] as number) + (weights[offset + dimension + index] as number);
        if (index === (dimension >> 1) - 1) this.headNorms[category] = norm;
      }
      norms[category] = norm;
    }
  }

  /** Makes the input a category of its own, replacing the least recently used one when the memory is full. */
  private commit(input: Float64Array): void {
    const { dimension, weights, lastUsed } = this;
    let slot = this.count;
    if (slot === this.capacity) {
      slot = 0;
      for (let category = 1; category < this.capacity; category += 1) {
        if ((lastUsed[category] as number) < (lastUsed[slot] as number)) slot = category;
      }
    } else {
      this.count += 1;
    }
    const offset = slot * 2 * dimension;
    for (let index = 0; index < dimension; index += 1) {
      const value = input[index] as number;
      weights[offset + index] = value;
      weights[offset + dimension + index] = 1 - value;
    }
    this.norms[slot] = dimension;
    this.headNorms[slot] = dimension >> 1;
    lastUsed[slot] = this.presented;
  }
}
