import { createValidator, describeType } from "@pelbiot/core";
import { medianInPlace } from "../../internal/quickselect";

/** Options of {@link stl}. Window lengths are in points and must be odd (an even value is raised by one). */
export interface StlOptions {
  /** Seasonal period in points, at least 2. */
  period: number;
  /**
   * Span of the loess that smooths each cycle-subseries (Cleveland's n(s)), or `"periodic"`: the seasonal component is
   * then the same in every cycle (the mean of each phase, as R's `stl(s.window = "periodic")`).
   * @default "periodic"
   */
  seasonalWindow?: number | "periodic";
  /** Degree (0 or 1) of the cycle-subseries loess. @default 0 for "periodic", else 1 */
  seasonalDegree?: 0 | 1;
  /** Span of the trend loess, n(t). @default the smallest odd integer ≥ 1.5·period / (1 − 1.5 / seasonalWindow) */
  trendWindow?: number;
  /** Degree (0 or 1) of the trend loess. @default 1 */
  trendDegree?: 0 | 1;
  /** Span of the loess in the low-pass filter, n(l). @default the smallest odd integer ≥ period */
  lowPassWindow?: number;
  /** Outer robustness iterations with bisquare weights, which keep outliers out of trend and season. @default true */
  robust?: boolean;
  /** Passes of the inner loop per outer iteration, n(i). @default 1 when robust, else 2 (as R) */
  innerIterations?: number;
  /** Outer robustness iterations, n(o). @default 15 when robust, else 0 (as R) */
  outerIterations?: number;
  /**
   * Evaluate each loess at every `jump`-th point only and interpolate linearly between (Cleveland's speed-up, used by
   * R with jumps of ceil(window / 10)). `1` evaluates every point. @default "window/10"
   */
  jump?: 1 | "window/10";
}

/** The result of {@link stl}: `series = seasonal + trend + remainder` at every point. */
export interface StlDecomposition {
  /** The seasonal component. */
  readonly seasonal: Float64Array;
  /** The trend component. */
  readonly trend: Float64Array;
  /** What is left: `series − seasonal − trend`. */
  readonly remainder: Float64Array;
  /** Final robustness weights in [0, 1] (all 1 without robustness iterations); near 0 marks an outlier. */
  readonly weights: Float64Array;
}

const KNOWN_OPTIONS = new Set([
  "period",
  "seasonalWindow",
  "seasonalDegree",
  "trendWindow",
  "trendDegree",
  "lowPassWindow",
  "robust",
  "innerIterations",
  "outerIterations",
  "jump",
]);

function validate(values: ArrayLike<number>, options: StlOptions): void {
  const check = createValidator("stl");
  const isArrayLike =
    Array.isArray(values) || (ArrayBuffer.isView(values) && typeof (values as Float64Array).length === "number");
  if (!check.check(isArrayLike, "values", "must be an array or typed array of numbers")) check.done();
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      check.fail(`values.${index}`, `must be a finite number, got ${describeType(value)}`);
    }
  }
  if (!check.object("options", options)) check.done();
  const { period, seasonalWindow, seasonalDegree, trendWindow, trendDegree, lowPassWindow, robust } = options;
  if (check.number("options.period", period, { integer: true, min: 2 })) {
    check.check(
      values.length >= 2 * period,
      "values",
      `must hold at least two periods (${2 * period} points), got ${values.length}`,
    );
  }
  if (seasonalWindow !== undefined && seasonalWindow !== "periodic") {
    check.number("options.seasonalWindow", seasonalWindow, { integer: true, min: 3 });
  }
  for (const [name, window] of [
    ["trendWindow", trendWindow],
    ["lowPassWindow", lowPassWindow],
  ] as const) {
    if (window !== undefined) check.number(`options.${name}`, window, { integer: true, min: 3 });
  }
  for (const [name, degree] of [
    ["seasonalDegree", seasonalDegree],
    ["trendDegree", trendDegree],
  ] as const) {
    if (degree !== undefined) check.check(degree === 0 || degree === 1, `options.${name}`, "must be 0 or 1");
  }
  if (robust !== undefined) check.boolean("options.robust", robust);
  if (options.innerIterations !== undefined) {
    check.number("options.innerIterations", options.innerIterations, { integer: true, min: 1 });
  }
  if (options.outerIterations !== undefined) {
    check.number("options.outerIterations", options.outerIterations, { integer: true, min: 0 });
  }
  if (options.jump !== undefined) {
    check.check(options.jump === 1 || options.jump === "window/10", "options.jump", 'must be 1 or "window/10"');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key))
      check.fail(`options.${key}`, `is not a known option; known: ${[...KNOWN_OPTIONS].join(", ")}`);
  }
  check.done();
}

const nextOdd = (value: number): number => {
  const rounded = Math.round(value);
  return rounded % 2 === 0 ? rounded + 1 : rounded;
};

/**
 * Seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning 1990, "STL", J. Official
 * Statistics 6(1)), following the published algorithm and R's `stats::stl` defaults: an inner loop of cycle-subseries
 * loess smoothing, a low-pass filter (moving averages of period, period and 3, then a loess) that removes what leaks
 * into the seasonal from the trend, and a trend loess of the deseasonalised series; an outer loop of bisquare
 * robustness weights from the remainder (6 × median |remainder|). Complexity O(n · (n(s) + n(t) + n(l)) / jump) per
 * inner pass.
 *
 * @param values - The series; finite numbers, at least two full periods.
 * @param options - Period and windows.
 * @returns Seasonal, trend and remainder, each the series' length, and the robustness weights.
 * @throws {PelbiotValidationError} VALIDATION_ERROR naming each non-finite value (by index), a period that is not an
 *   integer ≥ 2, a series shorter than two periods, or a bad window, degree, iteration count or jump.
 * @example
 * ```ts
 * const { seasonal, trend, remainder } = stl(values, { period: 12, seasonalWindow: "periodic" });
 * ```
 */
export function stl(values: ArrayLike<number>, options: StlOptions): StlDecomposition {
  validate(values, options);
  const { period, seasonalWindow = "periodic", robust = true, jump = "window/10" } = options;
  const length = values.length;
  const periodic = seasonalWindow === "periodic";
  // R's "periodic": a seasonal span far longer than any subseries, degree 0, so each phase gets its (weighted) mean.
  const seasonalSpan = periodic ? 10 * length + 1 : nextOdd(Math.max(3, seasonalWindow));
  const seasonalDegree = options.seasonalDegree ?? (periodic ? 0 : 1);
  const trendSpan = nextOdd(Math.max(3, options.trendWindow ?? Math.ceil((1.5 * period) / (1 - 1.5 / seasonalSpan))));
  const trendDegree = options.trendDegree ?? 1;
  const lowPassSpan = nextOdd(Math.max(3, options.lowPassWindow ?? period));
  const innerIterations = options.innerIterations ?? (robust ? 1 : 2);
  const outerIterations = options.outerIterations ?? (robust ? 15 : 0);
  const jumpOf = (span: number): number => (jump === 1 ? 1 : Math.ceil(span / 10));

  const series = Float64Array.from(values);
  const seasonal = new Float64Array(length);
  const trend = new Float64Array(length);
  const weights = new Float64Array(length).fill(1);
  let useWeights = false;
  const scratch = new Scratch(length + 2 * period);
  for (let outer = 0; ; outer += 1) {
    for (let inner = 0; inner < innerIterations; inner += 1) {
      innerPass(series, period, useWeights, weights, seasonal, trend, scratch, {
        seasonalSpan,
        seasonalDegree,
        seasonalJump: jumpOf(seasonalSpan),
        trendSpan,
        trendDegree,
        trendJump: jumpOf(trendSpan),
        lowPassSpan,
        lowPassJump: jumpOf(lowPassSpan),
      });
    }
    if (outer >= outerIterations) break;
    robustnessWeights(series, seasonal, trend, weights);
    useWeights = true;
  }
  if (outerIterations <= 0) weights.fill(1);
  if (periodic) {
    // Smoothing leaves tiny differences between cycles; the periodic seasonal is exactly one repeated profile.
    const sums = new Float64Array(period);
    const counts = new Float64Array(period);
    for (let index = 0; index < length; index += 1) {
      sums[index % period] = (sums[index % period] as number) + (seasonal[index] as number);
      counts[index % period] = (counts[index % period] as number) + 1;
    }
    for (let index = 0; index < length; index += 1) {
      seasonal[index] = (sums[index % period] as number) / (counts[index % period] as number);
    }
  }
  const remainder = new Float64Array(length);
  for (let index = 0; index < length; index += 1) {
    remainder[index] = (series[index] as number) - (seasonal[index] as number) - (trend[index] as number);
  }
  return { seasonal, trend, remainder, weights };
}

interface Spans {
  readonly seasonalSpan: number;
  readonly seasonalDegree: number;
  readonly seasonalJump: number;
  readonly trendSpan: number;
  readonly trendDegree: number;
  readonly trendJump: number;
  readonly lowPassSpan: number;
  readonly lowPassJump: number;
}

/** Work arrays reused across passes (sized for the cycle-subseries output of length n + 2·period). */
class Scratch {
  readonly cycle: Float64Array;
  readonly lowPass: Float64Array;
  readonly average: Float64Array;
  readonly detrended: Float64Array;
  readonly subseries: Float64Array;
  readonly subseriesWeights: Float64Array;
  readonly smoothed: Float64Array;
  readonly kernel: Float64Array;

  constructor(size: number) {
    this.cycle = new Float64Array(size);
    this.lowPass = new Float64Array(size);
    this.average = new Float64Array(size);
    this.detrended = new Float64Array(size);
    this.subseries = new Float64Array(size);
    this.subseriesWeights = new Float64Array(size);
    this.smoothed = new Float64Array(size);
    this.kernel = new Float64Array(size);
  }
}

function innerPass(
  series: Float64Array,
  period: number,
  useWeights: boolean,
  weights: Float64Array,
  seasonal: Float64Array,
  trend: Float64Array,
  scratch: Scratch,
  spans: Spans,
): void {
  const length = series.length;
  const { cycle, lowPass, average, detrended, subseries, subseriesWeights, smoothed, kernel } = scratch;
  // Step 1: detrend.
  for (let index = 0; index < length; index += 1) {
    detrended[index] = (series[index] as number) - (trend[index] as number);
  }
  // Step 2: smooth each cycle-subseries, extended by one point at each end; cycle has n + 2·period points.
  for (let phase = 0; phase < period; phase += 1) {
    const count = Math.floor((length - 1 - phase) / period) + 1;
    for (let item = 0; item < count; item += 1) {
      subseries[item] = detrended[item * period + phase] as number;
      subseriesWeights[item] = weights[item * period + phase] as number;
    }
    const inner = smoothed.subarray(1, count + 1);
    loess(
      subseries,
      count,
      spans.seasonalSpan,
      spans.seasonalDegree,
      spans.seasonalJump,
      useWeights,
      subseriesWeights,
      inner,
      kernel,
    );
    const before = estimate(
      subseries,
      count,
      spans.seasonalSpan,
      spans.seasonalDegree,
      0,
      1,
      Math.min(spans.seasonalSpan, count),
      kernel,
      useWeights,
      subseriesWeights,
    );
    smoothed[0] = Number.isNaN(before) ? (smoothed[1] as number) : before;
    const after = estimate(
      subseries,
      count,
      spans.seasonalSpan,
      spans.seasonalDegree,
      count + 1,
      Math.max(1, count - spans.seasonalSpan + 1),
      count,
      kernel,
      useWeights,
      subseriesWeights,
    );
    smoothed[count + 1] = Number.isNaN(after) ? (smoothed[count] as number) : after;
    for (let item = 0; item < count + 2; item += 1) cycle[item * period + phase] = smoothed[item] as number;
  }
  // Step 3: low-pass filter of the cycle-subseries: moving averages of length period, period, 3, then a loess.
  const extended = length + 2 * period;
  movingAverage(cycle, extended, period, average);
  movingAverage(average, extended - period + 1, period, lowPass);
  movingAverage(lowPass, extended - 2 * period + 2, 3, average);
  loess(average, length, spans.lowPassSpan, spans.trendDegree, spans.lowPassJump, false, weights, lowPass, kernel);
  // Step 4: detrend the smoothed cycle-subseries; step 5: deseasonalise; step 6: smooth the trend.
  for (let index = 0; index < length; index += 1) {
    seasonal[index] = (cycle[period + index] as number) - (lowPass[index] as number);
    detrended[index] = (series[index] as number) - (seasonal[index] as number);
  }
  loess(detrended, length, spans.trendSpan, spans.trendDegree, spans.trendJump, useWeights, weights, trend, kernel);
}

/** Moving average of `span` points over `values[0 .. count)`, written to `output[0 .. count − span]`. */
function movingAverage(values: Float64Array, count: number, span: number, output: Float64Array): void {
  let sum = 0;
  for (let index = 0; index < span; index += 1) sum += values[index] as number;
  output[0] = sum / span;
  for (let index = span; index < count; index += 1) {
    sum += (values[index] as number) - (values[index - span] as number);
    output[index - span + 1] = sum / span;
  }
}

/**
 * Loess of `values[0 .. count)` at every point, evaluated every `jump` points with linear interpolation between, the
 * neighbourhood being the `span` nearest points (the whole series when `span ≥ count`). Points where every weight is
 * zero keep their value.
 */
function loess(
  values: Float64Array,
  count: number,
  span: number,
  degree: number,
  jump: number,
  useWeights: boolean,
  weights: Float64Array,
  output: Float64Array,
  kernel: Float64Array,
): void {
  if (count < 2) {
    output[0] = values[0] as number;
    return;
  }
  const step = Math.min(jump, count - 1);
  const half = (span + 1) >> 1;
  let left = 1;
  let right = Math.min(span, count);
  const fit = (position: number): void => {
    const result = estimate(values, count, span, degree, position, left, right, kernel, useWeights, weights);
    output[position - 1] = Number.isNaN(result) ? (values[position - 1] as number) : result;
  };
  // Positions are 1-based as in the published algorithm, so the window arithmetic reads the same.
  if (span >= count) {
    left = 1;
    right = count;
    for (let position = 1; position <= count; position += step) fit(position);
  } else if (step === 1) {
    for (let position = 1; position <= count; position += 1) {
      if (position > half && right !== count) {
        left += 1;
        right += 1;
      }
      fit(position);
    }
  } else {
    for (let position = 1; position <= count; position += step) {
      if (position < half) {
        left = 1;
        right = span;
      } else if (position >= count - half + 1) {
        left = count - span + 1;
        right = count;
      } else {
        left = position - half + 1;
        right = span + position - half;
      }
      fit(position);
    }
  }
  if (step === 1) return;
  for (let position = 1; position <= count - step; position += step) {
    const start = output[position - 1] as number;
    const slope = ((output[position + step - 1] as number) - start) / step;
    for (let offset = 1; offset < step; offset += 1) output[position + offset - 1] = start + slope * offset;
  }
  const last = Math.floor((count - 1) / step) * step + 1;
  if (last !== count) {
    fit(count);
    if (last !== count - 1) {
      const start = output[last - 1] as number;
      const slope = ((output[count - 1] as number) - start) / (count - last);
      for (let position = last + 1; position < count; position += 1) {
        output[position - 1] = start + slope * (position - last);
      }
    }
  }
}

/**
 * The loess estimate at 1-based `position` from the points `left .. right` (1-based, inclusive) with tricube
 * weights (times the robustness weights), locally constant or linear. `NaN` when every weight is zero.
 */
function estimate(
  values: Float64Array,
  count: number,
  span: number,
  degree: number,
  position: number,
  left: number,
  right: number,
  kernel: Float64Array,
  useWeights: boolean,
  weights: Float64Array,
): number {
  let bandwidth = Math.max(position - left, right - position);
  // A span longer than the series widens the kernel as if the missing neighbours were there (integer halving, as
  // in the published code).
  if (span > count) bandwidth += Math.floor((span - count) / 2);
  const upper = 0.999 * bandwidth;
  const lower = 0.001 * bandwidth;
  let total = 0;
  for (let point = left; point <= right; point += 1) {
    const distance = Math.abs(point - position);
    let weight = 0;
    if (distance <= upper) {
      // Tricube; products rather than ** keep this innermost loop cheap.
      const ratio = distance / bandwidth;
      const complement = 1 - ratio * ratio * ratio;
      weight = distance <= lower ? 1 : complement * complement * complement;
      if (useWeights) weight *= weights[point - 1] as number;
    }
    kernel[point - 1] = weight;
    total += weight;
  }
  if (!(total > 0)) return Number.NaN;
  for (let point = left; point <= right; point += 1) kernel[point - 1] = (kernel[point - 1] as number) / total;
  if (bandwidth > 0 && degree > 0) {
    let centre = 0;
    for (let point = left; point <= right; point += 1) centre += (kernel[point - 1] as number) * point;
    let spread = 0;
    for (let point = left; point <= right; point += 1) {
      const offset = point - centre;
      spread += (kernel[point - 1] as number) * offset * offset;
    }
    // A local line needs spread in the positions; otherwise the local mean stands.
    if (Math.sqrt(spread) > 0.001 * (count - 1)) {
      const slope = (position - centre) / spread;
      for (let point = left; point <= right; point += 1) {
        kernel[point - 1] = (kernel[point - 1] as number) * (slope * (point - centre) + 1);
      }
    }
  }
  let result = 0;
  for (let point = left; point <= right; point += 1)
    result += (kernel[point - 1] as number) * (values[point - 1] as number);
  return result;
}

/** Bisquare robustness weights of the remainder, scaled by 6 × its median absolute value. */
function robustnessWeights(
  series: Float64Array,
  seasonal: Float64Array,
  trend: Float64Array,
  weights: Float64Array,
): void {
  const length = series.length;
  const residuals = new Float64Array(length);
  for (let index = 0; index < length; index += 1) {
    residuals[index] = Math.abs((series[index] as number) - (seasonal[index] as number) - (trend[index] as number));
  }
  // 6 × the median (the mean of the two middle values for an even count), by quickselect on a copy.
  const cutoff = 6 * medianInPlace(Float64Array.from(residuals), length);
  for (let index = 0; index < length; index += 1) {
    const residual = residuals[index] as number;
    if (residual <= 0.001 * cutoff) weights[index] = 1;
    else if (residual <= 0.999 * cutoff) weights[index] = (1 - (residual / cutoff) ** 2) ** 2;
    else weights[index] = 0;
  }
}
