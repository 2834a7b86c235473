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
 * `W[i][j] = −(Σ_{k=j}^{i−1} L[i][k]·W[k][j]) / L[i][i]`, a dot product of two contiguous rows.
 */
function transposedLowerInverse(lower: Float64Array, size: number): Float64Array {
  const result = new Float64Array(size * size);
  for (let j = 0; j < size; j += 1) {
    const jStart = j * size;
    result[jStart + j] = 1 / (lower[jStart + j] as number);
    for (let i = j + 1; i < size; i += 1) {
      const iStart = i * size;
      const sum = dotOf(lower, iStart + j, result, jStart + j, i - j);
      result[jStart + i] = -sum / (lower[iStart + i] as number);
    }
  }
  return result;
}

/** `Wᵀ·W` from `U = Wᵀ` (upper triangular): `P[a][b] = Σ_{k ≥ max(a, b)} U[a][k]·U[b][k]`, written into `target`. */
function upperGram(upper: Float64Array, size: number, target: Float64Array): Float64Array {
  for (let a = 0; a < size; a += 1) {
    const aStart = a * size;
    for (let b = a; b < size; b += 1) {
      const bStart = b * size;
      const sum = dot(upper, aStart + b, bStart + b, size - b);
      target[aStart + b] = sum;
      target[bStart + a] = sum;
    }
  }
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
