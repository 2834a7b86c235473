import fc from "fast-check";
import { inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { choleskyInPlace, invertPositiveDefinite } from "../../../src/recommendation/internal/cholesky";

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

// Sizes up to 12 reach every remainder of the kernels' two- and four-wide tiles; larger ones several whole tiles.
const matrices = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 13, max: 41 })).chain((size) =>
  fc.record({
    size: fc.constant(size),
    entries: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: size * 4, maxLength: size * 4 }),
    ridge: fc.double({ min: 0.05, max: 50, noNaN: true }),
  }),
);

describe("invertPositiveDefinite", () => {
  it("agrees with ml-matrix's inverse on random symmetric positive-definite matrices", () => {
    fc.assert(
      fc.property(matrices, ({ size, entries, ridge }) => {
        const matrix = positiveDefinite(entries, size, ridge);
        const expected = inverse(
          new Matrix(
            Array.from({ length: size }, (_, row) => Array.from(matrix.subarray(row * size, (row + 1) * size))),
          ),
        );
        const result = invertPositiveDefinite(Float64Array.from(matrix), size) as Float64Array;
        const scale = Math.max(1, expected.max(), -expected.min());
        for (let row = 0; row < size; row += 1) {
          for (let column = 0; column < size; column += 1) {
            expect(Math.abs((result[row * size + column] as number) - expected.get(row, column))).toBeLessThan(
              1e-9 * scale,
            );
            expect(result[row * size + column]).toBe(result[column * size + row]);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("returns a matrix whose product with the input is the identity", () => {
    fc.assert(
      fc.property(matrices, ({ size, entries, ridge }) => {
        const matrix = positiveDefinite(entries, size, ridge);
        const result = invertPositiveDefinite(Float64Array.from(matrix), size) as Float64Array;
        for (let row = 0; row < size; row += 1) {
          for (let column = 0; column < size; column += 1) {
            let sum = 0;
            for (let k = 0; k < size; k += 1)
              sum += (matrix[row * size + k] as number) * (result[k * size + column] as number);
            expect(sum).toBeCloseTo(row === column ? 1 : 0, 8);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("factors A = L·Lᵀ and reports a matrix that is not positive definite", () => {
    const matrix = Float64Array.from([4, 2, 2, 2, 5, 1, 2, 1, 6]);
    expect(choleskyInPlace(matrix, 3)).toBe(true);
    expect([matrix[0], matrix[3], matrix[4]]).toEqual([2, 1, 2]);
    expect(invertPositiveDefinite(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined();
    expect(invertPositiveDefinite(Float64Array.from([0, 0, 0, 1]), 2)).toBeUndefined();
  });
});
