/**
 * The median of `values[0 .. length)`, reordering them in place (Hoare's quickselect, expected O(n)).
 *
 * @param values - Scratch values; their order is changed.
 * @param length - How many leading values to use, at least 1.
 * @returns The median (mean of the two middle values for an even count).
 */
export function medianInPlace(values: Float64Array<ArrayBufferLike>, length: number): number {
  const upper = select(values, length, length >> 1);
  if (length % 2 === 1) return upper;
  // After selecting the upper middle, everything before it is no larger; the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < length >> 1; index += 1) lower = Math.max(lower, values[index] as number);
  return (lower + upper) / 2;
}

function select(values: Float64Array<ArrayBufferLike>, length: number, rank: number): number {
  let left = 0;
  let right = length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1] as number;
    let low = left;
    let high = right;
    while (low <= high) {
      while ((values[low] as number) < pivot) low += 1;
      while ((values[high] as number) > pivot) high -= 1;
      if (low <= high) {
        const held = values[low] as number;
        values[low] = values[high] as number;
        values[high] = held;
        low += 1;
        high -= 1;
      }
    }
    if (rank <= high) right = high;
    else if (rank >= low) left = low;
    else return values[rank] as number;
  }
  return values[rank] as number;
}

/** Median and MAD scaled to a Gaussian σ (1.4826 · MAD) of `values`, which are copied, not changed. */
export function medianAndScale(
  values: Float64Array<ArrayBufferLike>,
  scratch: Float64Array<ArrayBufferLike> = new Float64Array(values.length),
): [number, number] {
  const length = values.length;
  scratch.set(values);
  const median = medianInPlace(scratch, length);
  for (let index = 0; index < length; index += 1) scratch[index] = Math.abs((values[index] as number) - median);
  return [median, 1.4826 * medianInPlace(scratch, length)];
}
