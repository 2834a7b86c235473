/**
 * The contract every detector of the engine implements: score a point against what was learned so far, then learn
 * from it. Internal: the engine is the public surface.
 */

/** The largest score reported; a point that deviates from a constant history gets this instead of infinity. */
export const MAX_SCORE = 1e6;

/**
 * What kind of departure a detection is: `"outlier"` a point (or a short stretch) far from the expected value or
 * unusually volatile, `"level-shift"` a sustained change of level (CUSUM), `"trend-change"` a change of slope,
 * `"pattern"` a recent shape of the series never seen before whose point lies inside the normal band (`"resonance"`).
 */
export type AnomalyKind = "outlier" | "level-shift" | "trend-change" | "pattern";

/** What a detector says about one point; filled in place so streaming allocates nothing per point. */
export interface Assessment {
  /** The kind of departure; the engine resets it to `"outlier"` before each point, so only other kinds are set. */
  kind?: AnomalyKind;
  /** Non-negative, z-like: compared with `sensitivityThreshold`. */
  score: number;
  /** The value the detector expected. */
  expected: number;
  /** The half-width of the normal band per unit of threshold: bounds are `expected ± threshold × scale`. */
  scale: number;
  /**
   * Set by `"resonance"` when its score is about the recent shape of the series rather than the point (the engine
   * resets it to false before each point): the engine then waives its point check and grades the report by score.
   */
  shape?: boolean;
  /**
   * Set by `"resonance"` when the `"auto"` detector underneath decides alone: the cooldown (in points) a report of
   * this point starts, when longer than the engine's (the engine resets it to 0 before each point).
   */
  cooldown?: number;
}

/** A trained detector. `assess` scores a point, then updates the state with it (the model keeps learning). */
export interface Detector {
  assess(value: number, assessment: Assessment): void;
  /** A JSON-compatible snapshot; `restore` of the same kind rebuilds an identical detector from it. */
  toState(): DetectorState;
}

/** A detector's serialised state: its kind plus plain numbers and number arrays. */
export interface DetectorState {
  readonly kind: string;
  readonly [field: string]: string | number | readonly number[];
}

/** Scores `|value − expected| / scale`, capped, with a zero scale meaning "any change is maximally surprising". */
export function deviationScore(value: number, expected: number, scale: number): number {
  const distance = Math.abs(value - expected);
  if (scale > 0) return Math.min(distance / scale, MAX_SCORE);
  return distance === 0 ? 0 : MAX_SCORE;
}
