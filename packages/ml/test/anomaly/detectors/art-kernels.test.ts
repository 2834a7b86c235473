import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createArtArrays, learningKeeps, MAX_LIVE_KERNELS } from "../../../src/anomaly/detectors/art-kernels";
import { ART_KERNELS_WASM } from "../../../src/anomaly/detectors/art-kernels-wasm";
import { type ArtMatch, ArtMemory } from "../../../src/anomaly/detectors/art-memory";
import { compileWat } from "../../internal/compile-wat";

const unit = fc.double({ min: 0, max: 1, noNaN: true });
// Levels on a grid (as the detector's are), so that inputs repeat, categories resonate and learn, and scores tie.
const gridded = fc.integer({ min: 0, max: 8 }).map((step) => step / 8);
const feature = fc.oneof(unit, gridded);

function match(): ArtMatch {
  return { outcome: "familiar", similarity: 0, levelSimilarity: 0 };
}

/**
 * The memory written out from its definition, one category at a time, category-major, with no shortcut: every
 * category scored in the visit order (the last best first, then 1, 2, … with 0 in its place; the first of equal
 * scores wins), the same sums in the same order, every category at or above the upper vigilance learning.
 */
class ReferenceMemory {
  readonly weights: number[][] = [];
  readonly norms: number[] = [];
  readonly lastUsed: number[] = [];
  presented = 0;
  lastBest = 0;
  readonly dimension: number;
  readonly capacity: number;
  readonly upperVigilance: number;
  readonly lowerVigilance: number;
  constructor(dimension: number, capacity: number, upperVigilance: number, lowerVigilance: number) {
    this.dimension = dimension;
    this.capacity = capacity;
    this.upperVigilance = upperVigilance;
    this.lowerVigilance = lowerVigilance;
  }

  present(input: readonly number[], learn: boolean): ArtMatch {
    const { dimension } = this;
    const half = dimension >> 1;
    const last = dimension - 1;
    this.presented += 1;
    const count = this.weights.length;
    const scores: number[] = [];
    const levels: number[] = [];
    for (const weights of this.weights) {
      const newest = input[last] as number;
      const levelNorm = (weights[last] as number) + (weights[dimension + last] as number);
      const levelOverlap =
        Math.min(newest, weights[last] as number) + Math.min(1 - newest, weights[dimension + last] as number);
      const level = levelNorm > 0 ? levelOverlap / levelNorm : 1;
      let overlap = 0;
      for (const index of [...Array(dimension).keys()].map((offset) => (offset + half) % dimension)) {
        const value = input[index] as number;
        overlap +=
          Math.min(value, weights[index] as number) + Math.min(1 - value, weights[dimension + index] as number);
      }
      const norm = this.norms[scores.length] as number;
      const featureMatch = norm > 0 ? overlap / norm : 1;
      scores.push(featureMatch * featureMatch * featureMatch * (level * level));
      levels.push(level);
    }
    if (count === 0) {
      if (learn) this.commit(input);
      return { outcome: "novel", similarity: 0, levelSimilarity: 0 };
    }
    const first = this.lastBest < count ? this.lastBest : 0;
    const order = [first, ...Array.from({ length: count - 1 }, (_, visit) => (visit + 1 === first ? 0 : visit + 1))];
    let best = first;
    for (const category of order) if ((scores[category] as number) > (scores[best] as number)) best = category;
    this.lastBest = best;
    const similarity = scores[best] as number;
    const result: ArtMatch = { outcome: "familiar", similarity, levelSimilarity: levels[best] as number };
    if (similarity >= this.upperVigilance) {
      if (learn) {
        for (const [category, score] of scores.entries()) {
          if (score < this.upperVigilance) continue;
          const weights = this.weights[category] as number[];
          let norm = 0;
          for (let index = 0; index < dimension; index += 1) {
            const value = input[index] as number;
            weights[index] = Math.min(weights[index] as number, value);
            weights[dimension + index] = Math.min(weights[dimension + index] as number, 1 - value);
            norm += (weights[index] as number) + (weights[dimension + index] as number);
          }
          this.norms[category] = norm;
          this.lastUsed[category] = this.presented;
        }
      }
      return result;
    }
    result.outcome = similarity >= this.lowerVigilance ? "variant" : "novel";
    if (learn) this.commit(input);
    return result;
  }

  private commit(input: readonly number[]): void {
    let slot = this.weights.length;
    if (slot === this.capacity) {
      slot = 0;
      for (let category = 1; category < this.capacity; category += 1) {
        if ((this.lastUsed[category] as number) < (this.lastUsed[slot] as number)) slot = category;
      }
    }
    this.weights[slot] = [...input, ...input.map((value) => 1 - value)];
    this.norms[slot] = this.dimension;
    this.lastUsed[slot] = this.presented;
  }
}

const scenario = fc.record({
  dimension: fc.integer({ min: 2, max: 17 }),
  // Up to ten blocks of four categories: the kernel skips a block whose newest levels rule all four out.
  capacity: fc.integer({ min: 1, max: 40 }),
  vigilances: fc.tuple(unit, unit),
  steps: fc.array(fc.tuple(fc.array(feature, { minLength: 17, maxLength: 17 }), fc.boolean()), {
    minLength: 1,
    maxLength: 150,
  }),
});

describe("the ART memory's search (WebAssembly SIMD kernel and JavaScript twin)", () => {
  it("runs as WebAssembly SIMD here, and as JavaScript when asked", () => {
    expect(new ArtMemory(16, 256, 0.9).simd).toBe(true);
    expect(new ArtMemory(16, 256, 0.9, false).simd).toBe(false);
  });

  it("finds exactly the definition's best category, outcome and learned weights, in both forms", () => {
    fc.assert(
      fc.property(scenario, ({ dimension, capacity, vigilances, steps }) => {
        const upper = Math.max(...vigilances);
        const lower = Math.min(...vigilances);
        const reference = new ReferenceMemory(dimension, capacity, upper, lower);
        const memories = [new ArtMemory(dimension, capacity, upper), new ArtMemory(dimension, capacity, upper, false)];
        for (const memory of memories) memory.lowerVigilance = lower;
        const result = match();
        for (const [vector, learn] of steps) {
          const input = vector.slice(0, dimension);
          const expected = reference.present(input, learn);
          for (const memory of memories) {
            memory.present(Float64Array.from(input), result, learn);
            expect(result).toEqual(expected);
          }
        }
        for (const memory of memories) {
          expect(memory.count).toBe(reference.weights.length);
          for (const [category, weights] of reference.weights.entries()) {
            expect(Array.from(memory.categoryWeights(category))).toEqual(weights);
            expect(memory.norms[category]).toBe(reference.norms[category]);
            expect(memory.lastUsed[category]).toBe(reference.lastUsed[category]);
          }
        }
        expect(memories[0]?.toState()).toEqual(memories[1]?.toState());
      }),
      { seed: 20261203, numRuns: 200 },
    );
  });

  it("stays exact across the regroupings of its categories by level (every 1024 presentations)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 40 }),
        fc.array(fc.tuple(fc.array(feature, { minLength: 6, maxLength: 6 }), fc.boolean()), {
          minLength: 1100,
          maxLength: 2200,
        }),
        fc.tuple(unit, unit),
        (capacity, steps, vigilances) => {
          const upper = Math.max(...vigilances);
          const lower = Math.min(...vigilances);
          const reference = new ReferenceMemory(6, capacity, upper, lower);
          const memory = new ArtMemory(6, capacity, upper);
          memory.lowerVigilance = lower;
          const result = match();
          for (const [input, learn] of steps) {
            memory.present(Float64Array.from(input), result, learn);
            expect(result).toEqual(reference.present(input, learn));
          }
          const restored = ArtMemory.restore("memory", 6, capacity, {
            numbers: Float64Array.from(memory.toState().numbers),
            weights: Float64Array.from(memory.toState().weights),
            norms: Float64Array.from(memory.toState().norms),
            headNorms: Float64Array.from(memory.toState().headNorms),
            lastUsed: Float64Array.from(memory.toState().lastUsed),
          });
          for (const [category, weights] of reference.weights.entries()) {
            expect(Array.from(restored.categoryWeights(category))).toEqual(weights);
          }
        },
      ),
      { seed: 20261205, numRuns: 12 },
    );
  });

  it("learns every category that reaches the upper vigilance, even in a block whose bound is far below the best", () => {
    for (const simd of [true, false]) {
      // Above any match: every input becomes a category of its own.
      const memory = new ArtMemory(2, 8, 1.5, simd);
      const result = match();
      const points = [
        [0.5, 0.5],
        [0, 0],
        [1, 1],
        [0, 1],
        [0.5, 0.7],
        [0.5, 0.7],
        [0.5, 0.7],
        [0.5, 0.7],
      ];
      for (const point of points) memory.present(Float64Array.from(point), result);
      expect(memory.count).toBe(8);
      // Categories 4–7: level match 0.8 (bound 0.64), feature match 0.9, score 0.9³ × 0.64 = 0.46656: familiar at
      // 0.46, though far below the perfect match of category 0.
      memory.upperVigilance = 0.46;
      memory.lowerVigilance = 0.46;
      memory.present(Float64Array.of(0.5, 0.5), result);
      expect(result).toEqual({ outcome: "familiar", similarity: 1, levelSimilarity: 1 });
      for (const category of [4, 5, 6, 7]) {
        expect(Array.from(memory.categoryWeights(category))).toEqual([0.5, 0.5, 0.5, 0.30000000000000004]);
        expect(memory.lastUsed[category]).toBe(9);
      }
      expect(Array.from(memory.categoryWeights(1))).toEqual([0, 0, 1, 1]);
    }
  });

  it("skips learning exactly when the fuzzy AND would leave the weights and norms as they are", () => {
    // A category's box from the inputs it learned (fast learning from its first input), its norms as the memory
    // keeps them: `dimension` and its half while it is new, else the sums of its weights in feature order.
    const box = fc.record({
      dimension: fc.integer({ min: 2, max: 17 }),
      learned: fc.array(fc.array(feature, { minLength: 17, maxLength: 17 }), { minLength: 1, maxLength: 4 }),
      input: fc.array(feature, { minLength: 17, maxLength: 17 }),
      fresh: fc.boolean(),
    });
    fc.assert(
      fc.property(box, ({ dimension, learned, input, fresh }) => {
        const arrays = createArtArrays(dimension, 4, false);
        const { stride, lower, complements, norms, headNorms } = arrays;
        const half = dimension >> 1;
        const weights = (learned[0] as number[]).slice(0, dimension);
        const weightComplements = weights.map((value) => 1 - value);
        for (const vector of learned.slice(fresh ? learned.length : 1)) {
          for (let index = 0; index < dimension; index += 1) {
            weights[index] = Math.min(vector[index] as number, weights[index] as number);
            weightComplements[index] = Math.min(1 - (vector[index] as number), weightComplements[index] as number);
          }
        }
        let norm = 0;
        let headNorm = 0;
        for (let index = 0; index < dimension; index += 1) {
          lower[index * stride] = weights[index] as number;
          complements[index * stride] = weightComplements[index] as number;
          norm += (weights[index] as number) + (weightComplements[index] as number);
          if (index === half - 1) headNorm = norm;
        }
        norms[0] = fresh ? dimension : norm;
        headNorms[0] = fresh ? half : headNorm;
        arrays.input.set(input.slice(0, dimension));
        // The update rule itself: w ← min(x, w), k ← min(1 − x, k), norms summed again in feature order.
        let learnedNorm = 0;
        let learnedHead = 0;
        let same = true;
        for (let index = 0; index < dimension; index += 1) {
          const value = input[index] as number;
          const weight = Math.min(value, weights[index] as number);
          const weightComplement = Math.min(1 - value, weightComplements[index] as number);
          same &&= Object.is(weight, weights[index]) && Object.is(weightComplement, weightComplements[index]);
          learnedNorm += weight + weightComplement;
          if (index === half - 1) learnedHead = learnedNorm;
        }
        const unchanged = same && learnedNorm === norms[0] && learnedHead === headNorms[0];
        const inside = input
          .slice(0, dimension)
          .every(
            (value, index) => (weights[index] as number) <= value && (weightComplements[index] as number) <= 1 - value,
          );
        const keeps = learningKeeps(arrays, dimension, 0);
        // Skipping is exact: it happens only when learning would change nothing…
        if (keeps) expect(unchanged).toBe(true);
        // …and it happens whenever the box holds the input, unless the category is new (its norms, `dimension`
        // and its half, may differ from the sums in the last place).
        expect(keeps).toBe(inside && norms[0] !== dimension);
        expect(same).toBe(inside);
      }),
      { seed: 20261204, numRuns: 2000 },
    );
  });

  it("a familiar input inside a learned box changes only the category's last use, in both forms", () => {
    for (const simd of [true, false]) {
      const memory = new ArtMemory(4, 8, 0.5, simd);
      memory.lowerVigilance = 0.5;
      const result = match();
      memory.present(Float64Array.of(0.25, 0.5, 0.5, 0.5), result);
      memory.present(Float64Array.of(0.5, 0.25, 0.5, 0.5), result);
      expect(result.outcome).toBe("familiar");
      const weights = Array.from(memory.categoryWeights(0));
      const { norms, headNorms } = memory;
      expect(weights).toEqual([0.25, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
      memory.present(Float64Array.of(0.375, 0.375, 0.5, 0.5), result);
      expect(result).toEqual({ outcome: "familiar", similarity: 1, levelSimilarity: 1 });
      expect(Array.from(memory.categoryWeights(0))).toEqual(weights);
      expect(memory.norms[0]).toBe(norms[0]);
      expect(memory.headNorms[0]).toBe(headNorms[0]);
      expect(memory.lastUsed[0]).toBe(3);
      expect(memory.count).toBe(1);
    }
  });

  it("refuses a saved memory whose norms are not the sums of its weights", () => {
    const memory = new ArtMemory(4, 8, 0.5);
    const result = match();
    memory.present(Float64Array.of(0.25, 0.5, 0.5, 0.5), result);
    memory.present(Float64Array.of(0.5, 0.25, 0.5, 0.5), result);
    const state = memory.toState();
    const restore = (norms: number[], headNorms: number[]) =>
      ArtMemory.restore("artMemory", 4, 8, {
        numbers: Float64Array.from(state.numbers),
        weights: Float64Array.from(state.weights),
        norms: Float64Array.from(norms),
        headNorms: Float64Array.from(headNorms),
        lastUsed: Float64Array.from(state.lastUsed),
      });
    expect(restore(state.norms, state.headNorms).toState()).toEqual(state);
    // A new category's norms (`dimension` and its half) are accepted too.
    expect(restore([4], [2]).norms[0]).toBe(4);
    expect(() => restore([state.norms[0] as number], [(state.headNorms[0] as number) - 0.125])).toThrow(
      /"artMemory" must describe the categories of a resonance model: each category's norms must be the sums/,
    );
    expect(() => restore([(state.norms[0] as number) - 0.125], [state.headNorms[0] as number])).toThrow(
      /norms must be the sums of its weights/,
    );
  });

  it(`keeps at most ${MAX_LIVE_KERNELS} kernels alive at once; further memories search in JavaScript, with the same results`, () => {
    const memories = Array.from({ length: MAX_LIVE_KERNELS + 1 }, () => new ArtMemory(4, 4, 0.5));
    expect(memories.some((memory) => memory.simd)).toBe(true);
    const last = memories.at(-1) as ArtMemory;
    expect(last.simd).toBe(false);
    const reference = memories.find((memory) => memory.simd) as ArtMemory;
    const result = match();
    const expected = match();
    for (const point of [
      [0.1, 0.2, 0.3, 0.4],
      [0.1, 0.2, 0.3, 0.5],
      [0.9, 0.8, 0.7, 0.6],
    ]) {
      reference.present(Float64Array.from(point), expected);
      last.present(Float64Array.from(point), result);
      expect(result).toEqual(expected);
    }
    expect(last.toState()).toEqual(reference.toState());
  });

  it("the committed module is the compilation of art-kernels.wat (run `node scripts/build-kernels.mjs`)", async () => {
    const compiled = await compileWat(new URL("../../../src/anomaly/detectors/art-kernels.wat", import.meta.url));
    expect(Buffer.from(ART_KERNELS_WASM, "base64").equals(compiled)).toBe(true);
  });
});
