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
 * Overwrites the lower triangle of `matrix` with its Cholesky factor `L` (row-major, `A = L·Lᵀ`), row by row
 * (`L[i][j] = (A[i][j] − Σ_{k<j} L[i][k]·L[j][k]) / L[j][j]`). Two rows are solved against two columns at a time, so
 * each value loaded from a row of `L` feeds two multiply-adds instead of one.
 *
 * @param matrix - The `size × size` matrix, row-major; only its lower triangle is read.
 * @param size - The number of rows.
 * @returns `false` when a pivot is not positive (the matrix is not positive definite).
 */
export function choleskyInPlace(matrix: Float64Array, size: number): boolean {
  let row = 0;
  for (; row + 1 < size; row += 2) {
    const r0 = row * size;
    const r1 = r0 + size;
    let column = 0;
    // Columns in fours, then the last pair (row is even, so the columns 0 … row − 1 pair up exactly).
    for (; column + 3 < row; column += 4) choleskyTile(matrix, size, r0, column);
    for (; column < row; column += 2) {
      const c0 = column * size;
      const c1 = c0 + size;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < column; k += 1) {
        const a0 = matrix[r0 + k] as number;
        const a1 = matrix[r1 + k] as number;
        const b0 = matrix[c0 + k] as number;
        const b1 = matrix[c1 + k] as number;
        s00 += a0 * b0;
        s01 += a0 * b1;
        s10 += a1 * b0;
        s11 += a1 * b1;
      }
      const l00 = ((matrix[r0 + column] as number) - s00) / (matrix[c0 + column] as number);
      const l10 = ((matrix[r1 + column] as number) - s10) / (matrix[c0 + column] as number);
      matrix[r0 + column] = l00;
      matrix[r1 + column] = l10;
      const link = matrix[c1 + column] as number;
      const pivot = matrix[c1 + column + 1] as number;
      matrix[r0 + column + 1] = ((matrix[r0 + column + 1] as number) - s01 - l00 * link) / pivot;
      matrix[r1 + column + 1] = ((matrix[r1 + column + 1] as number) - s11 - l10 * link) / pivot;
    }
    const first = (matrix[r0 + row] as number) - dot(matrix, r0, r0, row);
    if (!(first > 0)) return false;
    const pivot = Math.sqrt(first);
    matrix[r0 + row] = pivot;
    const below = ((matrix[r1 + row] as number) - dot(matrix, r1, r0, row)) / pivot;
    matrix[r1 + row] = below;
    const second = (matrix[r1 + row + 1] as number) - dot(matrix, r1, r1, row) - below * below;
    if (!(second > 0)) return false;
    matrix[r1 + row + 1] = Math.sqrt(second);
  }
  if (row < size) {
    // The last row of an odd size: one row against every column.
    const r0 = row * size;
    for (let column = 0; column < row; column += 1) {
      const c0 = column * size;
      matrix[r0 + column] =
        ((matrix[r0 + column] as number) - dot(matrix, r0, c0, column)) / (matrix[c0 + column] as number);
    }
    const last = (matrix[r0 + row] as number) - dot(matrix, r0, r0, row);
    if (!(last > 0)) return false;
    matrix[r0 + row] = Math.sqrt(last);
  }
  return true;
}

/**
 * Rows `r0/size` and the next against columns `column … column + 3` of the Cholesky factor: the shared sums over
 * `k < column` run once for all eight entries (six loads per eight multiply-adds), then each column takes the terms
 * of the columns before it inside the tile.
 */
function choleskyTile(matrix: Float64Array, size: number, r0: number, column: number): void {
  const r1 = r0 + size;
  const c0 = column * size;
  const c1 = c0 + size;
  const c2 = c1 + size;
  const c3 = c2 + size;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  for (let k = 0; k < column; k += 1) {
    const a0 = matrix[r0 + k] as number;
    const a1 = matrix[r1 + k] as number;
    const b0 = matrix[c0 + k] as number;
    const b1 = matrix[c1 + k] as number;
    const b2 = matrix[c2 + k] as number;
    const b3 = matrix[c3 + k] as number;
    s00 += a0 * b0;
    s01 += a0 * b1;
    s02 += a0 * b2;
    s03 += a0 * b3;
    s10 += a1 * b0;
    s11 += a1 * b1;
    s12 += a1 * b2;
    s13 += a1 * b3;
  }
  const m10 = matrix[c1 + column] as number;
  const m20 = matrix[c2 + column] as number;
  const m21 = matrix[c2 + column + 1] as number;
  const m30 = matrix[c3 + column] as number;
  const m31 = matrix[c3 + column + 1] as number;
  const m32 = matrix[c3 + column + 2] as number;
  const p0 = matrix[c0 + column] as number;
  const p1 = matrix[c1 + column + 1] as number;
  const p2 = matrix[c2 + column + 2] as number;
  const p3 = matrix[c3 + column + 3] as number;
  const x0 = ((matrix[r0 + column] as number) - s00) / p0;
  const x1 = ((matrix[r0 + column + 1] as number) - s01 - x0 * m10) / p1;
  const x2 = ((matrix[r0 + column + 2] as number) - s02 - x0 * m20 - x1 * m21) / p2;
  const x3 = ((matrix[r0 + column + 3] as number) - s03 - x0 * m30 - x1 * m31 - x2 * m32) / p3;
  const y0 = ((matrix[r1 + column] as number) - s10) / p0;
  const y1 = ((matrix[r1 + column + 1] as number) - s11 - y0 * m10) / p1;
  const y2 = ((matrix[r1 + column + 2] as number) - s12 - y0 * m20 - y1 * m21) / p2;
  const y3 = ((matrix[r1 + column + 3] as number) - s13 - y0 * m30 - y1 * m31 - y2 * m32) / p3;
  matrix[r0 + column] = x0;
  matrix[r0 + column + 1] = x1;
  matrix[r0 + column + 2] = x2;
  matrix[r0 + column + 3] = x3;
  matrix[r1 + column] = y0;
  matrix[r1 + column + 1] = y1;
  matrix[r1 + column + 2] = y2;
  matrix[r1 + column + 3] = y3;
}

/**
 * `Wᵀ` for `W = L⁻¹` (so row `j` of the result is column `j` of `W`, upper triangular): for each column `j`,
 * `W[i][j] = −(Σ_{k=j}^{i−1} L[i][k]·W[k][j]) / L[i][i]`, a dot product of two contiguous rows. Two columns are solved
 * for two rows at a time (`W[j][j+1]` is 0, so both columns share the range), so each loaded value feeds two
 * multiply-adds.
 */
function transposedLowerInverse(lower: Float64Array, size: number): Float64Array {
  const result = new Float64Array(size * size);
  let j = 0;
  for (; j + 3 < size; j += 4) inverseColumns(lower, result, size, j);
  for (; j + 1 < size; j += 2) {
    const j0 = j * size;
    const j1 = j0 + size;
    result[j0 + j] = 1 / (lower[j0 + j] as number);
    result[j1 + j + 1] = 1 / (lower[j1 + j + 1] as number);
    result[j0 + j + 1] = -((lower[j1 + j] as number) * (result[j0 + j] as number)) / (lower[j1 + j + 1] as number);
    let i = j + 2;
    for (; i + 1 < size; i += 2) {
      const i0 = i * size;
      const i1 = i0 + size;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = j; k < i; k += 1) {
        const l0 = lower[i0 + k] as number;
        const l1 = lower[i1 + k] as number;
        const w0 = result[j0 + k] as number;
        const w1 = result[j1 + k] as number;
        s00 += l0 * w0;
        s01 += l0 * w1;
        s10 += l1 * w0;
        s11 += l1 * w1;
      }
      const pivot = lower[i0 + i] as number;
      const w00 = -s00 / pivot;
      const w01 = -s01 / pivot;
      result[j0 + i] = w00;
      result[j1 + i] = w01;
      const link = lower[i1 + i] as number;
      const next = lower[i1 + i + 1] as number;
      result[j0 + i + 1] = -(s10 + link * w00) / next;
      result[j1 + i + 1] = -(s11 + link * w01) / next;
    }
    if (i < size) {
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
 * Columns `j … j + 3` of `W = L⁻¹` (rows `j … j + 3` of the result): the 4 × 4 diagonal block first, then two rows
 * at a time against all four columns (six loads per eight multiply-adds; `W[k][j + t]` is 0 for `k < j + t`, so the
 * four columns share the range from `j`).
 */
function inverseColumns(lower: Float64Array, result: Float64Array, size: number, j: number): void {
  const j0 = j * size;
  const j1 = j0 + size;
  const j2 = j1 + size;
  const j3 = j2 + size;
  for (let m = 0; m < 4; m += 1) {
    const row = (j + m) * size;
    const pivot = lower[row + j + m] as number;
    for (let t = 0; t < m; t += 1) {
      let sum = 0;
      for (let q = t; q < m; q += 1) sum += (lower[row + j + q] as number) * (result[(j + t) * size + j + q] as number);
      result[(j + t) * size + j + m] = -sum / pivot;
    }
    result[(j + m) * size + j + m] = 1 / pivot;
  }
  let i = j + 4;
  for (; i + 1 < size; i += 2) {
    const i0 = i * size;
    const i1 = i0 + size;
    let s00 = 0;
    let s01 = 0;
    let s02 = 0;
    let s03 = 0;
    let s10 = 0;
    let s11 = 0;
    let s12 = 0;
    let s13 = 0;
    for (let k = j; k < i; k += 1) {
      const l0 = lower[i0 + k] as number;
      const l1 = lower[i1 + k] as number;
      const w0 = result[j0 + k] as number;
      const w1 = result[j1 + k] as number;
      const w2 = result[j2 + k] as number;
      const w3 = result[j3 + k] as number;
      s00 += l0 * w0;
      s01 += l0 * w1;
      s02 += l0 * w2;
      s03 += l0 * w3;
      s10 += l1 * w0;
      s11 += l1 * w1;
      s12 += l1 * w2;
      s13 += l1 * w3;
    }
    const pivot = lower[i0 + i] as number;
    const x0 = -s00 / pivot;
    const x1 = -s01 / pivot;
    const x2 = -s02 / pivot;
    const x3 = -s03 / pivot;
    result[j0 + i] = x0;
    result[j1 + i] = x1;
    result[j2 + i] = x2;
    result[j3 + i] = x3;
    const link = lower[i1 + i] as number;
    const next = lower[i1 + i + 1] as number;
    result[j0 + i + 1] = -(s10 + link * x0) / next;
    result[j1 + i + 1] = -(s11 + link * x1) / next;
    result[j2 + i + 1] = -(s12 + link * x2) / next;
    result[j3 + i + 1] = -(s13 + link * x3) / next;
  }
  if (i < size) {
    const i0 = i * size;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = j; k < i; k += 1) {
      const l0 = lower[i0 + k] as number;
      s0 += l0 * (result[j0 + k] as number);
      s1 += l0 * (result[j1 + k] as number);
      s2 += l0 * (result[j2 + k] as number);
      s3 += l0 * (result[j3 + k] as number);
    }
    const pivot = lower[i0 + i] as number;
    result[j0 + i] = -s0 / pivot;
    result[j1 + i] = -s1 / pivot;
    result[j2 + i] = -s2 / pivot;
    result[j3 + i] = -s3 / pivot;
  }
}

/**
 * `Wᵀ·W` from `U = Wᵀ` (upper triangular, zeros below the diagonal): `P[a][b] = Σ_{k ≥ b} U[a][k]·U[b][k]` for
 * `a ≤ b`, written into `target`. Two rows `a` meet four rows `b` at a time, so six loaded values feed eight
 * multiply-adds.
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
    for (; b + 3 < size; b += 4) {
      const b0 = b * size;
      const b1 = b0 + size;
      const b2 = b1 + size;
      const b3 = b2 + size;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      // Rows b … b+3 are zero before their own index, so starting at b only adds exact zeros.
      for (let k = b; k < size; k += 1) {
        const u0 = upper[a0 + k] as number;
        const u1 = upper[a1 + k] as number;
        const v0 = upper[b0 + k] as number;
        const v1 = upper[b1 + k] as number;
        const v2 = upper[b2 + k] as number;
        const v3 = upper[b3 + k] as number;
        s00 += u0 * v0;
        s01 += u0 * v1;
        s02 += u0 * v2;
        s03 += u0 * v3;
        s10 += u1 * v0;
        s11 += u1 * v1;
        s12 += u1 * v2;
        s13 += u1 * v3;
      }
      set(a, b, s00);
      set(a, b + 1, s01);
      set(a, b + 2, s02);
      set(a, b + 3, s03);
      if (b > a) set(a + 1, b, s10);
      set(a + 1, b + 1, s11);
      set(a + 1, b + 2, s12);
      set(a + 1, b + 3, s13);
    }
    for (; b < size; b += 1) {
      set(a, b, dot(upper, a0 + b, b * size + b, size - b));
      if (b > a) set(a + 1, b, dot(upper, a1 + b, b * size + b, size - b));
    }
  }
  if (a < size) set(a, a, dot(upper, a * size + a, a * size + a, size - a));
  return target;
}

/** `Σ_{k<length} values[a + k]·values[b + k]`, four partial sums at a time (independent chains run faster). */
function dot(values: Float64Array, a: number, b: number, length: number): number {
  return dotOf(values, a, values, b, length);
}

/** `Σ_{k<length} left[a + k]·right[b + k]`, four partial sums at a time (also ALS's dot product). */
export function dotOf(left: Float64Array, a: number, right: Float64Array, b: number, length: number): number {
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
