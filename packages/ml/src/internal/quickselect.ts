/**
 * The one quickselect of the package: places chosen order statistics at their sorted positions without sorting
 * the rest, in expected O(n · log k) for k ranks. Medians (STL, robust scores, MAD) and sample quantiles (simulated
 * prediction intervals) all go through it. Internal.
 */

// Ranges this short are finished by insertion sort: cheaper than partitioning them further.
const INSERTION_THRESHOLD = 16;

type Values = Float64Array<ArrayBufferLike>;

/**
 * Reorders `values[0 .. length)` so that, for each rank r in `ranks`, `values[r]` is the value a sort would put
 * there. Values must not be NaN.
 *
 * @param values - Scratch values; their order is changed.
 * @param ranks - Ranks in `[0, length)`, ascending, without repeats.
 * @param length - How many leading values take part. @default values.length
 * @returns Nothing; the order statistics are in place.
 * @example
 * ```ts
 * const values = Float64Array.of(5, 1, 4, 2, 3);
 * selectRanks(values, [0, 2]); // values[0] === 1, values[2] === 3
 * ```
 */
export function selectRanks(values: Values, ranks: readonly number[], length = values.length): void {
  if (ranks.length > 0 && length > 1) selectWithin(values, 0, length - 1, ranks, 0, ranks.length - 1);
}

/**
 * The value of rank `rank` (0 = smallest) among `values[0 .. length)`, reordering them in place.
 *
 * @param values - Scratch values without NaN; their order is changed.
 * @param rank - In `[0, length)`.
 * @param length - How many leading values take part. @default values.length
 * @returns The order statistic.
 * @example
 * ```ts
 * selectRank(Float64Array.of(3, 1, 2), 0); // 1
 * ```
 */
export function selectRank(values: Values, rank: number, length = values.length): number {
  selectRanks(values, [rank], length);
  return values[rank] as number;
}

/**
 * The median of `values[0 .. length)` (the mean of the two middle values for an even count), reordering them.
 *
 * @param values - Scratch values without NaN; their order is changed.
 * @param length - How many leading values to use, at least 1.
 * @returns The median.
 * @example
 * ```ts
 * medianInPlace(Float64Array.of(4, 1, 3, 2), 4); // 2.5
 * ```
 */
export function medianInPlace(values: Values, length: number): number {
  const upper = length >> 1;
  if (length % 2 === 1) return selectRank(values, upper, length);
  selectRanks(values, [upper - 1, upper], length);
  return ((values[upper - 1] as number) + (values[upper] as number)) / 2;
}

// Puts the order statistics of ranks[from..to] (ascending) at their positions within values[low..high].
function selectWithin(values: Values, low: number, high: number, ranks: readonly number[], from: number, to: number) {
  while (from <= to) {
    if (high - low < INSERTION_THRESHOLD) {
      insertionSort(values, low, high);
      return;
    }
    const boundary = partition(values, low, high);
    // Ranks up to the boundary are in the lower part; the rest in the upper part.
    let split = from;
    while (split <= to && (ranks[split] as number) <= boundary) split += 1;
    // Recurse into the side with fewer ranks, loop on the other, so the stack stays shallow.
    if (split - from <= to - split + 1) {
      selectWithin(values, low, boundary, ranks, from, split - 1);
      low = boundary + 1;
      from = split;
    } else {
      selectWithin(values, boundary + 1, high, ranks, split, to);
      high = boundary;
      to = split - 1;
    }
  }
}

// Hoare partition around the median of three moved to the front, which keeps the returned boundary j in
// [low, high − 1]: every element of [low, j] is ≤ every element of [j + 1, high].
function partition(values: Values, low: number, high: number): number {
  const middle = low + ((high - low) >> 1);
  const a = values[low] as number;
  const b = values[middle] as number;
  const c = values[high] as number;
  const medianIndex = a < b ? (b < c ? middle : a < c ? high : low) : a < c ? low : b < c ? high : middle;
  swap(values, low, medianIndex);
  const pivot = values[low] as number;
  let i = low - 1;
  let j = high + 1;
  for (;;) {
    do i += 1;
    while ((values[i] as number) < pivot);
    do j -= 1;
    while ((values[j] as number) > pivot);
    if (i >= j) return j;
    swap(values, i, j);
  }
}

function swap(values: Values, left: number, right: number): void {
  const held = values[left] as number;
  values[left] = values[right] as number;
  values[right] = held;
}

function insertionSort(values: Values, low: number, high: number): void {
  for (let index = low + 1; index <= high; index += 1) {
    const value = values[index] as number;
    let position = index - 1;
    while (position >= low && (values[position] as number) > value) {
      values[position + 1] = values[position] as number;
      position -= 1;
    }
    values[position + 1] = value;
  }
}
