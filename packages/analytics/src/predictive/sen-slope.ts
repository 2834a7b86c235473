/** Sen's slope and the intercept of the line through it. */
export interface SenSlope {
  /** Median of the pairwise slopes (x_j − x_i) / (j − i), per step. */
  readonly slope: number;
  /** Median of x_i − slope·i (Conover's intercept), so the line is `intercept + slope · index`. */
  readonly intercept: number;
}

function median(values: Float64Array): number {
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 === 1
    ? (values[middle] as number)
    : ((values[middle - 1] as number) + (values[middle] as number)) / 2;
}

/**
 * Sen's (1968) slope estimator, the Theil-Sen slope against the index: the median of every pairwise slope, robust
 * to up to 29 % outliers. Matches `scipy.stats.theilslopes(x, method="joint")` (slope, and the intercept of
 * Conover 1980: median of x_i − slope·i). Cost O(n² log n) time and O(n²) memory.
 *
 * @param values - The series, oldest first, at least 2 finite values, equally spaced.
 * @returns The slope per step and its intercept at index 0.
 */
export function senSlope(values: ArrayLike<number>): SenSlope {
  const n = values.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let next = 0;
  for (let i = 0; i < n - 1; i += 1) {
    for (let j = i + 1; j < n; j += 1) slopes[next++] = ((values[j] as number) - (values[i] as number)) / (j - i);
  }
  const slope = median(slopes);
  const offsets = new Float64Array(n);
  for (let index = 0; index < n; index += 1) offsets[index] = (values[index] as number) - slope * index;
  return { slope, intercept: median(offsets) };
}
