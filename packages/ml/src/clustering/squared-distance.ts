// Four independent accumulators break the dependency chain of the additions, which roughly halves the time of a
// 64-dimensional distance in V8. Every distance in k-means goes through these two functions, so all comparisons see
// the same rounding.

/**
 * Squared Euclidean distance between the rows starting at `leftOffset` in `left` and `rightOffset` in `right`.
 *
 * @param left - Row-major values holding the first row.
 * @param leftOffset - Index of the first row's first value.
 * @param right - Row-major values holding the second row.
 * @param rightOffset - Index of the second row's first value.
 * @param dimension - Values per row.
 * @returns The squared distance.
 */
export function squaredDistance(
  left: Float64Array,
  leftOffset: number,
  right: Float64Array,
  rightOffset: number,
  dimension: number,
): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const unrolled = dimension - (dimension % 4);
  let axis = 0;
  for (; axis < unrolled; axis += 4) {
    const difference0 = (left[leftOffset + axis] as number) - (right[rightOffset + axis] as number);
    const difference1 = (left[leftOffset + axis + 1] as number) - (right[rightOffset + axis + 1] as number);
    const difference2 = (left[leftOffset + axis + 2] as number) - (right[rightOffset + axis + 2] as number);
    const difference3 = (left[leftOffset + axis + 3] as number) - (right[rightOffset + axis + 3] as number);
    sum0 += difference0 * difference0;
    sum1 += difference1 * difference1;
    sum2 += difference2 * difference2;
    sum3 += difference3 * difference3;
  }
  for (; axis < dimension; axis += 1) {
    const difference = (left[leftOffset + axis] as number) - (right[rightOffset + axis] as number);
    sum0 += difference * difference;
  }
  return sum0 + sum1 + (sum2 + sum3);
}

/**
 * {@link squaredDistance}, stopping as soon as a partial sum (checked every 16 values) exceeds `limit`. The result is
 * the exact distance when it is at most `limit`, and otherwise some value above `limit` that is at most the distance.
 *
 * @param left - Row-major values holding the first row.
 * @param leftOffset - Index of the first row's first value.
 * @param right - Row-major values holding the second row.
 * @param rightOffset - Index of the second row's first value.
 * @param dimension - Values per row.
 * @param limit - The squared distance beyond which the exact value does not matter.
 * @returns The squared distance, or a lower bound of it above `limit`.
 */
export function squaredDistanceBelow(
  left: Float64Array,
  leftOffset: number,
  right: Float64Array,
  rightOffset: number,
  dimension: number,
  limit: number,
): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const unrolled = dimension - (dimension % 4);
  let axis = 0;
  while (axis < unrolled) {
    const stop = Math.min(unrolled, axis + 16);
    for (; axis < stop; axis += 4) {
      const difference0 = (left[leftOffset + axis] as number) - (right[rightOffset + axis] as number);
      const difference1 = (left[leftOffset + axis + 1] as number) - (right[rightOffset + axis + 1] as number);
      const difference2 = (left[leftOffset + axis + 2] as number) - (right[rightOffset + axis + 2] as number);
      const difference3 = (left[leftOffset + axis + 3] as number) - (right[rightOffset + axis + 3] as number);
      sum0 += difference0 * difference0;
      sum1 += difference1 * difference1;
      sum2 += difference2 * difference2;
      sum3 += difference3 * difference3;
    }
    if (sum0 + sum1 + (sum2 + sum3) > limit) return sum0 + sum1 + (sum2 + sum3);
  }
  for (; axis < dimension; axis += 1) {
    const difference = (left[leftOffset + axis] as number) - (right[rightOffset + axis] as number);
    sum0 += difference * difference;
  }
  return sum0 + sum1 + (sum2 + sum3);
}
