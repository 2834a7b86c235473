/**
 * The category search of the ART memory as one pass over every category: its arrays, laid out for the WebAssembly
 * SIMD kernel of `art-kernels.wat` (two categories per 128-bit operation), and the JavaScript twin used where
 * WebAssembly SIMD is unavailable. Both compute the same bits: each category's sums are added in the same order.
 * Internal to the detectors.
 */

import { lazyWasmModule } from "../../internal/wasm-module";
import { ART_KERNELS_WASM } from "./art-kernels-wasm";

/** The arrays of one memory's categories and of its search (see {@link createArtArrays}). */
export interface ArtArrays {
  /** Categories per feature row (the capacity rounded up to a multiple of 4). */
  readonly stride: number;
  /** The categories' lower corners, feature by feature: feature `f` of category `c` at `f × stride + c`. */
  readonly lower: Float64Array;
  /** The lower corners of the complements (1 − the upper corners), laid out as {@link lower}. */
  readonly complements: Float64Array;
  /** Per category, the sum of its weights (lower corners and complements, added in feature order). */
  readonly norms: Float64Array;
  /** Per category, the same sum over the first half of the features. */
  readonly headNorms: Float64Array;
  /** Per category, the input count at its last resonance (for replacement). */
  readonly lastUsed: Float64Array;
  /**
   * Per category, the sums of its lower corners over the first half of the features (at `[0, stride)`) and over the
   * second half (at `[stride, 2 × stride)`), for a bound of the match (see {@link sumLowerCorners}).
   */
  readonly sums: Float64Array;
  /** The input to score (`dimension` features, the newest level last). */
  readonly input: Float64Array;
  /** Written by {@link score}: per category, its match (feature match³ × newest level's match²). */
  readonly scores: Float64Array;
  /** Written by {@link score}: per category, its newest level's match. */
  readonly levels: Float64Array;
  /** The category in each slot (slots are what the other arrays are indexed by). */
  readonly categories: Int32Array;
  /** Written by {@link score}: at 0, the first category in visit order with the largest score. */
  readonly found: Int32Array;
  /** Whether {@link score} runs as WebAssembly SIMD. */
  readonly simd: boolean;
  /**
   * Scores {@link input} against the categories in slots `[0, count)`; those whose score reaches `vigilance` learn
   * it (fast learning: weights ← weights ∧ input, norms summed again in feature order, last use ← `presented`; a
   * category that learning would leave as it is only gets its last use, see {@link learningKeeps}). A category
   * that can neither be the best nor learn may be skipped, its score left at 0. Category `first` (in slot `start`,
   * below `count`) is visited first, then 1, 2, … with 0 in its place; {@link found} gets the first category in
   * that order with the largest score, which is returned.
   */
  score(count: number, vigilance: number, presented: number, first: number, start: number): number;
}

interface ArtKernelExports {
  memory: WebAssembly.Memory;
  scores(
    lower: number,
    complements: number,
    norms: number,
    headNorms: number,
    lastUsed: number,
    input: number,
    dimension: number,
    stride: number,
    count: number,
    scores: number,
    levels: number,
    splats: number,
    vigilance: number,
    presented: number,
    start: number,
    categories: number,
    first: number,
    found: number,
    sums: number,
  ): number;
}

const PAGE_BYTES = 65_536;

/**
 * A score is at most its newest level's match squared (the feature match is at most 1); this factor covers the
 * rounding of the feature match (a few units in the last place) when the bound rules a category out.
 */
const BOUND_SLACK = 1.000000001;

/**
 * Most kernels (each with a WebAssembly memory of its own) alive at once; further memories use the JavaScript twin.
 * Each WebAssembly memory reserves gigabytes of address space, and past about ten thousand of them creating one
 * more stalls, so an engine with thousands of `"resonance"` models stays usable (a model keeps its kernel or its
 * twin for its life; both compute the same bits).
 */
export const MAX_LIVE_KERNELS = 4096;

let liveKernels = 0;
// Counts a kernel out when its arrays are collected (without FinalizationRegistry, kernels are not used at all).
const kernelRegistry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<undefined>(() => {
        liveKernels -= 1;
      })
    : undefined;

/** The kernel module, compiled on first use; `null` where WebAssembly SIMD is unavailable. */
const kernelModule = lazyWasmModule(ART_KERNELS_WASM);

/** Tolerance of the bound from sums (far above the rounding of the sums). */
const SUM_TOLERANCE = 1e-9;

/** Writes the sums of a category's lower corners over each half of the features (see {@link ArtArrays.sums}). */
export function sumLowerCorners(arrays: ArtArrays, dimension: number, slot: number): void {
  const { stride, lower, sums } = arrays;
  const half = dimension >> 1;
  let head = 0;
  let tail = 0;
  for (let feature = 0; feature < half; feature += 1) head += lower[feature * stride + slot] as number;
  for (let feature = half; feature < dimension; feature += 1) tail += lower[feature * stride + slot] as number;
  sums[slot] = head;
  sums[stride + slot] = tail;
}

/**
 * The kernel's bound from sums for one category: a bound of its feature match from its norms and sums. Within a half
 * of n features with input sum s, the overlap falls short of the weights by at least max(0, Σw − s) +
 * max(0, Σk − (n − s)).
 */
function near(
  arrays: ArtArrays,
  slot: number,
  head: number,
  tail: number,
  complementHead: number,
  complementTail: number,
): number {
  const { stride, norms, headNorms, sums } = arrays;
  const norm = norms[slot] as number;
  const headNorm = headNorms[slot] as number;
  const headLower = sums[slot] as number;
  const tailLower = sums[stride + slot] as number;
  const shortfall =
    Math.max(0, headLower - head) +
    Math.max(0, headNorm - headLower - complementHead) +
    (Math.max(0, tailLower - tail) + Math.max(0, norm - headNorm - tailLower - complementTail));
  return 1 - (shortfall - SUM_TOLERANCE) / norm;
}

/** The JavaScript twin of the kernel's `scores`: the same arithmetic, one category at a time. */
function scoreCategories(
  arrays: ArtArrays,
  dimension: number,
  count: number,
  vigilance: number,
  presented: number,
  first: number,
  start: number,
): number {
  const best = scoreSlots(arrays, dimension, count, vigilance, presented);
  const { scores, categories } = arrays;
  let winner = first;
  if ((scores[start] as number) !== best) {
    // Category c ≠ first is visited at rank c, and 0 at rank `first`.
    let rank = count;
    for (let slot = 0; slot < count; slot += 1) {
      if ((scores[slot] as number) !== best) continue;
      const category = categories[slot] as number;
      const candidateRank = category === 0 ? first : category;
      if (candidateRank < rank) {
        rank = candidateRank;
        winner = category;
      }
    }
  }
  arrays.found[0] = winner;
  return best;
}

/** The twin's pass over the slots: every score (or 0 for a category ruled out), learning included. */
function scoreSlots(arrays: ArtArrays, dimension: number, count: number, vigilance: number, presented: number): number {
  const { stride, lower, complements, norms, input, scores, levels } = arrays;
  const last = dimension - 1;
  const half = dimension >> 1;
  const newest = input[last] as number;
  const newestComplement = 1 - newest;
  const lastRow = last * stride;
  let head = 0;
  let tail = 0;
  for (let feature = 0; feature < dimension; feature += 1) {
    if (feature < half) head += input[feature] as number;
    else tail += input[feature] as number;
  }
  const complementHead = half - head;
  const complementTail = dimension - half - tail;
  let best = 0;
  for (let category = 0; category < count; category += 1) {
    const weight = lower[lastRow + category] as number;
    const weightComplement = complements[lastRow + category] as number;
    const levelNorm = weight + weightComplement;
    const levelOverlap = Math.min(newest, weight) + Math.min(newestComplement, weightComplement);
    const level = levelNorm > 0 ? levelOverlap / levelNorm : 1;
    levels[category] = level;
    // As the kernel (one category at a time): a category whose bound is below both the best so far and the
    // vigilance can neither be the best nor learn, and its score is left at 0.
    const cut = Math.min(best, vigilance);
    if (level * level * BOUND_SLACK < cut) {
      scores[category] = 0;
      continue;
    }
    const bound = near(arrays, category, head, tail, complementHead, complementTail);
    if (bound * bound * bound * (level * level) * BOUND_SLACK < cut) {
      scores[category] = 0;
      continue;
    }
    // The second half of the features first, then the first half (the order of the sums is part of the result).
    let overlap = 0;
    for (let feature = half; feature < dimension; feature += 1) {
      const value = input[feature] as number;
      const at = feature * stride + category;
      overlap += Math.min(value, lower[at] as number) + Math.min(1 - value, complements[at] as number);
    }
    for (let feature = 0; feature < half; feature += 1) {
      const value = input[feature] as number;
      const at = feature * stride + category;
      overlap += Math.min(value, lower[at] as number) + Math.min(1 - value, complements[at] as number);
    }
    const norm = norms[category] as number;
    const match = norm > 0 ? overlap / norm : 1;
    const score = match * match * match * (level * level);
    scores[category] = score;
    if (score > best) best = score;
    if (score >= vigilance) learn(arrays, dimension, category, presented);
  }
  return best;
}

/**
 * Whether learning `input` would leave a category as it is: its box holds the input (min(x, w) is w and min(1 − x, k)
 * is k, bit for bit, for every feature), and its norms are already the sums of its weights in feature order (every
 * category's are, except a new one's, which are exactly `dimension` and its half; see `ArtMemory.restore`).
 */
export function learningKeeps(arrays: ArtArrays, dimension: number, category: number): boolean {
  const { stride, lower, complements, input } = arrays;
  if ((arrays.norms[category] as number) === dimension) return false;
  for (let feature = 0; feature < dimension; feature += 1) {
    const value = input[feature] as number;
    const at = feature * stride + category;
    const weight = lower[at] as number;
    const weightComplement = complements[at] as number;
    if (
      !Object.is(Math.min(value, weight), weight) ||
      !Object.is(Math.min(1 - value, weightComplement), weightComplement)
    ) {
      return false;
    }
  }
  return true;
}

/** The twin's fast learning of one category (the kernel's `$learn`). */
function learn(arrays: ArtArrays, dimension: number, category: number, presented: number): void {
  arrays.lastUsed[category] = presented;
  if (learningKeeps(arrays, dimension, category)) return;
  const { stride, lower, complements, input } = arrays;
  const half = dimension >> 1;
  let norm = 0;
  for (let feature = 0; feature < dimension; feature += 1) {
    const value = input[feature] as number;
    const at = feature * stride + category;
    const weight = Math.min(value, lower[at] as number);
    const weightComplement = Math.min(1 - value, complements[at] as number);
    lower[at] = weight;
    complements[at] = weightComplement;
    norm += weight + weightComplement;
    if (feature === half - 1) arrays.headNorms[category] = norm;
  }
  arrays.norms[category] = norm;
  sumLowerCorners(arrays, dimension, category);
}

/**
 * Allocates the arrays of a memory of `capacity` categories of `dimension` features: in a WebAssembly memory of its
 * own with the SIMD kernel when it can be had (and `simd` is not false), else in plain arrays with the twin.
 */
export function createArtArrays(dimension: number, capacity: number, simd = true): ArtArrays {
  const stride = (capacity + 3) & ~3;
  const paddedDimension = dimension + (dimension & 1);
  // In f64 values: lower, complements, norms, head norms, last uses, input, scores, levels, then the kernel's splats
  // (4 per feature).
  const complementsAt = dimension * stride;
  const normsAt = 2 * dimension * stride;
  const headNormsAt = normsAt + stride;
  const lastUsedAt = headNormsAt + stride;
  const inputAt = lastUsedAt + stride;
  const scoresAt = inputAt + paddedDimension;
  const levelsAt = scoresAt + stride;
  const splatsAt = levelsAt + stride;
  // Then the sums of the lower corners (2 per category), and, in i32 values, the category of each slot and the
  // found category.
  const sumsAt = splatsAt + 4 * dimension;
  const categoriesAt = sumsAt + 2 * stride;
  const size = categoriesAt + (stride >> 1) + 1;
  const module = simd && kernelRegistry !== undefined && liveKernels < MAX_LIVE_KERNELS ? kernelModule() : null;
  let exports: ArtKernelExports | undefined;
  if (module !== null) {
    try {
      exports = new WebAssembly.Instance(module, {}).exports as unknown as ArtKernelExports;
      exports.memory.grow(Math.ceil((size * 8) / PAGE_BYTES));
    } catch {
      exports = undefined;
    }
  }
  const buffer = exports === undefined ? new ArrayBuffer(size * 8) : exports.memory.buffer;
  const view = (at: number, length: number) => new Float64Array(buffer, at * 8, length);
  const arrays = {
    stride,
    lower: view(0, dimension * stride),
    complements: view(complementsAt, dimension * stride),
    norms: view(normsAt, stride),
    headNorms: view(headNormsAt, stride),
    lastUsed: view(lastUsedAt, stride),
    input: view(inputAt, dimension),
    scores: view(scoresAt, stride),
    levels: view(levelsAt, stride),
    sums: view(sumsAt, 2 * stride),
    categories: new Int32Array(buffer, categoriesAt * 8, stride),
    found: new Int32Array(buffer, categoriesAt * 8 + stride * 4, 1),
    simd: exports !== undefined,
    score: (count: number, vigilance: number, presented: number, first: number, start: number) =>
      scoreCategories(arrays, dimension, count, vigilance, presented, first, start),
  };
  for (let slot = 0; slot < stride; slot += 1) arrays.categories[slot] = slot;
  if (exports !== undefined) {
    liveKernels += 1;
    kernelRegistry?.register(arrays, undefined);
    const kernel = exports;
    arrays.score = (count: number, vigilance: number, presented: number, first: number, start: number) =>
      kernel.scores(
        0,
        complementsAt * 8,
        normsAt * 8,
        headNormsAt * 8,
        lastUsedAt * 8,
        inputAt * 8,
        dimension,
        stride,
        count,
        scoresAt * 8,
        levelsAt * 8,
        splatsAt * 8,
        vigilance,
        presented,
        start,
        categoriesAt * 8,
        first,
        categoriesAt * 8 + stride * 4,
        sumsAt * 8,
      );
  }
  return arrays;
}
