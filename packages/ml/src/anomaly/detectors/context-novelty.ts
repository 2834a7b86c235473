import { ContextDictionary, mixHash } from "./context-dictionary";

/** The knobs of {@link ContextNovelty}. */
export interface ContextParameters {
  /** Width of one level as a share of the training range (1/8: the training range holds eight levels). */
  readonly levelWidth: number;
  /** The longest context, in levels before the current one (orders 1 to `orders` are all tracked). */
  readonly orders: number;
  /** Dictionary entries (a power of two, at least 4); memory is 12 bytes per entry. */
  readonly capacity: number;
  /** A level within this many levels of a seen successor counts as predicted (0: only the same level). */
  readonly tolerance: number;
}

/**
 * How new the current point's context is, after the Contextual Anomaly Detector (Smirnov and Lavrentyev's
 * contextOSE in NAB): the value is quantised into levels (a fixed width set by the training range; values beyond it
 * get levels of their own, so new territory is new levels), the last 1 to `orders` levels are the point's contexts,
 * and a bounded dictionary ({@link ContextDictionary}) remembers which transitions (context, then level) the stream
 * has made. The novelty of a point is the share of its contexts that have never been followed by its level: 0 when
 * even the longest context has been, 1 when not even the previous level has. As a transition unseen after the last
 * k levels is also unseen after any longer context, the share grows with how short a history already fails to
 * explain the point. O(`orders` × (2 `tolerance` + 1)) per point, no allocation.
 */
export class ContextNovelty {
  readonly parameters: ContextParameters;
  readonly dictionary: ContextDictionary;
  /** The last `orders` levels, a ring with the newest at `head − 1`. */
  readonly history: Int32Array;
  /** Where level 0 starts. */
  readonly origin: number;
  /** Width of one level, positive. */
  readonly step: number;
  head = 0;
  filled = 0;

  /**
   * An empty tracker (no context, no transition) with a given quantiser.
   *
   * @param parameters - The knobs.
   * @param origin - Where level 0 starts.
   * @param step - Width of one level, positive.
   */
  constructor(parameters: ContextParameters, origin: number, step: number) {
    this.parameters = parameters;
    this.dictionary = new ContextDictionary(parameters.capacity);
    this.history = new Int32Array(parameters.orders);
    // −0 (a training range starting at −0) becomes +0: a snapshot's JSON cannot hold −0, and a restored model must
    // equal the original.
    this.origin = origin + 0;
    this.step = step;
  }

  /**
   * An empty tracker whose levels are cut from a training range: level 0 starts at its minimum, and a level is
   * `levelWidth` of the range wide.
   *
   * @param parameters - The knobs.
   * @param lower - The training minimum.
   * @param upper - The training maximum.
   * @returns The tracker.
   */
  static overRange(parameters: ContextParameters, lower: number, upper: number): ContextNovelty {
    const width = (upper - lower) * parameters.levelWidth;
    // A constant history has no range: a level per `levelWidth` of its size keeps every later change visible.
    return new ContextNovelty(parameters, lower, width > 0 ? width : parameters.levelWidth * (Math.abs(lower) + 1));
  }

  /** The level of a value: the index of its cell, counted from the training minimum (negative below it). */
  level(value: number): number {
    const cell = Math.floor((value - this.origin) / this.step);
    // Far outliers share one level per side, so the hash inputs stay 32-bit integers.
    return cell > 1e6 ? 1e6 : cell < -1e6 ? -1e6 : Number.isNaN(cell) ? 0 : cell;
  }

  /**
   * Scores a value's novelty in [0, 1] against the transitions learned so far, then learns its own.
   *
   * @param value - The point's value.
   * @returns The share of the point's contexts never followed by its level (0 while there is no context yet).
   */
  assess(value: number): number {
    const { history, dictionary } = this;
    const { orders, tolerance } = this.parameters;
    const level = this.level(value);
    let hash = 0x2545f491;
    let missed = 0;
    let position = this.head;
    for (let order = 1; order <= this.filled; order += 1) {
      position = position === 0 ? orders - 1 : position - 1;
      hash = Math.imul(hash ^ (history[position] as number), 0x01000193) + order;
      const context = Math.imul(hash, 0x9e3779b1);
      let known = dictionary.add(mixHash(context ^ level));
      for (let near = level - tolerance; near <= level + tolerance && !known; near += 1) {
        known = near !== level && dictionary.has(mixHash(context ^ near));
      }
      if (!known) missed += 1;
    }
    const novelty = this.filled > 0 ? missed / this.filled : 0;
    history[this.head] = level;
    this.head = this.head + 1 === orders ? 0 : this.head + 1;
    if (this.filled < orders) this.filled += 1;
    dictionary.tick();
    return novelty;
  }
}
