import fc from "fast-check";
import { inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { createDenseWorkspace, type DenseWorkspace } from "../../../src/internal/dense-kernels";
import {
  INVERSE_BLOCK,
  inverseWorkspaceSize,
  invertInWorkspace,
} from "../../../src/recommendation/internal/blocked-inverse";
import { invertPositiveDefinite } from "../../../src/recommendation/internal/cholesky";

/** `AᵀA + ridge·I` for a random `rows × size` A: symmetric positive definite. */
function positiveDefinite(entries: readonly number[], size: number, ridge: number): Float64Array {
  const rows = entries.length / size;
  const result = new Float64Array(size * size);
  for (let a = 0; a < size; a += 1) {
    for (let b = 0; b < size; b += 1) {
      let sum = a === b ? ridge : 0;
      for (let row = 0; row < rows; row += 1)
        sum += (entries[row * size + a] as number) * (entries[row * size + b] as number);
      result[a * size + b] = sum;
    }
  }
  return result;
}

/** Inverts `matrix` in a fresh workspace (SIMD or the JavaScript twins) and returns the inverse, or `undefined`. */
function invertBlocked(matrix: Float64Array, size: number, block: number, simd: boolean): Float64Array | undefined {
  const workspace: DenseWorkspace = createDenseWorkspace(inverseWorkspaceSize(size, block), simd);
  workspace.heap.set(matrix);
  // The upper triangle is never read: garbage there must not change the result.
  for (let row = 0; row < size; row += 1)
    for (let column = row + 1; column < size; column += 1) workspace.heap[row * size + column] = Number.NaN;
  return invertInWorkspace(workspace, size, block) ? workspace.heap.slice(0, size * size) : undefined;
}

// Block sizes 1–5 with sizes up to 23 reach whole blocks, a short last block and the two- and four-row tiles of the
// products inside them; the default block with sizes past it, the case the models use.
const cases = fc
  .oneof(
    fc.record({ size: fc.integer({ min: 1, max: 23 }), block: fc.integer({ min: 1, max: 5 }) }),
    fc.record({
      size: fc.integer({ min: INVERSE_BLOCK - 2, max: 2 * INVERSE_BLOCK + 3 }),
      block: fc.constant(INVERSE_BLOCK),
    }),
  )
  .chain(({ size, block }) =>
    fc.record({
      size: fc.constant(size),
      block: fc.constant(block),
      simd: fc.boolean(),
      entries: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: size * 3, maxLength: size * 3 }),
      ridge: fc.double({ min: 0.05, max: 50, noNaN: true }),
    }),
  );

describe("invertInWorkspace", () => {
  it("agrees with ml-matrix's inverse and with the unblocked inverse, exactly symmetric", () => {
    fc.assert(
      fc.property(cases, ({ size, block, simd, entries, ridge }) => {
        const matrix = positiveDefinite(entries, size, ridge);
        const expected = inverse(
          new Matrix(
            Array.from({ length: size }, (_, row) => Array.from(matrix.subarray(row * size, (row + 1) * size))),
          ),
        );
        const unblocked = invertPositiveDefinite(Float64Array.from(matrix), size) as Float64Array;
        const result = invertBlocked(matrix, size, block, simd) as Float64Array;
        const scale = Math.max(1, expected.max(), -expected.min());
        // The largest differences, asserted once per case (an assertion per entry makes the property slow).
        let fromReference = 0;
        let fromUnblocked = 0;
        let asymmetric = 0;
        for (let row = 0; row < size; row += 1) {
          for (let column = 0; column < size; column += 1) {
            const value = result[row * size + column] as number;
            fromReference = Math.max(fromReference, Math.abs(value - expected.get(row, column)));
            fromUnblocked = Math.max(fromUnblocked, Math.abs(value - (unblocked[row * size + column] as number)));
            if (value !== result[column * size + row]) asymmetric += 1;
          }
        }
        expect(fromReference).toBeLessThan(1e-9 * scale);
        expect(fromUnblocked).toBeLessThan(1e-9 * scale);
        expect(asymmetric).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("gives the same inverse from the SIMD kernels and their JavaScript twins, to round-off", () => {
    fc.assert(
      fc.property(cases, ({ size, block, entries, ridge }) => {
        const matrix = positiveDefinite(entries, size, ridge);
        const simd = invertBlocked(matrix, size, block, true) as Float64Array;
        const twins = invertBlocked(matrix, size, block, false) as Float64Array;
        let largest = 1;
        let difference = 0;
        for (let index = 0; index < size * size; index += 1) {
          largest = Math.max(largest, Math.abs(twins[index] as number));
          difference = Math.max(difference, Math.abs((simd[index] as number) - (twins[index] as number)));
        }
        expect(difference).toBeLessThan(1e-11 * largest);
      }),
      { numRuns: 40 },
    );
  });

  it("reports a matrix that is not positive definite, in any block", () => {
    for (const simd of [true, false]) {
      expect(invertBlocked(Float64Array.from([1, 2, 2, 1]), 2, 1, simd)).toBeUndefined();
      expect(invertBlocked(Float64Array.from([0, 0, 0, 1]), 2, 2, simd)).toBeUndefined();
      // Positive definite up to the last row: the failing pivot is in the second block.
      const matrix = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, -3]);
      expect(invertBlocked(matrix, 3, 2, simd)).toBeUndefined();
      expect(invertBlocked(Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]), 3, 2, simd)).toBeDefined();
    }
  });

  it("reserves the matrix, its inverse factor and one block of scratch", () => {
    expect(inverseWorkspaceSize(10, 4)).toBe(2 * 100 + 16);
    expect(inverseWorkspaceSize(3)).toBe(2 * 9 + INVERSE_BLOCK * INVERSE_BLOCK);
  });
});
