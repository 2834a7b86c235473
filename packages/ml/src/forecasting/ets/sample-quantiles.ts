// Ranges this short are finished by insertion sort: cheaper than partitioning them further.
const INSERTION_THRESHOLD = 16;

/**
 * Type-7 quantiles (R's default, the interpolation of `sortedQuantile` in forecast-ets) of an unsorted sample at
 * several probabilities, without sorting it: a multi-target quickselect places only the order statistics the
 * quantiles interpolate between, which for the few levels of a prediction interval is several times cheaper than a
 * full sort of thousands of simulated paths. The results are exactly those of sorting and interpolating. A sample
 * containing NaN is sorted instead, so NaN ranks last as it does under `Float64Array.prototype.sort`.
 *
 * Cost: expected O(n · log k) for k probabilities; the sample is reordered in place.
 *
 * @param sample - Non-empty sample; permuted by the call.
 * @param probabilities - Each in [0, 1].
 * @returns One quantile per probability, in the same order.
 * @example
 * ```ts
 * sampleQuantiles(Float64Array.of(4, 1, 3, 2), [0.5]); // [2.5]
 * ```
 */
export function sampleQuantiles(sample: Float64Array, probabilities: readonly number[]): number[] {
  const last = sample.length - 1;
  for (let index = 0; index <= last; index += 1) {
    const value = sample[index] as number;
    if (Number.isNaN(value)) {
      sample.sort();
      return probabilities.map((probability) => interpolate(sample, probability));
    }
  }
  const ranks: number[] = [];
  for (const probability of probabilities) {
    const below = Math.floor(last * probability);
    ranks.push(below, Math.min(below + 1, last));
  }
  const targets = [...new Set(ranks)].sort((left, right) => left - right);
  selectRanks(sample, 0, last, targets, 0, targets.length - 1);
  return probabilities.map((probability) => interpolate(sample, probability));
}

// The type-7 interpolation between the two order statistics around (n − 1)·p, once they are in place.
function interpolate(sample: Float64Array, probability: number): number {
  const position = (sample.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sample.length - 1);
  const weight = position - below;
  return (sample[below] as number) * (1 - weight) + (sample[above] as number) * weight;
}

// Puts the order statistics of ranks[first..lastRank] (ascending) at their positions within sample[left..right].
function selectRanks(
  sample: Float64Array,
  left: number,
  right: number,
  ranks: readonly number[],
  first: number,
  lastRank: number,
): void {
  let low = left;
  let high = right;
  let from = first;
  let to = lastRank;
  while (from <= to) {
    if (high - low < INSERTION_THRESHOLD) {
      insertionSort(sample, low, high);
      return;
    }
    const boundary = partition(sample, low, high);
    // Ranks up to the boundary are in the lower part; the rest in the upper part.
    let split = from;
    while (split <= to && (ranks[split] as number) <= boundary) split += 1;
    if (split - from <= to - split + 1) {
      selectRanks(sample, low, boundary, ranks, from, split - 1);
      low = boundary + 1;
      from = split;
    } else {
      selectRanks(sample, boundary + 1, high, ranks, split, to);
      high = boundary;
      to = split - 1;
    }
  }
}

// Hoare partition around the median of three moved to the front, which keeps the returned boundary j in
// [low, high − 1]: every element of [low, j] is ≤ every element of [j + 1, high].
function partition(sample: Float64Array, low: number, high: number): number {
  const middle = low + ((high - low) >> 1);
  const a = sample[low] as number;
  const b = sample[middle] as number;
  const c = sample[high] as number;
  const medianIndex = a < b ? (b < c ? middle : a < c ? high : low) : a < c ? low : b < c ? high : middle;
  swap(sample, low, medianIndex);
  const pivot = sample[low] as number;
  let i = low - 1;
  let j = high + 1;
  for (;;) {
    do i += 1;
    while ((sample[i] as number) < pivot);
    do j -= 1;
    while ((sample[j] as number) > pivot);
    if (i >= j) return j;
    swap(sample, i, j);
  }
}

function swap(sample: Float64Array, left: number, right: number): void {
  const held = sample[left] as number;
  sample[left] = sample[right] as number;
  sample[right] = held;
}

function insertionSort(sample: Float64Array, low: number, high: number): void {
  for (let index = low + 1; index <= high; index += 1) {
    const value = sample[index] as number;
    let position = index - 1;
    while (position >= low && (sample[position] as number) > value) {
      sample[position + 1] = sample[position] as number;
      position -= 1;
    }
    sample[position + 1] = value;
  }
}
