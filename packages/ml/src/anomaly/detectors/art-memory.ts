/**
 * The category memory of the ART detector: a dual-vigilance fuzzy ART (Carpenter, Grossberg & Rosen 1991, "Fuzzy
 * ART"; dual vigilance after da Silva, Elnabarawy & Wunsch 2019) over complement-coded feature vectors. Each
 * category is a hyperbox (its weights are the fuzzy AND, the element-wise minimum, of every input it learned); an
 * input resonates with a category when enough of the category lies inside the input's box. Internal to the
 * detectors.
 */

import { type ArtArrays, createArtArrays, sumLowerCorners } from "./art-kernels";
import { invalidState } from "./read-state";

/**
 * How far a saved weight (or sum of weights) may lie outside its range: a widened scale maps weights with rounding,
 * so a weight at an edge of [0, 1] can come out a few units in the last place beyond it.
 */
const ROUNDING = 1e-9;

/**
 * Presentations between two regroupings of the categories by their newest level (see {@link ArtMemory.regroup}):
 * boxes grow slowly, so the order stays useful for a while, and a regrouping moves every weight once.
 */
const REGROUP_PERIOD = 1024;

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
 * O(capacity × dimension): one pass scores every category (two at a time with WebAssembly SIMD, see
 * `art-kernels.ts`), then the few that resonate learn.
 */
export class ArtMemory {
  /** Features per input before complement coding. */
  readonly dimension: number;
  readonly capacity: number;
  /**
   * The categories' weights and norms, and the search's input and scores (laid out for the kernel), each category
   * in a slot of its own: categories `[0, count)` occupy slots `[0, count)`, in the order of their newest levels
   * as of the last regrouping, so that the kernel's blocks of four hold categories of nearby levels.
   */
  private readonly arrays: ArtArrays;
  /** The slot of each category. */
  private readonly slots: Int32Array;
  /** The category in each slot (in the search's arrays). */
  private readonly categories: Int32Array;
  count = 0;
  presented = 0;
  upperVigilance: number;
  lowerVigilance: number;
  /** The category that matched best last time (it is visited first, so it wins ties). */
  private lastBest = 0;

  /**
   * @param simd - False keeps the search in JavaScript even where WebAssembly SIMD is available (the results are the
   *   same bits either way).
   */
  constructor(dimension: number, capacity: number, vigilance: number, simd = true) {
    this.dimension = dimension;
    this.capacity = capacity;
    this.arrays = createArtArrays(dimension, capacity, simd);
    this.slots = Int32Array.from({ length: capacity }, (_, category) => category);
    this.categories = this.arrays.categories;
    this.upperVigilance = vigilance;
    this.lowerVigilance = vigilance;
  }

  /** Whether the search runs as WebAssembly SIMD. */
  get simd(): boolean {
    return this.arrays.simd;
  }

  /** A copy of each category's sum of weights (the match's denominator), by category. */
  get norms(): Float64Array {
    return this.byCategory(this.arrays.norms);
  }

  /** A copy of each category's sum of the weights of the first half of the features, by category. */
  get headNorms(): Float64Array {
    return this.byCategory(this.arrays.headNorms);
  }

  /** A copy of each category's input count at its last resonance (for replacement), by category. */
  get lastUsed(): Float64Array {
    return this.byCategory(this.arrays.lastUsed);
  }

  private byCategory(values: Float64Array): Float64Array {
    return Float64Array.from(
      { length: this.capacity },
      (_, category) => values[this.slots[category] as number] as number,
    );
  }

  /** A copy of one category's `2 × dimension` weights: the features' lower corner, then the complements'. */
  categoryWeights(category: number): Float64Array {
    const { dimension, arrays } = this;
    const slot = this.slots[category] as number;
    const result = new Float64Array(2 * dimension);
    for (let index = 0; index < dimension; index += 1) {
      result[index] = arrays.lower[index * arrays.stride + slot] as number;
      result[dimension + index] = arrays.complements[index * arrays.stride + slot] as number;
    }
    return result;
  }

  /**
   * Matches `input` (features in [0, 1], not complement-coded; its last element is the newest level) against every
   * category, then learns it (`learn` false only scores).
   */
  present(input: Float64Array, match: ArtMatch, learn = true): void {
    const { arrays, count, slots } = this;
    const upperVigilance = this.upperVigilance;
    this.presented += 1;
    if (this.presented % REGROUP_PERIOD === 0) this.regroup();
    let best = -1;
    let bestScore = 0;
    if (count > 0) {
      arrays.input.set(input);
      // The last best category goes first, then 1, 2, … with 0 in its place: the first of equal scores wins.
      const first = this.lastBest < count ? this.lastBest : 0;
      // Every category that reaches the upper vigilance learns the input during the pass: then the best does too,
      // and the input is familiar.
      const vigilance = learn ? upperVigilance : Number.POSITIVE_INFINITY;
      bestScore = arrays.score(count, vigilance, this.presented, first, slots[first] as number);
      best = arrays.found[0] as number;
      this.lastBest = best;
    }
    match.similarity = bestScore;
    match.levelSimilarity = best < 0 ? 0 : (arrays.levels[slots[best] as number] as number);
    if (best >= 0 && bestScore >= upperVigilance) {
      match.outcome = "familiar";
      return;
    }
    match.outcome = best >= 0 && bestScore >= this.lowerVigilance ? "variant" : "novel";
    if (learn) this.commit(input);
  }

  /**
   * Maps features `[from, dimension)` of every category from the scale `[oldLowest, oldHighest]` onto
   * `[lowest, highest]` (after the scale widened).
   */
  rescale(from: number, oldLowest: number, oldHighest: number, lowest: number, highest: number): void {
    const { dimension } = this;
    const { stride, lower, complements, norms, headNorms } = this.arrays;
    const ratio = (oldHighest - oldLowest) / (highest - lowest);
    const shift = (oldLowest - lowest) / (highest - lowest);
    for (let category = 0; category < this.count; category += 1) {
      let norm = 0;
      for (let index = 0; index < dimension; index += 1) {
        const at = index * stride + category;
        if (index >= from) {
          const weight = shift + ratio * (lower[at] as number);
          const upper = shift + ratio * (1 - (complements[at] as number));
          lower[at] = weight;
          complements[at] = 1 - upper;
        }
        norm += (lower[at] as number) + (complements[at] as number);
        if (index === (dimension >> 1) - 1) headNorms[category] = norm;
      }
      norms[category] = norm;
      sumLowerCorners(this.arrays, dimension, category);
    }
  }

  /** Makes the input a category of its own, replacing the least recently used one when the memory is full. */
  private commit(input: Float64Array): void {
    const { dimension, capacity, slots } = this;
    const { stride, lower, complements, norms, headNorms, lastUsed } = this.arrays;
    let replaced = this.count;
    if (replaced === capacity) {
      replaced = 0;
      for (let category = 1; category < capacity; category += 1) {
        const used = lastUsed[slots[category] as number] as number;
        if (used < (lastUsed[slots[replaced] as number] as number)) replaced = category;
      }
    } else {
      this.count += 1;
    }
    const slot = slots[replaced] as number;
    for (let index = 0; index < dimension; index += 1) {
      const value = input[index] as number;
      lower[index * stride + slot] = value;
      complements[index * stride + slot] = 1 - value;
    }
    norms[slot] = dimension;
    headNorms[slot] = dimension >> 1;
    lastUsed[slot] = this.presented;
    sumLowerCorners(this.arrays, dimension, slot);
  }

  /**
   * Puts the categories in the slots in the order of their newest level's box (its middle), so that each of the
   * kernel's blocks of four holds categories of nearby levels and is skipped or scored as a whole. The order of
   * the slots changes no result: every category is still scored unless it can neither be the best nor learn, and
   * ties go by category, not by slot.
   */
  private regroup(): void {
    const { count, dimension, slots, categories } = this;
    const { stride, lower, complements, norms, headNorms, lastUsed } = this.arrays;
    const lastRow = (dimension - 1) * stride;
    // Sorted as numbers: the box's middle on a grid of 1/1024 (any order is correct; this one is a heuristic),
    // then the slot.
    const keys = Float64Array.from(
      { length: count },
      (_, slot) =>
        // (+ 1 keeps a middle a rounding below 0 at a key of at least 0.)
        Math.floor(((lower[lastRow + slot] as number) + 1 - (complements[lastRow + slot] as number)) * 512 + 1) *
          stride +
        slot,
    ).sort();
    const order = Int32Array.from(keys, (key) => key % stride);
    const moved = new Float64Array(count);
    const move = (values: Float64Array, offset: number) => {
      for (let slot = 0; slot < count; slot += 1) moved[slot] = values[offset + (order[slot] as number)] as number;
      values.set(moved, offset);
    };
    for (let index = 0; index < dimension; index += 1) {
      move(lower, index * stride);
      move(complements, index * stride);
    }
    move(norms, 0);
    move(headNorms, 0);
    move(lastUsed, 0);
    move(this.arrays.sums, 0);
    move(this.arrays.sums, stride);
    const previous = categories.slice(0, count);
    for (let slot = 0; slot < count; slot += 1) {
      const category = previous[order[slot] as number] as number;
      categories[slot] = category;
      slots[category] = slot;
    }
  }

  /**
   * Whether each category's norm and head norm are the sums of its weights in feature order, as learning and
   * rescaling leave them, or `dimension` and its half, as a new category has them. The search relies on it: it skips
   * the learning that would leave a category as it is, and bounds a match by the head norm.
   */
  private static normsAreSums(
    dimension: number,
    count: number,
    state: { weights: Float64Array; norms: Float64Array; headNorms: Float64Array },
  ): boolean {
    const half = dimension >> 1;
    for (let category = 0; category < count; category += 1) {
      const norm = state.norms[category] as number;
      const headNorm = state.headNorms[category] as number;
      if (norm === dimension && headNorm === half) continue;
      const offset = category * 2 * dimension;
      let sum = 0;
      let headSum = 0;
      for (let index = 0; index < dimension; index += 1) {
        sum += (state.weights[offset + index] as number) + (state.weights[offset + dimension + index] as number);
        if (index === half - 1) headSum = sum;
      }
      if (sum !== norm || headSum !== headNorm) return false;
    }
    return true;
  }

  /** The state as plain numbers (see {@link restore}): the weights and caches of the categories in use. */
  toState(): { numbers: number[]; weights: number[]; norms: number[]; headNorms: number[]; lastUsed: number[] } {
    const { count } = this;
    return {
      numbers: [count, this.presented, this.upperVigilance, this.lowerVigilance, this.lastBest],
      weights: Array.from({ length: count }, (_, category) => Array.from(this.categoryWeights(category))).flat(),
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
    if (!ArtMemory.normsAreSums(dimension, count, state)) {
      throw invalidState(
        `field "${field}" must describe the categories of a resonance model: each category's norms must be the sums of ` +
          `its weights in feature order (or ${dimension} and ${dimension >> 1} for a category not yet learned)`,
      );
    }
    const memory = new ArtMemory(dimension, capacity, upperVigilance);
    memory.lowerVigilance = lowerVigilance;
    memory.count = count;
    memory.presented = presented;
    memory.lastBest = lastBest;
    const { stride, lower, complements, norms } = memory.arrays;
    for (let category = 0; category < count; category += 1) {
      for (let index = 0; index < dimension; index += 1) {
        lower[index * stride + category] = state.weights[category * 2 * dimension + index] as number;
        complements[index * stride + category] = state.weights[(category * 2 + 1) * dimension + index] as number;
      }
    }
    norms.set(state.norms);
    memory.arrays.headNorms.set(state.headNorms);
    memory.arrays.lastUsed.set(state.lastUsed);
    for (let category = 0; category < count; category += 1) sumLowerCorners(memory.arrays, dimension, category);
    return memory;
  }
}
