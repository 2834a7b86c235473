import fc from "fast-check";
import { inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { invertPositiveDefinite } from "../../../src/recommendation/internal/cholesky";
import {
  createEaseWorkspace,
  type EaseInput,
  fitEase,
  fitEaseInWorkspace,
  gramMatrix,
  meanDiagonal,
  rankEase,
} from "../../../src/recommendation/internal/ease-model";
import { InteractionMatrix } from "../../../src/recommendation/internal/interaction-matrix";
import { createSparseRow, type SparseRow, setRowValue } from "../../../src/recommendation/internal/sparse-row";

/** Five users over four items, strengths 1–3. */
function smallMatrix(): InteractionMatrix {
  const matrix = new InteractionMatrix(0.5, undefined);
  const rows = [
    [1, 1, 0, 0],
    [1, 2, 1, 0],
    [0, 1, 3, 1],
    [0, 0, 1, 1],
    [2, 0, 0, 1],
  ];
  for (let item = 0; item < 4; item += 1) matrix.registerItem(`item-${item}`);
  rows.forEach((row, user) => {
    matrix.registerUser(`user-${user}`);
    row.forEach((value, item) => {
      if (value > 0) matrix.setStrength(user, item, value);
    });
  });
  return matrix;
}

describe("EASE", () => {
  it("builds XᵀX from the rows, weighted or binarised", () => {
    const matrix = smallMatrix();
    const weighted = gramMatrix(matrix.userRows, 4, "weighted");
    const binary = gramMatrix(matrix.userRows, 4, "binary");
    expect(weighted[0]).toBe(1 + 1 + 4);
    expect(weighted[1]).toBe(1 + 2);
    expect(binary[0]).toBe(3);
    expect(binary[2 * 4 + 3]).toBe(2);
    expect(meanDiagonal(binary, 4)).toBe((3 + 3 + 3 + 3) / 4);
    // Items past `size` (new since training) are left out.
    expect(gramMatrix(matrix.userRows, 2, "binary")).toEqual(Float64Array.from([3, 2, 2, 3]));
  });

  it("matches the closed form B = I − P·diag(1/diag(P)) computed with ml-matrix, zero diagonal", () => {
    const matrix = smallMatrix();
    const gram = gramMatrix(matrix.userRows, 4, "weighted");
    const lambda = 2.5;
    const model = fitEase(gram, 4, lambda, "weighted");
    const dense = new Matrix(Array.from({ length: 4 }, (_, row) => Array.from(gram.subarray(row * 4, row * 4 + 4))));
    const p = inverse(dense.add(Matrix.eye(4).mul(lambda)));
    for (let row = 0; row < 4; row += 1) {
      for (let column = 0; column < 4; column += 1) {
        const expected = row === column ? 0 : -p.get(row, column) / p.get(column, column);
        expect(model.weights[row * 4 + column]).toBeCloseTo(expected, 12);
      }
    }
    expect(gram).toEqual(gramMatrix(matrix.userRows, 4, "weighted")); // the Gram matrix is left untouched
  });

  it("ranks unblocked items by x_u·B and names the user's item contributing most", () => {
    const matrix = smallMatrix();
    const model = fitEase(gramMatrix(matrix.userRows, 4, "binary"), 4, 0.5, "binary");
    const userRow = matrix.userRows[0]!;
    const ranked = rankEase(model, matrix, userRow, 4, (item) => userRow.positions.has(item), new Float64Array(4));
    expect(ranked.map((entry) => entry.item).every((item) => !userRow.positions.has(item))).toBe(true);
    for (const entry of ranked) {
      const expected = (model.weights[0 * 4 + entry.item] as number) + (model.weights[1 * 4 + entry.item] as number);
      expect(entry.score).toBeCloseTo(expected, 12);
      expect(entry.score).toBeGreaterThan(0);
      const contributions = [0, 1].map((own) => model.weights[own * 4 + entry.item] as number);
      expect(entry.basedOn).toBe(contributions[0]! >= contributions[1]! ? 0 : 1);
    }
    const scores = ranked.map((entry) => entry.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("sums XᵀX user by user in ascending order, bit for bit, over items below the size", () => {
    // Rows of up to 12 items out of 15 (strengths with many digits, so any other order of the sums would show).
    const rows = fc.array(
      fc.uniqueArray(
        fc.record({ item: fc.integer({ min: 0, max: 14 }), value: fc.double({ min: 0.01, max: 9, noNaN: true }) }),
        {
          selector: (entry) => entry.item,
          maxLength: 12,
        },
      ),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 15 }), fc.boolean(), (entries, size, binary) => {
        const userRows: SparseRow[] = entries.map((row) => {
          const sparse = createSparseRow();
          for (const { item, value } of row) setRowValue(sparse, item, value);
          return sparse;
        });
        const expected = new Float64Array(size * size);
        for (const row of entries) {
          for (const a of row) {
            for (const b of row) {
              if (a.item >= size || b.item >= size) continue;
              const at = a.item * size + b.item;
              expected[at] = (expected[at] as number) + (binary ? 1 : a.value * b.value);
            }
          }
        }
        expect(gramMatrix(userRows, size, binary ? "binary" : "weighted")).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it("fits the same weights through the blocked inverse as through the unblocked one on a catalogue of many blocks", () => {
    const matrix = new InteractionMatrix(0.5, undefined);
    const size = 150;
    for (let item = 0; item < size; item += 1) matrix.registerItem(`item-${item}`);
    for (let user = 0; user < 400; user += 1) {
      matrix.registerUser(`user-${user}`);
      for (let pick = 0; pick < 12; pick += 1)
        matrix.setStrength(user, (user * 7 + pick * pick * 13) % size, 1 + (pick % 3));
    }
    const gram = gramMatrix(matrix.userRows, size, "weighted");
    const lambda = 3 * meanDiagonal(gram, size);
    const model = fitEase(gram, size, lambda, "weighted");
    const shifted = Float64Array.from(gram);
    for (let item = 0; item < size; item += 1)
      shifted[item * size + item] = (shifted[item * size + item] as number) + lambda;
    const p = invertPositiveDefinite(shifted, size) as Float64Array;
    let largest = 0;
    for (let row = 0; row < size; row += 1) {
      for (let column = 0; column < size; column += 1) {
        const expected =
          row === column ? 0 : -(p[row * size + column] as number) / (p[column * size + column] as number);
        const difference = Math.abs((model.weights[row * size + column] as number) - expected);
        largest = Math.max(largest, difference);
      }
    }
    expect(largest).toBeLessThan(1e-12);
    expect(model.weights.some((weight) => weight > 0.01)).toBe(true);
  });
});

describe("EASE fitted in a SIMD workspace (validation)", () => {
  const rowsArbitrary = fc.array(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 5 })), { maxLength: 9 }),
    { minLength: 2, maxLength: 30 },
  );

  it("has the weights of fitEase bit for bit, and ranks every user the same, also after the workspace's next fit", () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.constantFrom<EaseInput>("weighted", "binary"), (rows, input) => {
        const matrix = new InteractionMatrix(0.5, undefined);
        rows.forEach((row, user) => {
          const userIndex = matrix.registerUser(`user-${user}`);
          for (const [item, strength] of row)
            matrix.addInteraction(userIndex, matrix.registerItem(`item-${item}`), strength, false);
        });
        const size = matrix.itemIds.length;
        if (size === 0) return;
        const gram = gramMatrix(matrix.userRows, size, input);
        const workspace = createEaseWorkspace(size);
        if (workspace === null) throw new Error("this Node has WebAssembly SIMD; the workspace must exist");
        for (const lambda of [0.5, 7]) {
          const plain = fitEase(gram, size, lambda, input);
          const resident = fitEaseInWorkspace(workspace, gram, size, lambda, input);
          expect(resident.kernel).toBeDefined();
          expect(Array.from(resident.weights)).toEqual(Array.from(plain.weights));
          const scratch = new Float64Array(size);
          for (const userRow of matrix.userRows) {
            const own = new Set(userRow.columns);
            const blocked = (item: number) => own.has(item);
            const expected = rankEase(plain, matrix, userRow, 5, blocked, scratch);
            expect(rankEase(resident, matrix, userRow, 5, blocked, scratch)).toEqual(expected);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
