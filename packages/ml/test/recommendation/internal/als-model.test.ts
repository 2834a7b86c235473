import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { type AlsSettings, fitAls, foldIn, rankAls } from "../../../src/recommendation/internal/als-model";
import { InteractionMatrix } from "../../../src/recommendation/internal/interaction-matrix";

function matrixOf(rows: readonly (readonly number[])[], items: number): InteractionMatrix {
  const matrix = new InteractionMatrix(0.5, undefined);
  for (let item = 0; item < items; item += 1) matrix.registerItem(`item-${item}`);
  rows.forEach((row, user) => {
    matrix.registerUser(`user-${user}`);
    row.forEach((value, item) => {
      if (value > 0) matrix.setStrength(user, item, value);
    });
  });
  return matrix;
}

/** Two blocks: users 0–5 use items 0–3, users 6–11 use items 4–7, each user all but one item of their block. */
function blocks(): InteractionMatrix {
  const rows = Array.from({ length: 12 }, (_, user) =>
    Array.from({ length: 8 }, (_, item) => {
      const sameBlock = Math.floor(user / 6) === Math.floor(item / 4);
      return sameBlock && item % 4 !== user % 4 ? 1 : 0;
    }),
  );
  return matrixOf(rows, 8);
}

const settings: AlsSettings = { factors: 4, lambda: 0.5, alpha: 4, iterations: 15, input: "binary" };

describe("implicit ALS", () => {
  it("folds a user in with the exact solution of the weighted ridge system (checked with ml-matrix)", () => {
    const matrix = blocks();
    const model = fitAls(matrix.userRows, 8, settings);
    const row = matrix.userRows[2];
    if (row === undefined) throw new Error("no row");
    const x = foldIn(model, row);
    const k = settings.factors;
    const y = new Matrix(
      Array.from({ length: 8 }, (_, item) => Array.from(model.itemFactors.slice(item * k, item * k + k))),
    );
    // A = YᵀCY + λI (C = 1 + α on the user's items, 1 elsewhere), b = YᵀCp.
    const confidence = Array.from({ length: 8 }, (_, item) => (row.columns.includes(item) ? 1 + settings.alpha : 1));
    const weighted = y.clone();
    for (let item = 0; item < 8; item += 1) weighted.mulRow(item, confidence[item] as number);
    const system = y.transpose().mmul(weighted).add(Matrix.eye(k, k).mul(settings.lambda));
    const preference = Matrix.columnVector(confidence.map((c, item) => (row.columns.includes(item) ? c : 0)));
    const expected = solve(system, y.transpose().mmul(preference)).to1DArray();
    for (const [index, value] of expected.entries()) expect(x?.[index]).toBeCloseTo(value, 9);
  });

  it("ranks a user's missing item of their own block first and explains it by one of the user's items", () => {
    const matrix = blocks();
    const model = fitAls(matrix.userRows, 8, settings);
    const scores = new Float64Array(8);
    const row = matrix.userRows[7];
    if (row === undefined) throw new Error("no row");
    const own = new Set(row.columns);
    const ranked = rankAls(model, matrix, row, 2, (item) => own.has(item), scores);
    // user-7 uses items 4, 5, 6 of block 4–7 and misses item 7.
    expect(ranked[0]?.item).toBe(7);
    expect(own.has(ranked[0]?.basedOn as number)).toBe(true);
  });

  it("is deterministic and keeps every factor finite, whatever the data", () => {
    const data = fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(data, (rows) => {
        const matrix = matrixOf(rows, 6);
        const weighted = { ...settings, input: "weighted" as const };
        const first = fitAls(matrix.userRows, 6, weighted);
        const second = fitAls(matrix.userRows, 6, weighted);
        expect(first.itemFactors).toEqual(second.itemFactors);
        expect(first.itemFactors.every(Number.isFinite)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("has no vector for a user none of whose items the model knows", () => {
    const matrix = blocks();
    const model = fitAls(matrix.userRows, 4, settings);
    const row = matrix.userRows[8];
    if (row === undefined) throw new Error("no row");
    expect(foldIn(model, row)).toBeUndefined();
  });
});
