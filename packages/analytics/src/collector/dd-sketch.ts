/**
 * DDSketch (Masson, Rim & Lee, "DDSketch: A Fast and Fully-Mergeable Quantile Sketch with Relative-Error
 * Guarantees", VLDB 2019) with the logarithmic mapping and dense stores that collapse their lowest bins past a bin
 * limit. A value x > 0 goes to bin ⌈log_γ x⌉ with γ = (1 + α) / (1 − α), and a bin k stands for 2γ^k / (1 + γ), which
 * is within a relative α of every value in it; negative values go to a second store by magnitude, and values too
 * small to index to a zero count. Quantiles are read from the bins by rank, so they are within α of the exact value
 * of the same rank (as long as the lowest bins have not been collapsed), and merging two sketches adds their bins,
 * which gives exactly the sketch of the union.
 *
 * Written here rather than taken from a library so that the collector runs anywhere: it uses no Node or protobuf
 * module, and merges keep negative values.
 */

/** The smallest normal double: smaller magnitudes are counted as zero. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** Bins of one sign: `count` per key over a contiguous key range, the lowest collapsed past `binLimit` keys. */
export class DenseBinStore {
  readonly binLimit: number;
  /** The total weight added. */
  count = 0;
  #bins: number[] = [];
  /** The key of `#bins[0]`. */
  #offset = 0;
  #minKey = Number.POSITIVE_INFINITY;
  #maxKey = Number.NEGATIVE_INFINITY;

  constructor(binLimit: number) {
    this.binLimit = binLimit;
  }

  /** Adds `weight` to the bin of `key` (or to the lowest bin, when `key` is below the range the limit allows). */
  add(key: number, weight = 1): void {
    if (!(weight > 0)) return;
    const target = this.#place(key);
    this.#bins[target - this.#offset] = (this.#bins[target - this.#offset] ?? 0) + weight;
    this.count += weight;
  }

  /** The key whose bin holds the value of rank `rank` (0-based); `lower` picks the lower bin at a boundary. */
  keyAtRank(rank: number, lower = true): number {
    let running = 0;
    for (let key = this.#minKey; key <= this.#maxKey; key += 1) {
      running += this.#bins[key - this.#offset] ?? 0;
      if (lower ? running > rank : running >= rank + 1) return key;
    }
    return this.#maxKey;
  }

  /** Adds every bin of `other`. */
  merge(other: DenseBinStore): void {
    for (const [key, weight] of other.entries()) this.add(key, weight);
  }

  /** The non-empty bins as `[key, count]`, lowest key first. */
  entries(): [number, number][] {
    const pairs: [number, number][] = [];
    for (let key = this.#minKey; key <= this.#maxKey; key += 1) {
      const weight = this.#bins[key - this.#offset] ?? 0;
      if (weight > 0) pairs.push([key, weight]);
    }
    return pairs;
  }

  /** Widens the key range to take `key` and returns the key its weight goes to. */
  #place(key: number): number {
    if (this.#minKey === Number.POSITIVE_INFINITY) {
      this.#resize(key, key);
      return key;
    }
    if (key < this.#minKey) {
      const lowest = Math.max(key, this.#maxKey - this.binLimit + 1);
      this.#resize(lowest, this.#maxKey);
      return lowest;
    }
    if (key > this.#maxKey) {
      this.#resize(Math.max(this.#minKey, key - this.binLimit + 1), key);
    }
    return key;
  }

  /** Re-lays the bins over `[minKey, maxKey]`; bins below `minKey` are folded into it. */
  #resize(minKey: number, maxKey: number): void {
    const bins = new Array<number>(maxKey - minKey + 1).fill(0);
    for (let key = this.#minKey; key <= this.#maxKey; key += 1) {
      const weight = this.#bins[key - this.#offset] ?? 0;
      const index = Math.max(key, minKey) - minKey;
      if (weight > 0) bins[index] = (bins[index] ?? 0) + weight;
    }
    this.#bins = bins;
    this.#offset = minKey;
    this.#minKey = minKey;
    this.#maxKey = maxKey;
  }
}

/** A DDSketch of relative accuracy `relativeAccuracy` (α) keeping at most `binLimit` bins per sign. */
export class DDSketch {
  readonly relativeAccuracy: number;
  readonly positive: DenseBinStore;
  readonly negative: DenseBinStore;
  zeroCount = 0;
  readonly #gamma: number;
  readonly #multiplier: number;
  readonly #minIndexable: number;

  constructor(relativeAccuracy: number, binLimit: number) {
    this.relativeAccuracy = relativeAccuracy;
    const mantissa = (2 * relativeAccuracy) / (1 - relativeAccuracy);
    this.#gamma = 1 + mantissa;
    this.#multiplier = 1 / Math.log1p(mantissa);
    this.#minIndexable = MIN_NORMAL * this.#gamma;
    this.positive = new DenseBinStore(binLimit);
    this.negative = new DenseBinStore(binLimit);
  }

  /** The number of values added. */
  get count(): number {
    return this.positive.count + this.negative.count + this.zeroCount;
  }

  /** The bin of a value `value > 0`. */
  key(value: number): number {
    return Math.ceil(Math.log(value) * this.#multiplier);
  }

  /** The value a bin stands for, within α of every value in it. */
  value(key: number): number {
    return Math.exp(key / this.#multiplier) * (2 / (1 + this.#gamma));
  }

  /** Adds one value. */
  accept(value: number): void {
    if (value > this.#minIndexable) this.positive.add(this.key(value));
    else if (value < -this.#minIndexable) this.negative.add(this.key(-value));
    else this.zeroCount += 1;
  }

  /** Adds every value of `other`, which has the same relative accuracy. */
  merge(other: DDSketch): void {
    this.positive.merge(other.positive);
    this.negative.merge(other.negative);
    this.zeroCount += other.zeroCount;
  }

  /** The value at quantile `q` (0…1), or `NaN` for an empty sketch. */
  getValueAtQuantile(q: number): number {
    const count = this.count;
    if (count === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    const rank = q * (count - 1);
    if (rank < this.negative.count) {
      return -this.value(this.negative.keyAtRank(this.negative.count - rank - 1, false));
    }
    if (rank < this.negative.count + this.zeroCount) return 0;
    return this.value(this.positive.keyAtRank(rank - this.negative.count - this.zeroCount));
  }
}
