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
  const mean = new Array<number>(featureCount).fill(0);
  const scale = new Array<number>(featureCount).fill(0);
  for (let feature = 0; feature < featureCount; feature += 1) {
    let sum = 0;
    for (const row of rows) sum += design[row * featureCount + feature] as number;
    const featureMean = sum / rows.length;
    let squares = 0;
    for (const row of rows) {
      const difference = (design[row * featureCount + feature] as number) - featureMean;
      squares += difference * difference;
    }
    const deviation = Math.sqrt(squares / rows.length);
    mean[feature] = featureMean;
    // A constant column keeps scale 1, as scikit-learn's StandardScaler does, instead of dividing by zero.
    scale[feature] = deviation < 10 * Number.EPSILON * Math.max(1, Math.abs(featureMean)) ? 1 : deviation;
  }
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
  rows.forEach((row, position) => {
    for (let feature = 0; feature < featureCount; feature += 1) {
      matrix[position * featureCount + feature] =
        ((design[row * featureCount + feature] as number) - (scaler.mean[feature] as number)) /
        (scaler.scale[feature] as number);
    }
  });
  return matrix;
}
