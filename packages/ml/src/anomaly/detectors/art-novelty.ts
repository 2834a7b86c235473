/**
 * Novelty by adaptive resonance, in the manner of NAB's ARTime detector (Hampton): windows of the downsampled
 * series ({@link ArtFeatures}) are clustered online by a dual-vigilance fuzzy ART ({@link ArtMemory}); a window that
 * resonates with no category above the lower vigilance is novel, and a novel window outside a short mask (after a
 * report, after a vigilance change) is reported with a confidence. The vigilances follow the series: the upper one
 * is the mean best match so far, the lower one rises towards the worst recent match while matches are good and
 * sinks while they are poor (never below the matches that were reported). Internal to the detectors.
 */

import { encodeFloat64, encodeFloat64Table } from "../../internal/float64-text";
import { type ArtFeatureParameters, ArtFeatures } from "./art-features";
import { type ArtMatch, ArtMemory } from "./art-memory";
import type { DetectorState } from "./detector";
import { invalidState, readArray, readPackedArray } from "./read-state";

/** The knobs of {@link ArtNovelty}. */
export interface ArtParameters extends ArtFeatureParameters {
  /** Steps the training history is cut into (it sets the step length: training points / this, at least 2). */
  readonly trainingSteps: number;
  /** Categories kept at most. */
  readonly capacity: number;
  /** Vigilance of the first pass over the training windows, which sets the starting vigilance. */
  readonly initialVigilance: number;
  /** Steps after a report (and after a vigilance change) in which only a markedly worse window is reported. */
  readonly mask: number;
  /** Highest upper vigilance. */
  readonly maximumVigilance: number;
  /** Share of the training range added below and above it to make the scale (later values may go beyond it). */
  readonly scaleMargin: number;
}

/** ARTime's published shape: 8-step windows, 13 windows of training, 80 levels. */
export const ART_PARAMETERS: ArtParameters = {
  window: 8,
  levels: 80,
  snap: 0.075,
  spikeShare: 0.1,
  trainingSteps: 104,
  capacity: 256,
  initialVigilance: 0.8,
  mask: 12,
  maximumVigilance: 0.97,
  scaleMargin: 0,
  widen: false,
};

/**
 * Fewest points per step. With fewer than about 2 × 104 training points the steps would be single points, and a
 * window of 8 single points reads noise as shape: on the guide's event-rate pattern (a steady Poisson count of about 6
 * a minute, 120 minutes of training) single-point steps reported ordinary minutes of 12–14 events in three of five
 * seeds, steps of 2 points none. No NAB file of fixtures/ml trains on so few points (its scores are unchanged).
 */
const MIN_STEP = 2;

/** Share of the gap to the worst recent match by which the lower vigilance rises. */
const RISE = 0.19;
/** Match deficits (upper vigilance − match) below this are not counted when the lower vigilance sinks. */
const DEFICIT_FLOOR = 0.05;
/** Largest deficit counted. */
const DEFICIT_CAP = 0.37;
/** Smallest sinking step of the lower vigilance (halved). */
const MINIMUM_SINK = 0.01;

/** The step of the last report before there was one: far enough back that every mask is over. */
const NO_REPORT = -Number.MAX_SAFE_INTEGER;

/** The suffixes of a model's fields in its detector's state (see {@link ArtNovelty.toState}). */
export const ART_STATE_FIELDS = [
  "Scale",
  "Accumulators",
  "Levels",
  "Histogram",
  "Memory",
  "Weights",
  "Norms",
  "HeadNorms",
  "LastUsed",
  "Matches",
  "Deficits",
  "Novelty",
] as const;

/** A fixed-size ring of numbers with its minimum and the mean of its entries above a floor. */
class Ring {
  readonly values: Float64Array;
  head = 0;
  constructor(size: number, fill: number) {
    this.values = new Float64Array(size).fill(fill);
  }
  push(value: number): void {
    this.values[this.head] = value;
    this.head = this.head + 1 === this.values.length ? 0 : this.head + 1;
  }
  minimum(): number {
    let result = Number.POSITIVE_INFINITY;
    for (const value of this.values) if (value < result) result = value;
    return result;
  }
  /** Mean of min(value, cap) over the values above `floor` (0 when there is none). */
  meanAbove(floor: number, cap: number): number {
    let sum = 0;
    let count = 0;
    for (const value of this.values) {
      if (value > floor) {
        sum += Math.min(value, cap);
        count += 1;
      }
    }
    return count > 0 ? sum / count : 0;
  }
}

/** The streaming novelty detector. */
export class ArtNovelty {
  readonly parameters: ArtParameters;
  readonly features: ArtFeatures;
  readonly memory: ArtMemory;
  /** Steps of the training history (the "trend" span of the vigilance rules). */
  private readonly trainingSpan: number;
  private readonly recentMatches: Ring;
  private readonly recentDeficits: Ring;
  private readonly match: ArtMatch = { outcome: "familiar", similarity: 0, levelSimilarity: 0 };
  private step = 0;
  private lastReport = NO_REPORT;
  private lastReportSimilarity = 0;
  private lastVigilanceChange = 0;
  private maskedAfterNovelty = false;
  private quietSteps = 0;
  private similaritySum = 0;
  private reportedSimilaritySum = 0;
  private reports = 0;
  private training = true;

  private constructor(features: ArtFeatures, parameters: ArtParameters, trainingSpan: number, memory: ArtMemory) {
    this.parameters = parameters;
    this.features = features;
    this.trainingSpan = trainingSpan;
    this.memory = memory;
    this.recentMatches = new Ring((trainingSpan >> 1) + 1, 1);
    this.recentDeficits = new Ring(trainingSpan + 1, 0);
  }

  /**
   * Learns the training history: the scale is its range, the step length its length / `trainingSteps`, and the
   * starting vigilance the mean best match of its later windows in a first pass at `initialVigilance`.
   */
  static train(
    values: Float64Array,
    parameters: ArtParameters = ART_PARAMETERS,
    range: Float64Array = values,
  ): ArtNovelty {
    let lowest = Number.POSITIVE_INFINITY;
    let highest = Number.NEGATIVE_INFINITY;
    for (const value of range) {
      if (value < lowest) lowest = value;
      if (value > highest) highest = value;
    }
    const margin = parameters.scaleMargin * (highest - lowest);
    lowest -= margin;
    highest += margin;
    const step = Math.max(MIN_STEP, Math.round(values.length / parameters.trainingSteps));
    const features = new ArtFeatures(step, lowest, highest, parameters);
    const windows: Float64Array[] = [];
    for (const value of values) if (features.push(value)) windows.push(Float64Array.from(features.features));
    const span = Math.max(features.completedSteps, 2);
    const first = new ArtMemory(parameters.window * 2, parameters.capacity, parameters.initialVigilance);
    const scratch: ArtMatch = { outcome: "familiar", similarity: 0, levelSimilarity: 0 };
    let sum = 0;
    let counted = 0;
    for (const [index, window] of windows.entries()) {
      first.present(window, scratch);
      if (index >= windows.length >> 1) {
        sum += scratch.similarity;
        counted += 1;
      }
    }
    const vigilance = Math.min(counted > 0 ? sum / counted : parameters.initialVigilance, parameters.maximumVigilance);
    const memory = new ArtMemory(parameters.window * 2, parameters.capacity, vigilance);
    const novelty = new ArtNovelty(features, parameters, span, memory);
    for (const window of windows) novelty.assess(window);
    novelty.training = false;
    return novelty;
  }

  /**
   * The model's state as fields of its detector's state, each named `prefix` + a suffix of {@link ART_STATE_FIELDS}.
   *
   * @param prefix - Sets this model's fields apart from the detector's others.
   * @returns Plain numbers and number arrays.
   */
  toState(prefix: string): Record<string, number[] | string> {
    const features = this.features.toState();
    const memory = this.memory.toState();
    // The categories' weights (most of the state) as a table of their distinct values and an index per weight, and
    // the norms as base64 text of their float64 bytes: exact, and about half the size of JSON numbers.
    const state: Record<(typeof ART_STATE_FIELDS)[number], number[] | string> = {
      Scale: features.scale,
      Accumulators: features.accumulators,
      Levels: features.levels,
      Histogram: features.histogram,
      Memory: memory.numbers,
      Weights: encodeFloat64Table(memory.weights),
      Norms: encodeFloat64(memory.norms),
      HeadNorms: encodeFloat64(memory.headNorms),
      LastUsed: memory.lastUsed,
      Matches: [...this.recentMatches.values, this.recentMatches.head],
      Deficits: [...this.recentDeficits.values, this.recentDeficits.head],
      Novelty: [
        this.features.step,
        this.trainingSpan,
        this.step,
        this.lastReport,
        this.lastReportSimilarity,
        this.lastVigilanceChange,
        this.maskedAfterNovelty ? 1 : 0,
        this.quietSteps,
        this.similaritySum,
        this.reportedSimilaritySum,
        this.reports,
      ],
    };
    return Object.fromEntries(Object.entries(state).map(([suffix, value]) => [`${prefix}${suffix}`, value]));
  }

  /**
   * Rebuilds a trained model from {@link toState}'s fields; throws a `VALIDATION_ERROR` naming a bad field.
   *
   * @param state - The detector's state.
   * @param prefix - The model's prefix.
   * @param parameters - The model's knobs (not saved: they are the detector's constants).
   * @returns The model, which goes on exactly as the one saved.
   */
  static restore(state: DetectorState, prefix: string, parameters: ArtParameters): ArtNovelty {
    const read = (suffix: (typeof ART_STATE_FIELDS)[number], length?: number) =>
      readArray(state, `${prefix}${suffix}`, length);
    const { window, levels, capacity } = parameters;
    const numbers = read("Novelty", 11);
    const [step = 0, trainingSpan = 0, steps = 0, lastReport = 0, , lastVigilanceChange = 0, masked = 0] = numbers;
    const [, , , , , , , quietSteps = 0, , , reports = 0] = numbers;
    const counts = [step, trainingSpan, steps, lastVigilanceChange, quietSteps, reports];
    if (
      !counts.every((count) => Number.isInteger(count) && count >= 0) ||
      step < 1 ||
      trainingSpan < 2 ||
      !Number.isInteger(lastReport) ||
      lastReport > steps ||
      lastVigilanceChange > steps ||
      (masked !== 0 && masked !== 1)
    ) {
      throw invalidState(`field "${prefix}Novelty" must describe a resonance model's progress`);
    }
    const features = ArtFeatures.restore(`${prefix}Accumulators`, step, parameters, {
      scale: read("Scale", 2),
      accumulators: read("Accumulators", 9),
      levels: read("Levels", window),
      histogram: read("Histogram", levels + 1),
    });
    const memory = ArtMemory.restore(`${prefix}Memory`, window * 2, capacity, {
      numbers: read("Memory", 5),
      weights: readPackedArray(state, `${prefix}Weights`, true),
      norms: readPackedArray(state, `${prefix}Norms`),
      headNorms: readPackedArray(state, `${prefix}HeadNorms`),
      lastUsed: read("LastUsed"),
    });
    const novelty = new ArtNovelty(features, parameters, trainingSpan, memory);
    for (const [suffix, ring] of [
      ["Matches", novelty.recentMatches],
      ["Deficits", novelty.recentDeficits],
    ] as const) {
      const values = read(suffix, ring.values.length + 1);
      const head = values[ring.values.length] as number;
      if (!Number.isInteger(head) || head < 0 || head >= ring.values.length) {
        throw invalidState(`field "${prefix}${suffix}" must end with a position in its ring`);
      }
      ring.values.set(values.subarray(0, ring.values.length));
      ring.head = head;
    }
    novelty.step = steps;
    novelty.lastReport = lastReport;
    novelty.lastReportSimilarity = numbers[4] as number;
    novelty.lastVigilanceChange = lastVigilanceChange;
    novelty.maskedAfterNovelty = masked === 1;
    novelty.quietSteps = quietSteps;
    novelty.similaritySum = numbers[8] as number;
    novelty.reportedSimilaritySum = numbers[9] as number;
    novelty.reports = reports;
    novelty.training = false;
    return novelty;
  }

  /**
   * Whether the model is silent: a window completed at the next point would be reported only if markedly worse than
   * the last report, because a mask is on (after training, after a novel window, after a report).
   */
  get silent(): boolean {
    const { mask } = this.parameters;
    const next = this.step + 1;
    const afterNovelty = this.maskedAfterNovelty && !(this.quietSteps >= mask && next > this.trainingSpan + mask);
    return afterNovelty || next - this.lastReport <= mask;
  }

  /**
   * Whether the model is still warming up: it has reported nothing since training, and the next step is within two
   * masks of the end of the training span (the first mask after training lasts at least until one mask past it).
   */
  get warmingUp(): boolean {
    return this.reports === 0 && this.step + 1 <= this.trainingSpan + 2 * this.parameters.mask;
  }

  /** Adds a point; returns the confidence of a reported novelty in (0, 1], or 0. */
  push(value: number): number {
    const { features } = this;
    const complete = features.push(value);
    if (features.previousLowest !== features.lowest || features.previousHighest !== features.highest) {
      const { window } = this.parameters;
      this.memory.rescale(window, features.previousLowest, features.previousHighest, features.lowest, features.highest);
      features.previousLowest = features.lowest;
      features.previousHighest = features.highest;
    }
    return complete ? this.assess(features.features) : 0;
  }

  private assess(window: Float64Array): number {
    const { memory, match, parameters } = this;
    const { mask } = parameters;
    this.step += 1;
    const step = this.step;
    const sinceReport = step - this.lastReport;
    const adaptAfterReport = sinceReport === mask;
    const adaptForDrift = step - this.lastVigilanceChange >= this.trainingSpan >> 1;
    const maskedAfterReport = sinceReport <= mask;
    if (this.maskedAfterNovelty && this.quietSteps >= mask && step > this.trainingSpan + mask) {
      this.maskedAfterNovelty = false;
    }
    memory.present(window, match);
    const novel = match.outcome === "novel";
    const similarity = match.similarity;
    this.quietSteps = novel ? 0 : this.quietSteps + 1;
    this.similaritySum += similarity;
    this.recentMatches.push(similarity);
    this.recentDeficits.push(memory.upperVigilance - similarity);
    // While a report's mask lasts, its similarity is the worst match seen during it.
    if (sinceReport < mask && this.reports > 0 && similarity < this.lastReportSimilarity) {
      this.reportedSimilaritySum += similarity - this.lastReportSimilarity;
      this.lastReportSimilarity = similarity;
    }
    const masked = this.maskedAfterNovelty || maskedAfterReport;
    const markedlyWorse = similarity < this.lastReportSimilarity * (maskedAfterReport ? 0.9 : 0.7);
    let confidence = 0;
    if (!this.training && novel && (!masked || markedlyWorse)) {
      confidence = this.confidence(similarity, match.levelSimilarity);
      this.lastReport = step;
      this.lastReportSimilarity = similarity;
      this.reportedSimilaritySum += similarity;
      this.reports += 1;
    }
    if (novel) this.maskedAfterNovelty = true;
    if (!this.training && (adaptAfterReport || adaptForDrift)) {
      this.adaptVigilance(step);
      this.lastVigilanceChange = step;
      this.maskedAfterNovelty = true;
    }
    return confidence;
  }

  /** How far below both vigilances the match fell, plus how far the newest level is from the category's. */
  private confidence(similarity: number, levelSimilarity: number): number {
    const { memory } = this;
    const capped = Math.min(similarity, 0.999);
    const belowUpper = (memory.upperVigilance - capped) / (1 - capped);
    const belowLower = (memory.lowerVigilance - capped) / (1 - capped);
    const result = 0.35 * belowUpper + 0.65 * belowLower + 1.5 * (1 - levelSimilarity);
    return Math.min(Math.max(result, Number.MIN_VALUE), 1);
  }

  private adaptVigilance(step: number): void {
    const { memory } = this;
    const upper = Math.min(this.similaritySum / step, this.parameters.maximumVigilance);
    const worst = this.recentMatches.minimum();
    let lower = memory.lowerVigilance;
    if (lower <= worst) {
      lower += RISE * (worst - lower);
    } else {
      const deficit = step > 2 * this.trainingSpan ? this.recentDeficits.meanAbove(DEFICIT_FLOOR, DEFICIT_CAP) : 0;
      lower -= Math.max(MINIMUM_SINK, deficit) / 2;
      if (this.reports > 0) lower = Math.max(lower, this.reportedSimilaritySum / this.reports);
    }
    memory.upperVigilance = upper;
    memory.lowerVigilance = Math.min(lower, upper);
  }
}
