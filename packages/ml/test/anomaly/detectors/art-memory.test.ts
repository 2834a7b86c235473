import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArtMatch, ArtMemory } from "../../../src/anomaly/detectors/art-memory";

const DIMENSION = 6;
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const inputs = fc.array(fc.array(unit, { minLength: DIMENSION, maxLength: DIMENSION }), {
  minLength: 1,
  maxLength: 40,
});
const vigilance = fc.double({ min: 0, max: 1, noNaN: true });

function match(): ArtMatch {
  return { outcome: "familiar", similarity: 0, levelSimilarity: 0 };
}

/** The match of one category written out from the definition, without the memory's shortcuts. */
function referenceScore(memory: ArtMemory, category: number, input: readonly number[]): number {
  const { dimension } = memory;
  const weights = memory.categoryWeights(category);
  const offset = 0;
  let overlap = 0;
  let norm = 0;
  for (let index = 0; index < dimension; index += 1) {
    const lower = weights[offset + index] as number;
    const complement = weights[offset + dimension + index] as number;
    overlap += Math.min(input[index] as number, lower) + Math.min(1 - (input[index] as number), complement);
    norm += lower + complement;
  }
  const last = dimension - 1;
  const lower = weights[offset + last] as number;
  const complement = weights[offset + dimension + last] as number;
  const newest = input[last] as number;
  const level = (Math.min(newest, lower) + Math.min(1 - newest, complement)) / (lower + complement);
  return (overlap / norm) ** 3 * level ** 2;
}

describe("ArtMemory (the ART detector's fuzzy ART categories)", () => {
  it("finds the best match of the definition, and its outcome follows the two vigilances", () => {
    fc.assert(
      fc.property(inputs, vigilance, vigilance, (vectors, first, second) => {
        const memory = new ArtMemory(DIMENSION, 8, 0);
        memory.upperVigilance = Math.max(first, second);
        memory.lowerVigilance = Math.min(first, second);
        const result = match();
        for (const vector of vectors) {
          const expected = Array.from({ length: memory.count }, (_, category) =>
            referenceScore(memory, category, vector),
          );
          const best = expected.length > 0 ? Math.max(...expected) : 0;
          memory.present(Float64Array.from(vector), result);
          expect(result.similarity).toBeCloseTo(best, 12);
          // The outcome follows the memory's own similarity: the reference's sums round differently, and a vigilance
          // drawn within 1e-15 of the match would otherwise decide by rounding.
          const outcome =
            expected.length > 0 && result.similarity >= memory.upperVigilance
              ? "familiar"
              : expected.length > 0 && result.similarity >= memory.lowerVigilance
                ? "variant"
                : "novel";
          expect(result.outcome).toBe(outcome);
        }
      }),
    );
  });

  it("keeps every category a box inside the unit cube, with its cached norms, and never exceeds its capacity", () => {
    fc.assert(
      fc.property(inputs, vigilance, fc.integer({ min: 1, max: 5 }), (vectors, level, capacity) => {
        const memory = new ArtMemory(DIMENSION, capacity, level);
        const result = match();
        for (const vector of vectors) memory.present(Float64Array.from(vector), result);
        expect(memory.count).toBeLessThanOrEqual(capacity);
        for (let category = 0; category < memory.count; category += 1) {
          const weights = memory.categoryWeights(category);
          const offset = 0;
          let norm = 0;
          let headNorm = 0;
          for (let index = 0; index < DIMENSION; index += 1) {
            const lower = weights[offset + index] as number;
            const complement = weights[offset + DIMENSION + index] as number;
            expect(lower).toBeGreaterThanOrEqual(0);
            expect(complement).toBeGreaterThanOrEqual(0);
            // lower ≤ upper, where upper = 1 − complement.
            expect(lower + complement).toBeLessThanOrEqual(1 + 1e-12);
            norm += lower + complement;
            if (index < DIMENSION / 2) headNorm += lower + complement;
          }
          expect(memory.norms[category]).toBeCloseTo(norm, 12);
          expect(memory.headNorms[category]).toBeCloseTo(headNorm, 12);
        }
      }),
    );
  });

  it("recognises an input it has just learned with a perfect match", () => {
    fc.assert(
      fc.property(inputs, vigilance, (vectors, level) => {
        const memory = new ArtMemory(DIMENSION, 64, level);
        const result = match();
        for (const vector of vectors) {
          memory.present(Float64Array.from(vector), result);
          memory.present(Float64Array.from(vector), result);
          expect(result.similarity).toBeCloseTo(1, 12);
          expect(result.levelSimilarity).toBeCloseTo(1, 12);
          expect(result.outcome).toBe("familiar");
        }
      }),
    );
  });

  it("learns by the fuzzy AND: a familiar input widens the category's box to hold it", () => {
    const memory = new ArtMemory(2, 4, 0.5);
    const result = match();
    memory.present(Float64Array.of(0.2, 0.4), result);
    expect(result).toEqual({ outcome: "novel", similarity: 0, levelSimilarity: 0 });
    memory.present(Float64Array.of(0.3, 0.5), result);
    // overlap 0.2 + 0.7 + 0.4 + 0.5 = 1.8 of 2; newest level 0.4 + 0.5 of 1: 0.9³ × 0.9² = 0.59049.
    expect(result.outcome).toBe("familiar");
    expect(result.similarity).toBeCloseTo(0.59049, 12);
    expect(result.levelSimilarity).toBeCloseTo(0.9, 12);
    expect(memory.count).toBe(1);
    expect(Array.from(memory.categoryWeights(0))).toEqual([0.2, 0.4, 0.7, 0.5]);
  });

  it("replaces the least recently matched category when it is full", () => {
    const memory = new ArtMemory(2, 2, 0.99);
    const result = match();
    const a = Float64Array.of(0.1, 0.1);
    const b = Float64Array.of(0.9, 0.9);
    const c = Float64Array.of(0.5, 0.1);
    memory.present(a, result);
    memory.present(b, result);
    memory.present(a, result);
    memory.present(c, result);
    expect(result.outcome).toBe("novel");
    expect(memory.count).toBe(2);
    memory.present(a, result, false);
    expect(result.similarity).toBe(1);
    memory.present(b, result, false);
    expect(result.similarity).toBeLessThan(0.99);
  });

  it("maps its categories onto a wider scale, so the same values still match", () => {
    fc.assert(
      fc.property(
        fc.array(unit, { minLength: DIMENSION, maxLength: DIMENSION }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (vector, below, above) => {
          const memory = new ArtMemory(DIMENSION, 4, 0.5);
          const result = match();
          memory.present(Float64Array.from(vector), result);
          // Old scale [0, 1]; new scale [−below, 1 + above]; only the second half of the features are levels.
          memory.rescale(DIMENSION / 2, 0, 1, -below, 1 + above);
          const mapped = vector.map((value, index) =>
            index < DIMENSION / 2 ? value : (value + below) / (1 + below + above),
          );
          memory.present(Float64Array.from(mapped), result, false);
          expect(result.similarity).toBeCloseTo(1, 9);
        },
      ),
    );
  });
});
