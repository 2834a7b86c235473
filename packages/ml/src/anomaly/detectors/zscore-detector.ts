import { type Assessment, type Detector, type DetectorState, deviationScore } from "./detector";
import { invalidState, readArray, readNumber } from "./read-state";

/**
 * The classic z-score: `z = (x − μ) / σ` with the population standard deviation. With `window = 0`, μ and σ come from
 * the training data and stay fixed; with `window = W`, from the W points just before each point (the point itself
 * excluded), kept as running sums so each point costs O(1).
 */
export class ZScoreDetector implements Detector {
  private readonly window: number;
  private readonly buffer: Float64Array;
  private filled: number;
  private head: number;
  private sum: number;
  private sumOfSquares: number;

  constructor(window: number, buffer: Float64Array, filled: number, head: number, sum: number, sumOfSquares: number) {
    this.window = window;
    this.buffer = buffer;
    this.filled = filled;
    this.head = head;
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
  }

  static train(values: Float64Array, window: number): ZScoreDetector {
    if (window === 0) {
      let sum = 0;
      let sumOfSquares = 0;
      for (const value of values) sum += value;
      const mean = sum / values.length;
      // Two passes for the fixed statistics: they are computed once, so take the accurate form.
      for (const value of values) sumOfSquares += (value - mean) ** 2;
      return new ZScoreDetector(0, new Float64Array(0), values.length, 0, mean, sumOfSquares / values.length);
    }
    const detector = new ZScoreDetector(window, new Float64Array(window), 0, 0, 0, 0);
    for (const value of values) detector.push(value);
    return detector;
  }

  static restore(state: DetectorState, window: number): ZScoreDetector {
    const buffer = readArray(state, "buffer", window);
    const filled = readNumber(state, "filled", true);
    const head = readNumber(state, "head", true);
    if (readNumber(state, "window", true) !== window) throw invalidState(`field "window" must be ${window}`);
    if (window > 0 && (filled > window || head >= window))
      throw invalidState('fields "filled" and "head" must fit the window');
    return new ZScoreDetector(
      window,
      buffer,
      filled,
      head,
      readNumber(state, "sum"),
      readNumber(state, "sumOfSquares"),
    );
  }

  private push(value: number): void {
    if (this.filled === this.window) {
      const oldest = this.buffer[this.head] as number;
      this.sum -= oldest;
      this.sumOfSquares -= oldest * oldest;
    } else {
      this.filled += 1;
    }
    this.buffer[this.head] = value;
    this.head = (this.head + 1) % this.window;
    this.sum += value;
    this.sumOfSquares += value * value;
  }

  assess(value: number, assessment: Assessment): void {
    let mean: number;
    let variance: number;
    if (this.window === 0) {
      // Static mode keeps the mean in `sum` and the variance in `sumOfSquares`.
      mean = this.sum;
      variance = this.sumOfSquares;
    } else {
      mean = this.sum / this.filled;
      variance = Math.max(this.sumOfSquares / this.filled - mean * mean, 0);
    }
    const deviation = Math.sqrt(variance);
    assessment.expected = mean;
    assessment.scale = deviation;
    assessment.score = deviationScore(value, mean, deviation);
    if (this.window > 0) this.push(value);
  }

  toState(): DetectorState {
    return {
      kind: "zscore",
      window: this.window,
      buffer: Array.from(this.buffer),
      filled: this.filled,
      head: this.head,
      sum: this.sum,
      sumOfSquares: this.sumOfSquares,
    };
  }
}
