import { ContextNovelty, type ContextParameters } from "./context-novelty";
import type { DetectorState } from "./detector";
import { invalidState, readArray, readNumber } from "./read-state";

/**
 * The `"auto"` detector's contextual novelty: eight levels over the training range (more beyond it), contexts of the
 * last 1 to 6 levels, a dictionary of 4096 transitions (48 KB of state). Taken from contextOSE's own settings (3
 * bits, i.e. eight levels; contexts of up to 7 facts), not tuned, and validated by leave-one-category-out on NAB
 * (see BENCHMARKS.md).
 */
export const CONTEXT_PARAMETERS: ContextParameters = { levelWidth: 1 / 8, orders: 6, capacity: 4096, tolerance: 0 };

/** Points the gate looks back over: it is open when any of them made a transition never seen before. */
export const GATE_WINDOW = 10;

/** The fields a {@link ContextGate} adds to its detector's state. */
export const CONTEXT_STATE_FIELDS = [
  "contextOrigin",
  "contextStep",
  "contextClock",
  "contextHead",
  "contextFilled",
  "contextHistory",
  "contextTags",
  "contextStamps",
  "gateRecent",
  "gateHead",
] as const;

/**
 * A gate on the `"auto"` detector's score from the stream's contexts (see {@link ContextNovelty}): large prediction
 * errors count only while the stream is somewhere it has not been, i.e. when one of the last {@link GATE_WINDOW}
 * points made a transition (a context of 1 to 6 levels followed by a level) the dictionary has never seen. A large
 * error along a path of levels the series has taken before (a recurring burst, a known daily swing) is a pattern,
 * not an anomaly. O(6) per point.
 */
export class ContextGate {
  private readonly novelty: ContextNovelty;
  /** 1 for each of the last {@link GATE_WINDOW} points that had novelty, a ring. */
  private readonly recent: Uint8Array;
  private head: number;
  private count: number;

  private constructor(novelty: ContextNovelty, recent: Uint8Array, head: number) {
    this.novelty = novelty;
    this.recent = recent;
    this.head = head;
    this.count = recent.reduce((sum, flag) => sum + flag, 0);
  }

  /**
   * A gate over the range of the training values, before it has learned any transition (the detector's replay of
   * the history teaches it).
   *
   * @param values - The training values (at least one).
   * @returns The gate.
   */
  static over(values: Float64Array): ContextGate {
    let lower = Number.POSITIVE_INFINITY;
    let upper = Number.NEGATIVE_INFINITY;
    for (const value of values) {
      if (value < lower) lower = value;
      if (value > upper) upper = value;
    }
    const novelty = ContextNovelty.overRange(CONTEXT_PARAMETERS, lower, upper);
    return new ContextGate(novelty, new Uint8Array(GATE_WINDOW), 0);
  }

  /**
   * Learns a value's transitions and tells whether the gate is open: whether it or one of the
   * {@link GATE_WINDOW} − 1 points before it made a transition never seen before.
   */
  open(value: number): boolean {
    const novel = this.novelty.assess(value) > 0 ? 1 : 0;
    this.count += novel - (this.recent[this.head] as number);
    this.recent[this.head] = novel;
    this.head = this.head + 1 === GATE_WINDOW ? 0 : this.head + 1;
    return this.count > 0;
  }

  /** The gate's fields of its detector's state (see {@link CONTEXT_STATE_FIELDS}). */
  toState(): Record<(typeof CONTEXT_STATE_FIELDS)[number], number | number[]> {
    const { novelty } = this;
    return {
      contextOrigin: novelty.origin,
      contextStep: novelty.step,
      contextClock: novelty.dictionary.clock,
      contextHead: novelty.head,
      contextFilled: novelty.filled,
      contextHistory: Array.from(novelty.history),
      contextTags: Array.from(novelty.dictionary.tags),
      contextStamps: Array.from(novelty.dictionary.stamps),
      gateRecent: Array.from(this.recent),
      gateHead: this.head,
    };
  }

  /**
   * Rebuilds a gate from its fields of a detector state; throws a `VALIDATION_ERROR` naming a bad field.
   *
   * @param state - The detector's state, holding every field of {@link CONTEXT_STATE_FIELDS}.
   * @returns The gate.
   */
  static restore(state: DetectorState): ContextGate {
    const { orders, capacity } = CONTEXT_PARAMETERS;
    const origin = readNumber(state, "contextOrigin");
    const step = readNumber(state, "contextStep");
    const clock = readNumber(state, "contextClock", true);
    const head = readNumber(state, "contextHead", true);
    const filled = readNumber(state, "contextFilled", true);
    const gateHead = readNumber(state, "gateHead", true);
    const history = readArray(state, "contextHistory", orders);
    const tags = readArray(state, "contextTags", capacity);
    const stamps = readArray(state, "contextStamps", capacity);
    const recent = readArray(state, "gateRecent", GATE_WINDOW);
    if (!(step > 0) || clock < 0 || head < 0 || head >= orders || filled < 0 || filled > orders) {
      throw invalidState('fields "contextStep", "contextClock", "contextHead" and "contextFilled" must be in range');
    }
    if (gateHead < 0 || gateHead >= GATE_WINDOW || !recent.every((flag) => flag === 0 || flag === 1)) {
      throw invalidState('fields "gateRecent" (zeros and ones) and "gateHead" must be in range');
    }
    const isInt32 = (tag: number) => Number.isInteger(tag) && tag === (tag | 0);
    if (!tags.every(isInt32) || !history.every(isInt32)) {
      throw invalidState('fields "contextTags" and "contextHistory" must hold 32-bit integers');
    }
    if (!stamps.every((stamp) => Number.isInteger(stamp) && stamp >= 0 && stamp <= clock)) {
      throw invalidState('field "contextStamps" must hold integers from 0 to "contextClock"');
    }
    const novelty = new ContextNovelty(CONTEXT_PARAMETERS, origin, step);
    novelty.history.set(history);
    novelty.head = head;
    novelty.filled = filled;
    novelty.dictionary.tags.set(tags);
    novelty.dictionary.stamps.set(stamps);
    novelty.dictionary.clock = clock;
    return new ContextGate(novelty, Uint8Array.from(recent), gateHead);
  }
}
