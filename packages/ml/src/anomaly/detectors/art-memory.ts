/**
 * The category memory of the ART detector: a dual-vigilance fuzzy ART (Carpenter, Grossberg & Rosen 1991, "Fuzzy
 * ART"; dual vigilance after da Silva, Elnabarawy & Wunsch 2019) over complement-coded feature vectors. Each
 * category is a hyperbox (its weights are the fuzzy AND, the element-wise minimum, of every input it learned); an
 * input resonates with a category when enough of the category lies inside the input's box. Internal to the
 * detectors.
 */

import { invalidState } from "./read-state";

/**
 * How far a saved weight (or sum of weights) may lie outside its range: a widened scale maps weights with rounding,
 * so a weight at an edge of [0, 1] can come out a few units in the last place beyond it.
 */
const ROUNDING = 1e-9;

/** Numbers per category in the memory's summary (see {@link ArtMemory}). */
const SUMMARY = 6;
/**
 * Added to a bound before it rules a category out, so that rounding can never make a bound fall below the score it
 * bounds (scores are sums of a few dozen numbers in [0, 1]; their rounding is far below this).
 */
const SLACK = 1e-9;

/**
 * A lower bound of the L1 distance from an input to a box over a group of `size` features, from sums alone: the
 * box's lower corners sum to `lower` and its upper corners to `size − complement`, the input's features to `input`.
 */
function sumGap(lower: number, complement: number, input: number, size: number): number {
  const below = lower - input;
  const above = input + complement - size;
  return Math.max(below, 0) + Math.max(above, 0);
}

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
  /** The categories whose match reached the upper vigilance in the last presentation (they learn the input). */
  private readonly familiar: Int32Array;
  private familiarCount = 0;
  /** Scratch: the complement of the input being presented. */
  private readonly complement: Float64Array;
  /**
   * Per category, {@link SUMMARY} numbers read before its weights: the newest level's two weights, then the sums of
   * the lower-corner and complement weights over the other levels (the "tail") and over the shape (the "head").
   * They bound the match cheaply, and they sit together so that a category the bounds rule out costs one cache line.
   */
  private readonly summary: Float64Array;
  /** The category that matched best last time. */
  private lastBest = 0;

  constructor(dimension: number, capacity: number, vigilance: number) {
    this.dimension = dimension;
    this.capacity = capacity;
    this.weights = new Float64Array(capacity * 2 * dimension);
    this.lastUsed = new Float64Array(capacity);
    this.norms = new Float64Array(capacity);
    this.headNorms = new Float64Array(capacity);
    this.familiar = new Int32Array(capacity);
    this.complement = new Float64Array(dimension);
    this.summary = new Float64Array(capacity * SUMMARY);
    this.upperVigilance = vigilance;
    this.lowerVigilance = vigilance;
  }

  /**
   * Matches `input` (features in [0, 1], not complement-coded; its last element is the newest level) against every
   * category, then learns it (`learn` false only scores).
   */
  present(input: Float64Array, match: ArtMatch, learn = true): void {
    const { dimension, weights, norms, headNorms, familiar, complement, summary } = this;
    const width = 2 * dimension;
    const last = dimension - 1;
    const half = dimension >> 1;
    const tailSize = last - half;
    let inputHead = 0;
    let inputTail = 0;
    for (let index = 0; index < dimension; index += 1) {
      const value = input[index] as number;
      complement[index] = 1 - value;
      if (index < half) inputHead += value;
      else if (index < last) inputTail += value;
    }
    const newest = input[last] as number;
    const newestComplement = complement[last] as number;
    let best = -1;
    let bestScore = 0;
    let bestLevel = 0;
    let familiarCount = 0;
    /** Below this, a squared level match rules a category out (once there is a best). */
    let cutoff = 0;
    const upperVigilance = this.upperVigilance;
    const count = this.count;
    // The last best category goes first: consecutive windows tend to resonate with the same one, and a good score
    // early lets the bounds below skip most of the others.
    const first = this.lastBest < count ? this.lastBest : 0;
    for (let visit = 0; visit < count; visit += 1) {
      const category = visit === 0 ? first : visit === first ? 0 : visit;
      const offset = category * width;
      const complementOffset = offset + dimension;
      const at = category * SUMMARY;
      const lower = summary[at] as number;
      const lowerComplement = summary[at + 1] as number;
      const levelNorm = lower + lowerComplement;
      const levelOverlap = Math.min(newest, lower) + Math.min(newestComplement, lowerComplement);
      // The test below without its division, a little stricter: most categories leave here.
      if (best >= 0 && levelOverlap * levelOverlap < cutoff * levelNorm * levelNorm) continue;
      const levelMatch = levelNorm > 0 ? levelOverlap / levelNorm : 1;
      // The feature match is at most 1, so the level match alone bounds the score: a category that can neither
      // beat the best so far nor reach the upper vigilance is skipped (the result is the same, only faster).
      const bound = levelMatch * levelMatch;
      if (best >= 0 && bound <= bestScore && bound < upperVigilance) {
        continue;
      }
      // A box is at least as far from the input as its sums are from the input's sums (per group of features): a
      // bound of the feature match from six numbers, which rules out most categories before their weights are read.
      const norm = norms[category] as number;
      const headGap = sumGap(summary[at + 4] as number, summary[at + 5] as number, inputHead, half);
      if (best >= 0 && norm > 0) {
        const tailGap = sumGap(summary[at + 2] as number, summary[at + 3] as number, inputTail, tailSize);
        const near = 1 - (levelNorm - levelOverlap + tailGap + headGap) / norm;
        const summaryBound = near * near * near * bound + SLACK;
        if (summaryBound <= bestScore && summaryBound < upperVigilance) {
          continue;
        }
      }
      // The second half of the features first: with the first half's weights as the most it could add, it bounds
      // the feature match, and a category that cannot win is skipped before the first half.
      let overlap = 0;
      for (let index = half; index < dimension; index += 1) {
        const value = input[index] as number;
        const weight = weights[offset + index] as number;
        const inverse = complement[index] as number;
        const weightComplement = weights[complementOffset + index] as number;
        overlap += Math.min(value, weight) + Math.min(inverse, weightComplement);
      }
      if (best >= 0 && norm > 0) {
        const headNorm = headNorms[category] as number;
        const sum = (overlap + headNorm) / norm;
        const most = Math.min(sum, 1);
        const partialBound = most * most * most * bound;
        if (partialBound <= bestScore && partialBound < upperVigilance) {
          continue;
        }
        const near = (overlap + headNorm - headGap) / norm;
        const nearBound = near * near * near * bound + SLACK;
        if (nearBound <= bestScore && nearBound < upperVigilance) {
          continue;
        }
      }
      for (let index = 0; index < half; index += 1) {
        const value = input[index] as number;
        const weight = weights[offset + index] as number;
        const inverse = complement[index] as number;
        const weightComplement = weights[complementOffset + index] as number;
        overlap += Math.min(value, weight) + Math.min(inverse, weightComplement);
      }
      const featureMatch = norm > 0 ? overlap / norm : 1;
      // The newest level weighs twice: a window of the right shape at the wrong level is not familiar.
      const score = featureMatch * featureMatch * featureMatch * bound;
      if (score >= upperVigilance) {
        familiar[familiarCount] = category;
        familiarCount += 1;
      }
      if (score > bestScore || best < 0) {
        best = category;
        bestScore = score;
        bestLevel = levelMatch;
        cutoff = Math.min(bestScore, upperVigilance) * (1 - SLACK);
      }
    }
    if (best >= 0) this.lastBest = best;
    this.familiarCount = familiarCount;
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
    const { dimension, weights, norms, headNorms, familiar, complement, summary, lastUsed } = this;
    const width = 2 * dimension;
    const last = dimension - 1;
    const half = dimension >> 1;
    for (let entry = 0; entry < this.familiarCount; entry += 1) {
      const category = familiar[entry] as number;
      const offset = category * width;
      const complementOffset = offset + dimension;
      // The norm is summed in feature order, as before (its rounding is part of every later score); the summary's
      // group sums come along.
      let norm = 0;
      let groupLower = 0;
      let groupComplement = 0;
      const at = category * SUMMARY;
      for (let index = 0; index < dimension; index += 1) {
        const value = input[index] as number;
        const inverse = complement[index] as number;
        const weight = weights[offset + index] as number;
        const weightComplement = weights[complementOffset + index] as number;
        const lower = Math.min(weight, value);
        const upper = Math.min(weightComplement, inverse);
        weights[offset + index] = lower;
        weights[complementOffset + index] = upper;
        norm += lower + upper;
        if (index === last) {
          summary[at] = lower;
          summary[at + 1] = upper;
        } else {
          groupLower += lower;
          groupComplement += upper;
        }
        if (index === half - 1) {
          headNorms[category] = norm;
          summary[at + 4] = groupLower;
          summary[at + 5] = groupComplement;
          groupLower = 0;
          groupComplement = 0;
        }
      }
      summary[at + 2] = groupLower;
      summary[at + 3] = groupComplement;
      norms[category] = norm;
      lastUsed[category] = this.presented;
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
      this.summarise(category);
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
    this.summarise(slot);
  }

  /** The state as plain numbers (see {@link restore}): the weights and caches of the categories in use. */
  toState(): { numbers: number[]; weights: number[]; norms: number[]; headNorms: number[]; lastUsed: number[] } {
    const { count } = this;
    return {
      numbers: [count, this.presented, this.upperVigilance, this.lowerVigilance, this.lastBest],
      weights: Array.from(this.weights.subarray(0, count * 2 * this.dimension)),
      norms: Array.from(this.norms.subarray(0, count)),
      headNorms: Array.from(this.headNorms.subarray(0, count)),
      lastUsed: Array.from(this.lastUsed.subarray(0, count)),
    };
  }

  /**
   * Rebuilds a memory from {@link toState}'s numbers (already read as finite numbers); throws a `VALIDATION_ERROR`
   * naming `field` when they cannot be a state.
   */
  static restore(
    field: string,
    dimension: number,
    capacity: number,
    state: {
      numbers: Float64Array;
      weights: Float64Array;
      norms: Float64Array;
      headNorms: Float64Array;
      lastUsed: Float64Array;
    },
  ): ArtMemory {
    const [count = 0, presented = 0, upperVigilance = 0, lowerVigilance = 0, lastBest = 0] = state.numbers;
    const integers = [count, presented, lastBest];
    if (
      state.numbers.length !== 5 ||
      !integers.every((value) => Number.isInteger(value) && value >= 0) ||
      count > capacity ||
      lastBest >= Math.max(count, 1) ||
      state.weights.length !== count * 2 * dimension ||
      state.norms.length !== count ||
      state.headNorms.length !== count ||
      state.lastUsed.length !== count ||
      !state.weights.every((weight) => weight >= -ROUNDING && weight <= 1 + ROUNDING) ||
      !state.lastUsed.every((used) => Number.isInteger(used) && used >= 0 && used <= presented) ||
      !state.norms.every(
        (norm, category) => norm >= (state.headNorms[category] as number) - ROUNDING && norm <= dimension + ROUNDING,
      ) ||
      !state.headNorms.every((norm) => norm >= -ROUNDING)
    ) {
      throw invalidState(`field "${field}" must describe the categories of a resonance model`);
    }
    const memory = new ArtMemory(dimension, capacity, upperVigilance);
    memory.lowerVigilance = lowerVigilance;
    memory.count = count;
    memory.presented = presented;
    memory.lastBest = lastBest;
    memory.weights.set(state.weights);
    memory.norms.set(state.norms);
    memory.headNorms.set(state.headNorms);
    memory.lastUsed.set(state.lastUsed);
    for (let category = 0; category < count; category += 1) memory.summarise(category);
    return memory;
  }

  /** Refreshes a category's summary from its weights. */
  private summarise(category: number): void {
    const { dimension, weights, summary } = this;
    const offset = category * 2 * dimension;
    const last = dimension - 1;
    const half = dimension >> 1;
    let headLower = 0;
    let headComplement = 0;
    let tailLower = 0;
    let tailComplement = 0;
    for (let index = 0; index < last; index += 1) {
      const lower = weights[offset + index] as number;
      const complement = weights[offset + dimension + index] as number;
      if (index < half) {
        headLower += lower;
        headComplement += complement;
      } else {
        tailLower += lower;
        tailComplement += complement;
      }
    }
    const at = category * SUMMARY;
    summary[at] = weights[offset + last] as number;
    summary[at + 1] = weights[offset + dimension + last] as number;
    summary[at + 2] = tailLower;
    summary[at + 3] = tailComplement;
    summary[at + 4] = headLower;
    summary[at + 5] = headComplement;
  }
}
