/** Per-feature mean and population standard deviation of the training rows, as scikit-learn's `StandardScaler`. */
export interface StandardScaler {
  /** Mean of each feature. */
  readonly mean: number[];
  /** Standard deviation of each feature (1 for a constant feature). */
  readonly scale: number[];
}

/**
 * Fits a {@link StandardScaler} on some rows of a row-major design matrix.
 *
 * @param design - `n × featureCount` values, row-major.
 * @param featureCount - Columns of the matrix.
 * @param rows - The rows to fit on (at least one).
 * @returns The scaler.
 */
export function fitStandardScaler(design: Float64Array, featureCount: number, rows: readonly number[]): StandardScaler {
  // Row by row with one running sum per feature: each feature's sums take the rows in the same order as a column
  // loop would (so the same bits), while reading the matrix in memory order.
  const sums = new Float64Array(featureCount);
  for (const row of rows) {
    const offset = row * featureCount;
    for (let feature = 0; feature < featureCount; feature += 1) {
      sums[feature] = (sums[feature] as number) + (design[offset + feature] as number);
    }
  }
  const means = sums.map((sum) => sum / rows.length);
  const squares = new Float64Array(featureCount);
  for (const row of rows) {
    const offset = row * featureCount;
    for (let feature = 0; feature < featureCount; feature += 1) {
      const difference = (design[offset + feature] as number) - (means[feature] as number);
      squares[feature] = (squares[feature] as number) + difference * difference;
    }
  }
  const mean = Array.from(means);
  const scale = Array.from(squares, (total, feature) => {
    const deviation = Math.sqrt(total / rows.length);
    // A constant column keeps scale 1, as scikit-learn's StandardScaler does, instead of dividing by zero.
    return deviation < 10 * Number.EPSILON * Math.max(1, Math.abs(means[feature] as number)) ? 1 : deviation;
  });
  return { mean, scale };
}

/**
 * Standardises some rows of a design matrix into a new matrix (`(x − mean) / scale`).
 *
 * @param scaler - The fitted scaler.
 * @param design - `n × featureCount` values, row-major.
 * @param featureCount - Columns of the matrix.
 * @param rows - The rows to take, in output order.
 * @returns `rows.length × featureCount` standardised values.
 */
export function standardizeRows(
  scaler: StandardScaler,
  design: Float64Array,
  featureCount: number,
  rows: readonly number[],
): Float64Array {
  const matrix = new Float64Array(rows.length * featureCount);
  const mean = Float64Array.from(scaler.mean);
  const scale = Float64Array.from(scaler.scale);
  for (let position = 0; position < rows.length; position += 1) {
    const source = (rows[position] as number) * featureCount;
    const target = position * featureCount;
    for (let feature = 0; feature < featureCount; feature += 1) {
      matrix[target + feature] =
        ((design[source + feature] as number) - (mean[feature] as number)) / (scale[feature] as number);
    }
  }
  return matrix;
}
