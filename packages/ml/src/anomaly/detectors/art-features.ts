/**
 * The feature stream of the ART detector: the series is downsampled into steps of a few points (each step keeps its
 * spike, so a one-point excursion survives), each step is put on a fixed scale of `levels` levels (snapped to the
 * running median level when close to it, so small wiggles around the usual level are one level), and the last
 * `window` levels form a feature vector: the window's shape (a Haar transform of the window rescaled to [0, 1])
 * followed by the levels themselves. Internal to the detectors.
 */

import { invalidState } from "./read-state";

/** The knobs of {@link ArtFeatures}. */
export interface ArtFeatureParameters {
  /** Steps per feature window (a power of two, for the Haar transform). */
  readonly window: number;
  /** Levels of the fixed scale. */
  readonly levels: number;
  /** A level closer than this share of the scale to the running median level is taken as the median level. */
  readonly snap: number;
  /** A step's extreme replaces its mean only when it departs from the mean by more than this share of it. */
  readonly spikeShare: number;
  /**
   * Whether a step beyond the scale widens it (the levels seen so far are mapped onto the wider scale) instead of
   * being clamped to its end.
   */
  readonly widen: boolean;
}

/** Rescales `values` in place to [0, 1] (all zeros when they are all equal). */
function rescale(values: Float64Array, length: number): void {
  let minimum = Number.POSITIVE_INFINITY;
  let maximum = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < length; index += 1) {
    const value = values[index] as number;
    if (value < minimum) minimum = value;
    if (value > maximum) maximum = value;
  }
  const width = maximum - minimum;
  for (let index = 0; index < length; index += 1) {
    values[index] = width > 0 ? ((values[index] as number) - minimum) / width : 0;
  }
}

/**
 * The full orthonormal Haar transform of `values[0, length)` (length a power of two) in place, coarsest first:
 * [overall average, coarsest difference, …, finest differences]. `scratch` holds at least `length` numbers.
 */
function haar(values: Float64Array, length: number, scratch: Float64Array): void {
  for (let size = length; size > 1; size >>= 1) {
    const half = size >> 1;
    for (let pair = 0; pair < half; pair += 1) {
      const left = values[2 * pair] as number;
      const right = values[2 * pair + 1] as number;
      scratch[pair] = (left + right) * Math.SQRT1_2;
      scratch[half + pair] = (left - right) * Math.SQRT1_2;
    }
    for (let index = 0; index < size; index += 1) values[index] = scratch[index] as number;
  }
}

/** Turns points into feature vectors of `2 × window` numbers in [0, 1], one per completed step once `window` steps are in. */
export class ArtFeatures {
  readonly step: number;
  readonly parameters: ArtFeatureParameters;
  /** The scale: values at `lowest` are level 0, at `highest` the top level (beyond are clamped or widen it). */
  lowest: number;
  highest: number;
  /** The scale before the last step, when that step widened it (else equal to the current one). */
  previousLowest: number;
  previousHighest: number;
  /** The feature vector of the last completed step (valid when {@link push} returned true). */
  readonly features: Float64Array;
  private readonly recentLevels: Float64Array;
  private readonly histogram: Float64Array;
  private readonly scratch: Float64Array;
  private inStep = 0;
  private stepSum = 0;
  private stepMinimum = 0;
  private stepMaximum = 0;
  private movingAverage = 0;
  private steps = 0;
  private medianLevel = 0;
  private below = 0;
  private above = 0;

  constructor(step: number, lowest: number, highest: number, parameters: ArtFeatureParameters) {
    this.step = step;
    this.lowest = lowest;
    this.highest = highest;
    this.previousLowest = lowest;
    this.previousHighest = highest;
    this.parameters = parameters;
    this.features = new Float64Array(2 * parameters.window);
    this.recentLevels = new Float64Array(parameters.window);
    this.histogram = new Float64Array(parameters.levels + 1);
    this.scratch = new Float64Array(parameters.window);
  }

  /** The state as plain numbers (see {@link restore}); the scale must not have moved since the last step. */
  toState(): { scale: number[]; accumulators: number[]; levels: number[]; histogram: number[] } {
    return {
      scale: [this.lowest, this.highest],
      accumulators: [
        this.inStep,
        this.stepSum,
        this.stepMinimum,
        this.stepMaximum,
        this.movingAverage,
        this.steps,
        this.medianLevel,
        this.below,
        this.above,
      ],
      levels: Array.from(this.recentLevels),
      histogram: Array.from(this.histogram),
    };
  }

  /**
   * Rebuilds features from {@link toState}'s numbers (already read as finite numbers of the right lengths); throws a
   * `VALIDATION_ERROR` naming `field` when they cannot be a state.
   */
  static restore(
    field: string,
    step: number,
    parameters: ArtFeatureParameters,
    state: { scale: Float64Array; accumulators: Float64Array; levels: Float64Array; histogram: Float64Array },
  ): ArtFeatures {
    const [lowest = 0, highest = 0] = state.scale;
    const [inStep = 0, stepSum = 0, stepMinimum = 0, stepMaximum = 0, movingAverage = 0] = state.accumulators;
    const [, , , , , steps = 0, medianLevel = 0, below = 0, above = 0] = state.accumulators;
    const counts = [steps, medianLevel, below, above, inStep];
    if (
      !(lowest <= highest) ||
      !counts.every((count) => Number.isInteger(count) && count >= 0) ||
      inStep >= step ||
      medianLevel > parameters.levels ||
      below + above > steps ||
      // A widened scale maps the levels with rounding: one at an edge may come out just beyond [0, 1].
      !state.levels.every((level) => level >= -1e-9 && level <= 1 + 1e-9) ||
      !state.histogram.every((count) => Number.isInteger(count) && count >= 0)
    ) {
      throw invalidState(`field "${field}" must describe the feature stream of a resonance model`);
    }
    const features = new ArtFeatures(step, lowest, highest, parameters);
    features.recentLevels.set(state.levels);
    features.histogram.set(state.histogram);
    features.inStep = inStep;
    features.stepSum = stepSum;
    features.stepMinimum = stepMinimum;
    features.stepMaximum = stepMaximum;
    features.movingAverage = movingAverage;
    features.steps = steps;
    features.medianLevel = medianLevel;
    features.below = below;
    features.above = above;
    return features;
  }

  /** Steps completed so far. */
  get completedSteps(): number {
    return this.steps;
  }

  /** Adds a point; returns whether it completed a step with a full window (then {@link features} is new). */
  push(value: number): boolean {
    if (this.inStep === 0) {
      this.stepSum = 0;
      this.stepMinimum = value;
      this.stepMaximum = value;
    }
    this.stepSum += value;
    if (value < this.stepMinimum) this.stepMinimum = value;
    if (value > this.stepMaximum) this.stepMaximum = value;
    this.inStep += 1;
    if (this.inStep < this.step) return false;
    this.inStep = 0;
    return this.completeStep();
  }

  private completeStep(): boolean {
    const { levels, snap, spikeShare, window } = this.parameters;
    const mean = this.stepSum / this.step;
    this.movingAverage = this.steps === 0 ? mean : (this.movingAverage + mean) / 2;
    // The step's extreme on the side farther from the recent average stands for it, unless it is close to the mean.
    const high = this.stepMaximum - this.movingAverage;
    const low = this.movingAverage - this.stepMinimum;
    let representative = high >= low ? this.stepMaximum : this.stepMinimum;
    if (Math.abs(representative - mean) <= spikeShare * Math.abs(mean)) representative = mean;
    this.previousLowest = this.lowest;
    this.previousHighest = this.highest;
    if (this.parameters.widen && (representative < this.lowest || representative > this.highest)) {
      this.widen(representative);
    }
    const width = this.highest - this.lowest;
    const scaled = width > 0 ? (representative - this.lowest) / width : 0.5;
    const level = Math.round(Math.min(Math.max(scaled, 0), 1) * levels);
    const median = this.updateMedian(level);
    const kept = Math.abs(level - median) < snap * levels ? median : level;
    const { recentLevels } = this;
    for (let index = 1; index < window; index += 1) recentLevels[index - 1] = recentLevels[index] as number;
    recentLevels[window - 1] = kept / levels;
    this.steps += 1;
    if (this.steps < window) return false;
    const { features, scratch } = this;
    for (let index = 0; index < window; index += 1) features[index] = recentLevels[index] as number;
    rescale(features, window);
    haar(features, window, scratch);
    rescale(features, window);
    for (let index = 0; index < window; index += 1) features[window + index] = recentLevels[index] as number;
    return true;
  }

  /** Widens the scale to `value`, mapping the recent levels and the level counts onto it. */
  private widen(value: number): void {
    const { levels } = this.parameters;
    const oldLowest = this.lowest;
    const oldWidth = this.highest - this.lowest;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
    const width = this.highest - this.lowest;
    const map = (level: number) => (oldWidth > 0 ? (oldLowest + level * oldWidth - this.lowest) / width : 0.5);
    const { recentLevels, histogram } = this;
    for (let index = 0; index < recentLevels.length; index += 1)
      recentLevels[index] = map(recentLevels[index] as number);
    const counts = Float64Array.from(histogram);
    histogram.fill(0);
    for (let level = 0; level <= levels; level += 1) {
      const target = Math.round(map(level / levels) * levels);
      histogram[target] = (histogram[target] as number) + (counts[level] as number);
    }
    // Recount both sides of the median level on the new scale.
    this.medianLevel = Math.round(map(this.medianLevel / levels) * levels);
    this.below = 0;
    this.above = 0;
    for (let level = 0; level <= levels; level += 1) {
      if (level < this.medianLevel) this.below += histogram[level] as number;
      if (level > this.medianLevel) this.above += histogram[level] as number;
    }
  }

  /** Counts `level` and moves the running median level by at most the counts it crossed; returns the median level. */
  private updateMedian(level: number): number {
    const { histogram } = this;
    histogram[level] = (histogram[level] as number) + 1;
    if (this.steps === 0) {
      this.medianLevel = level;
      return level;
    }
    if (level < this.medianLevel) this.below += 1;
    else if (level > this.medianLevel) this.above += 1;
    const half = (this.steps + 1) / 2;
    // Walk the median towards the heavier side until neither side holds more than half of the counts.
    while (this.above > half) {
      this.below += histogram[this.medianLevel] as number;
      do this.medianLevel += 1;
      while ((histogram[this.medianLevel] as number) === 0);
      this.above -= histogram[this.medianLevel] as number;
    }
    while (this.below > half) {
      this.above += histogram[this.medianLevel] as number;
      do this.medianLevel -= 1;
      while ((histogram[this.medianLevel] as number) === 0);
      this.below -= histogram[this.medianLevel] as number;
    }
    return this.medianLevel;
  }
}
