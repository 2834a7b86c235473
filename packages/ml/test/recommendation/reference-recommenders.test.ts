import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cooccurrence,
  easeRanker,
  easeWeights,
  invertSpdInPlace,
  itemKnnRanker,
  popularityRanker,
  topIndices,
  topKScores,
  trainingSet,
  userKnnRanker,
} from "../../bench/recommendation/reference-recommenders";

const SEED = 20_261_204;

const pairs = (text: string) =>
  text
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [user, item] = pair.split(":");
      return { user: user as string, item: item as string };
    });

// a: x y   b: x y z   c: y z   d: w
const SMALL = trainingSet(pairs("a:x a:y b:x b:y b:z c:y c:z d:w"));

describe("topIndices", () => {
  it("matches a full sort (score descending, index ascending) with exclusions skipped", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (values, k, skip) => {
          const scores = Float64Array.from(values);
          const exclude = Int32Array.from(values.flatMap((_, index) => (skip[index] ? [index] : [])));
          const expected = values
            .map((score, index) => ({ score, index }))
            .filter(({ index }) => !skip[index])
            .sort((a, b) => b.score - a.score || a.index - b.index)
            .slice(0, k)
            .map(({ index }) => index);
          expect(topIndices(scores, exclude, k)).toEqual(expected);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("topKScores", () => {
  it("scores binary relevance with a log2 discount and recall over all held-out items", () => {
    // One relevant item at rank 3: 1 / log2(4).
    expect(topKScores(["a", "b", "c"], new Set(["c"]), 10)).toEqual({ ndcg: 0.5, recall: 1 });
    // Hits at ranks 1 and 3 of two relevant (of three held out): (1 + 0.5) / (1 + 1/log2(3)).
    const scores = topKScores(["a", "b", "c", "d"], new Set(["a", "c", "z"]), 3);
    expect(scores.ndcg).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3) + 0.5), 12);
    expect(scores.recall).toBeCloseTo(2 / 3, 12);
    expect(topKScores(["q"], new Set(["a"]), 10)).toEqual({ ndcg: 0, recall: 0 });
  });
});

describe("reference rankers on a hand-checked example", () => {
  it("popularity ranks by user count and leaves out the user's own items", () => {
    expect(popularityRanker(SMALL)("d", 3)).toEqual(["y", "x", "z"]);
    expect(popularityRanker(SMALL)("a", 3)).toEqual(["z", "w"]);
    expect(popularityRanker(SMALL)("unknown", 3)).toEqual([]);
  });

  it("item kNN sums cosine similarities to the user's items", () => {
    // For a (x, y): z scores cos(z, x) + cos(z, y) = 1/√4 + 2/√6 > 0; w shares no user.
    expect(itemKnnRanker(SMALL, Number.POSITIVE_INFINITY)("a", 2)).toEqual(["z", "w"]);
    // For c (y, z): x scores 2/√6 + 1/√4; with one neighbour, x's only neighbour is y (2/√6 > 1/√4).
    expect(itemKnnRanker(SMALL, 1)("c", 1)).toEqual(["x"]);
  });

  it("user kNN lets the nearest users vote with their cosine", () => {
    // For c (y, z): b is nearest (2/√6), a next (1/√4); with one neighbour only b votes, for x.
    expect(userKnnRanker(SMALL, 1)("c", 2)).toEqual(["x", "w"]);
    // For a (x, y): b (2/√6) and c (1/√4) both vote for z.
    expect(userKnnRanker(SMALL, 2)("a", 1)).toEqual(["z"]);
  });

  it("EASE on the example puts the co-occurring item first", () => {
    expect(easeRanker(SMALL, 0.5)("a", 1)).toEqual(["z"]);
  });
});

/** Random binary user × item data over a few items. */
const interactionSets = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 60 })
  .map((list) => trainingSet(list.map(([user, item]) => ({ user: `u${user}`, item: `i${item}` }))));

describe("invertSpdInPlace", () => {
  it("returns the inverse of random symmetric positive definite matrices (A·A⁻¹ = I)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n * n, maxLength: n * n }),
            ),
          ),
        ([n, values]) => {
          // A = RᵀR + I is symmetric positive definite.
          const original = new Float64Array(n * n);
          for (let row = 0; row < n; row += 1) {
            for (let column = 0; column < n; column += 1) {
              let sum = row === column ? 1 : 0;
              for (let inner = 0; inner < n; inner += 1)
                sum += (values[inner * n + row] as number) * (values[inner * n + column] as number);
              original[row * n + column] = sum;
            }
          }
          const inverse = Float64Array.from(original);
          invertSpdInPlace(inverse, n);
          for (let row = 0; row < n; row += 1) {
            for (let column = 0; column < n; column += 1) {
              let product = 0;
              for (let inner = 0; inner < n; inner += 1)
                product += (original[row * n + inner] as number) * (inverse[inner * n + column] as number);
              expect(product).toBeCloseTo(row === column ? 1 : 0, 8);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("rejects a matrix that is not positive definite", () => {
    expect(() => invertSpdInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/pivot 1 .* not positive definite/);
  });
});

describe("easeWeights", () => {
  it("satisfies the closed form's conditions: zero diagonal and ((XᵀX + λI)·B)ᵢⱼ = (XᵀX)ᵢⱼ off the diagonal", () => {
    fc.assert(
      fc.property(interactionSets, fc.double({ min: 0.1, max: 50, noNaN: true }), (set, lambda) => {
        const n = set.items.length;
        const gram = cooccurrence(set);
        const weights = easeWeights(set, lambda);
        for (let row = 0; row < n; row += 1) {
          expect(weights[row * n + row]).toBe(0);
          for (let column = 0; column < n; column += 1) {
            if (row === column) continue;
            let product = 0;
            for (let inner = 0; inner < n; inner += 1) {
              const penalised = (gram[row * n + inner] as number) + (row === inner ? lambda : 0);
              product += penalised * (weights[inner * n + column] as number);
            }
            expect(product).toBeCloseTo(gram[row * n + column] as number, 7);
          }
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
