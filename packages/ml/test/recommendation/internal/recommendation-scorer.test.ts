import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitAls } from "../../../src/recommendation/internal/als-model";
import { fitEase, gramMatrix, meanDiagonal } from "../../../src/recommendation/internal/ease-model";
import { InteractionMatrix } from "../../../src/recommendation/internal/interaction-matrix";
import { RecommendationScorer } from "../../../src/recommendation/internal/recommendation-scorer";
import { resolveRecommendationEngineOptions } from "../../../src/recommendation/recommendation-engine-options";

/** Users' rows as lists of [item, strength]; strengths 1–4, repeated items add up. */
const rowsArbitrary = fc.array(
  fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 4 })), { minLength: 0, maxLength: 8 }),
  { minLength: 3, maxLength: 14 },
);

function matrixOf(rows: readonly (readonly [number, number])[][]): InteractionMatrix {
  const matrix = new InteractionMatrix(0.3, undefined);
  rows.forEach((row, user) => {
    const userIndex = matrix.registerUser(`user-${user}`);
    for (const [item, strength] of row)
      matrix.addInteraction(userIndex, matrix.registerItem(`item-${item}`), strength, false);
  });
  return matrix;
}

describe("RecommendationScorer.rankItems", () => {
  it("returns the items recommend() returns, in the same order, for the kNN blend, EASE and ALS", () => {
    fc.assert(
      fc.property(
        rowsArbitrary,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        (rows, limit, minInteractions) => {
          const matrix = matrixOf(rows);
          const size = matrix.itemIds.length;
          const settings = resolveRecommendationEngineOptions({ minInteractions, maxRecommendations: 10 });
          const scorer = new RecommendationScorer(matrix, settings);
          const gram = gramMatrix(matrix.userRows, size, "weighted");
          const models = [
            undefined,
            size === 0 ? undefined : fitEase(gram, size, 2 * meanDiagonal(gram, size), "weighted"),
            size === 0
              ? undefined
              : fitAls(matrix.userRows, size, { factors: 3, lambda: 1, alpha: 2, iterations: 2, input: "binary" }),
          ];
          for (const model of models) {
            matrix.userIds.forEach((userId, user) => {
              const request = { userId, limit, exclude: [], includeInteracted: false, now: Number.NEGATIVE_INFINITY };
              const expected = scorer.recommend(request, model).map((entry) => matrix.itemIndex.get(entry.itemId));
              expect(scorer.rankItems(user, limit, model)).toEqual(expected);
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("fills up with popular items the user does not have, and falls back to them for a cold user", () => {
    // user-0 has one item; with minInteractions 2 they get the popular items they do not have.
    const matrix = matrixOf([
      [[0, 1]],
      [
        [1, 1],
        [2, 1],
      ],
      [
        [1, 1],
        [2, 1],
      ],
      [
        [1, 1],
        [3, 1],
      ],
    ]);
    const scorer = new RecommendationScorer(matrix, resolveRecommendationEngineOptions({ minInteractions: 2 }));
    const names = (items: number[]) => items.map((item) => matrix.itemIds[item]);
    expect(names(scorer.rankItems(0, 3))).toEqual(["item-1", "item-2", "item-3"]);
    // user-3's kNN finds item-2 (shared users of item-1); item-0 fills up as the only other item.
    expect(names(scorer.rankItems(3, 3))).toEqual(["item-2", "item-0"]);
  });
});
