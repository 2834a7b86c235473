/**
 * Inverts a symmetric positive-definite matrix through its Cholesky factor `A = L·Lᵀ`: `W = L⁻¹` is formed in place
 * of `L` (transposed, so that the loops stay on rows), then `A⁻¹ = Wᵀ·W`. Every inner loop runs over one contiguous row of a row-major `Float64Array`, which is what
 * keeps the n³/2 multiply-adds fast in JavaScript. Only the lower triangle of the input is read.
 *
 * @param matrix - The `size × size` matrix, row-major; overwritten (it holds the result on success).
 * @param size - The number of rows (and columns).
 * @returns The inverse, row-major and exactly symmetric, or `undefined` when the matrix is not positive definite.
 */
export function invertPositiveDefinite(matrix: Float64Array, size: number): Float64Array | undefined {
  if (!choleskyInPlace(matrix, size)) return undefined;
  return upperGram(transposedLowerInverse(matrix, size), size, matrix);
}

/**
 * Overwrites the lower triangle of `matrix` with its Cholesky factor `L` (row-major, `A = L·Lᵀ`).
 *
 * @param matrix - The `size × size` matrix, row-major; only its lower triangle is read.
 * @param size - The number of rows.
 * @returns `false` when a pivot is not positive (the matrix is not positive definite).
 */
export function choleskyInPlace(matrix: Float64Array, size: number): boolean {
  for (let row = 0; row < size; row += 1) {
    const rowStart = row * size;
    for (let column = 0; column <= row; column += 1) {
      const columnStart = column * size;
      const sum = (matrix[rowStart + column] as number) - dot(matrix, rowStart, columnStart, column);
      if (column === row) {
        if (!(sum > 0)) return false;
        matrix[rowStart + row] = Math.sqrt(sum);
      } else {
        matrix[rowStart + column] = sum / (matrix[columnStart + column] as number);
      }
    }
  }
  return true;
}

/**
 * `Wᵀ` for `W = L⁻¹` (so row `j` of the result is column `j` of `W`, upper triangular): for each column `j`,
 * `W[i][j] = −(Σ_{k=j}^{i−1} L[i][k]·W[k][j]) / L[i][i]`, a dot product of two contiguous rows. Columns are solved two
 * at a time so each loaded row value of `L` feeds two products (`W[j][j+1]` is 0, so both share the range).
 */
function transposedLowerInverse(lower: Float64Array, size: number): Float64Array {
  const result = new Float64Array(size * size);
  let j = 0;
  for (; j + 1 < size; j += 2) {
    const j0 = j * size;
    const j1 = j0 + size;
    result[j0 + j] = 1 / (lower[j0 + j] as number);
    result[j1 + j + 1] = 1 / (lower[j1 + j + 1] as number);
    result[j0 + j + 1] = -((lower[j1 + j] as number) * (result[j0 + j] as number)) / (lower[j1 + j + 1] as number);
    for (let i = j + 2; i < size; i += 1) {
      const iStart = i * size;
      let s0 = 0;
      let s1 = 0;
      for (let k = j; k < i; k += 1) {
        const l = lower[iStart + k] as number;
        s0 += l * (result[j0 + k] as number);
        s1 += l * (result[j1 + k] as number);
      }
      const pivot = lower[iStart + i] as number;
      result[j0 + i] = -s0 / pivot;
      result[j1 + i] = -s1 / pivot;
    }
  }
  if (j < size) result[j * size + j] = 1 / (lower[j * size + j] as number);
  return result;
}

/**
 * `Wᵀ·W` from `U = Wᵀ` (upper triangular, zeros below the diagonal): `P[a][b] = Σ_{k ≥ b} U[a][k]·U[b][k]` for
 * `a ≤ b`, written into `target`. Pairs of rows are combined two by two, so each value loaded feeds two products.
 */
function upperGram(upper: Float64Array, size: number, target: Float64Array): Float64Array {
  const set = (a: number, b: number, value: number): void => {
    target[a * size + b] = value;
    target[b * size + a] = value;
  };
  let a = 0;
  for (; a + 1 < size; a += 2) {
    const a0 = a * size;
    const a1 = a0 + size;
    let b = a;
    for (; b + 1 < size; b += 2) {
      const b0 = b * size;
      const b1 = b0 + size;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = b; k < size; k += 1) {
        const u0 = upper[a0 + k] as number;
        const u1 = upper[a1 + k] as number;
        const v0 = upper[b0 + k] as number;
        const v1 = upper[b1 + k] as number;
        s00 += u0 * v0;
        s01 += u0 * v1;
        s10 += u1 * v0;
        s11 += u1 * v1;
      }
      set(a, b, s00);
      set(a, b + 1, s01);
      if (b > a) set(a + 1, b, s10);
      set(a + 1, b + 1, s11);
    }
    if (b < size) {
      set(a, b, dot(upper, a0 + b, b * size + b, size - b));
      set(a + 1, b, dot(upper, a1 + b, b * size + b, size - b));
    }
  }
  if (a < size) set(a, a, dot(upper, a * size + a, a * size + a, size - a));
  return target;
}

/** `Σ_{k<length} values[a + k]·values[b + k]`, four partial sums at a time (independent chains run faster). */
function dot(values: Float64Array, a: number, b: number, length: number): number {
  return dotOf(values, a, values, b, length);
}

/** `Σ_{k<length} left[a + k]·right[b + k]`, four partial sums at a time. */
function dotOf(left: Float64Array, a: number, right: Float64Array, b: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let k = 0;
  for (; k + 3 < length; k += 4) {
    sum0 += (left[a + k] as number) * (right[b + k] as number);
    sum1 += (left[a + k + 1] as number) * (right[b + k + 1] as number);
    sum2 += (left[a + k + 2] as number) * (right[b + k + 2] as number);
    sum3 += (left[a + k + 3] as number) * (right[b + k + 3] as number);
  }
  for (; k < length; k += 1) sum0 += (left[a + k] as number) * (right[b + k] as number);
  return sum0 + sum1 + (sum2 + sum3);
}
