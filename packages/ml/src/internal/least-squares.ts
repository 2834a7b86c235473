/**
 * Solves the least-squares problem min ‖A·x − b‖₂ for a tall matrix A (rows ≥ columns, full column rank) by
 * Householder QR, which keeps the accuracy the normal equations would square away. Internal: the ETS start values
 * regress short seasonal series on a handful of columns.
 *
 * @param rows - A, one array per row, all of the same length.
 * @param target - b, one value per row.
 * @returns x, one coefficient per column; NaN where a column is linearly dependent on the earlier ones.
 * @example
 * ```ts
 * leastSquares([[1, 0], [1, 1], [1, 2]], [1, 3, 5]); // [1, 2]
 * ```
 */
export function leastSquares(rows: readonly (readonly number[])[], target: ArrayLike<number>): number[] {
  const rowCount = rows.length;
  const columnCount = rows[0]?.length ?? 0;
  // Column-major copy: each Householder step works down one column.
  const columns = Array.from({ length: columnCount }, (_, column) =>
    Float64Array.from(rows, (row) => row[column] as number),
  );
  const right = Float64Array.from({ length: rowCount }, (_, index) => target[index] as number);
  const diagonal = new Float64Array(columnCount);
  for (let step = 0; step < columnCount; step += 1) {
    const pivot = columns[step] as Float64Array;
    let norm = 0;
    for (let index = step; index < rowCount; index += 1) norm = Math.hypot(norm, pivot[index] as number);
    if (norm === 0) {
      diagonal[step] = 0;
      continue;
    }
    // The sign choice avoids cancellation in v₀ = a₀ ± ‖a‖.
    const alpha = (pivot[step] as number) > 0 ? -norm : norm;
    pivot[step] = (pivot[step] as number) - alpha;
    let vNorm = 0;
    for (let index = step; index < rowCount; index += 1) vNorm += (pivot[index] as number) ** 2;
    diagonal[step] = alpha;
    if (vNorm === 0) continue;
    const reflect = (vector: Float64Array) => {
      let dot = 0;
      for (let index = step; index < rowCount; index += 1) dot += (pivot[index] as number) * (vector[index] as number);
      const scale = (2 * dot) / vNorm;
      for (let index = step; index < rowCount; index += 1) {
        vector[index] = (vector[index] as number) - scale * (pivot[index] as number);
      }
    };
    for (let column = step + 1; column < columnCount; column += 1) reflect(columns[column] as Float64Array);
    reflect(right);
  }
  // Back substitution with R (diagonal in `diagonal`, above it in the reflected columns).
  const solution = new Array<number>(columnCount).fill(0);
  for (let step = columnCount - 1; step >= 0; step -= 1) {
    let sum = right[step] as number;
    for (let column = step + 1; column < columnCount; column += 1) {
      sum -= ((columns[column] as Float64Array)[step] as number) * (solution[column] as number);
    }
    const pivot = diagonal[step] as number;
    solution[step] = pivot === 0 ? Number.NaN : sum / pivot;
  }
  return solution;
}
