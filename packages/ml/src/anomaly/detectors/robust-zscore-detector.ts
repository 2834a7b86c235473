import { type Assessment, type Detector, type DetectorState, deviationScore } from "./detector";
import { medianAndScale } from "./median";
import { invalidState, readArray, readNumber } from "./read-state";

/**
 * Robust z-score `(x − median) / (1.4826 · MAD)`: a few outliers in the history barely move the baseline, unlike the
 * mean and standard deviation. With `window = 0` the statistics come from the training data; with `window = W` from
 * the last W points (O(W) per point, by quickselect).
 */
export class RobustZScoreDetector implements Detector {
  private readonly window: number;
  private readonly buffer: Float64Array;
  private readonly scratch: Float64Array;
  private filled: number;
  private head: number;
  private median: number;
  private scale: number;

  private constructor(window: number, buffer: Float64Array, numbers: readonly [number, number, number, number]) {
    this.window = window;
    this.buffer = buffer;
    this.scratch = new Float64Array(buffer.length);
    [this.filled, this.head, this.median, this.scale] = numbers;
  }

  static train(values: Float64Array, window: number): RobustZScoreDetector {
    if (window === 0) {
      const [median, scale] = medianAndScale(values);
      return new RobustZScoreDetector(0, new Float64Array(0), [values.length, 0, median, scale]);
    }
    const recent = values.subarray(Math.max(values.length - window, 0));
    const buffer = new Float64Array(window);
    buffer.set(recent);
    const detector = new RobustZScoreDetector(window, buffer, [recent.length, recent.length % window, 0, 0]);
    detector.refresh();
    return detector;
  }

  static restore(state: DetectorState, window: number): RobustZScoreDetector {
    if (readNumber(state, "window", true) !== window) throw invalidState(`field "window" must be ${window}`);
    const filled = readNumber(state, "filled", true);
    const head = readNumber(state, "head", true);
    if (window > 0 && (filled < 1 || filled > window || head < 0 || head >= window)) {
      throw invalidState('fields "filled" and "head" must fit the window');
    }
    return new RobustZScoreDetector(window, readArray(state, "buffer", window), [
      filled,
      head,
      readNumber(state, "median"),
      readNumber(state, "scale"),
    ]);
  }

  private refresh(): void {
    [this.median, this.scale] = medianAndScale(this.buffer.subarray(0, this.filled), this.scratch);
  }

  assess(value: number, assessment: Assessment): void {
    assessment.expected = this.median;
    assessment.scale = this.scale;
    assessment.score = deviationScore(value, this.median, this.scale);
    if (this.window === 0) return;
    this.buffer[this.head] = value;
    this.head = (this.head + 1) % this.window;
    if (this.filled < this.window) this.filled += 1;
    this.refresh();
  }

  toState(): DetectorState {
    return {
      kind: "robust-zscore",
      window: this.window,
      buffer: Array.from(this.buffer),
      filled: this.filled,
      head: this.head,
      median: this.median,
      scale: this.scale,
    };
  }
}
