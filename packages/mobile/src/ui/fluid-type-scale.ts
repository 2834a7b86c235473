import { createValidator } from "@pelbiot/core";

/** Options of {@link createFluidTypeScale}. Defaults are Utopia's: 18 px × 1.2 at 320 px up to 20 px × 1.25 at 1240 px. */
export interface FluidTypeScaleOptions {
  /** Viewport width (CSS px) where the scale is smallest. @default 320 */
  minViewport?: number;
  /** Viewport width (CSS px) where the scale is largest. @default 1240 */
  maxViewport?: number;
  /** Step-0 font size (px) at `minViewport`. @default 18 */
  minFontSize?: number;
  /** Step-0 font size (px) at `maxViewport`. @default 20 */
  maxFontSize?: number;
  /** Ratio between neighbouring steps at `minViewport` (1.2 = minor third). @default 1.2 */
  minRatio?: number;
  /** Ratio between neighbouring steps at `maxViewport` (1.25 = major third). @default 1.25 */
  maxRatio?: number;
  /** Smallest step (e.g. -2 for captions). @default -2 */
  minStep?: number;
  /** Largest step (e.g. 5 for a display heading). @default 5 */
  maxStep?: number;
  /** Pixels per rem the sizes are expressed against. @default 16 */
  rootFontSize?: number;
}

/** One step of the scale. */
export interface FluidTypeStep {
  /** Step number; 0 is body text. */
  readonly step: number;
  /** Size (px) at the smaller end, after any flattening. */
  readonly minPx: number;
  /** Size (px) at the larger end, after any flattening. */
  readonly maxPx: number;
  /** The CSS value: `clamp(<min>rem, <intercept>rem + <slope>vw, <max>rem)`. */
  readonly clamp: string;
  /**
   * The smallest text enlargement this step reaches at 500% browser zoom over all window widths
   * (≥ 2 passes WCAG 1.4.4, which asks for 200%).
   */
  readonly zoomScale: number;
  /** Whether the step was flattened (its larger size lowered) to pass WCAG 1.4.4. */
  readonly flattened: boolean;
}

/** The result of {@link createFluidTypeScale}. */
export interface FluidTypeScale {
  /** Steps from `minStep` to `maxStep`. */
  readonly steps: readonly FluidTypeStep[];
  /** One message per flattened step, naming the step and the enlargement it had. */
  readonly warnings: readonly string[];
  /** Custom properties ready for a stylesheet: `--step-0: clamp(…);` one per line. */
  readonly css: string;
}

/** WCAG 1.4.4 asks for 200% text; browsers zoom up to 500%. */
const REQUIRED_SCALE = 2;
const MAX_ZOOM = 5;

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

/** The rendered size (px, relative to 100% zoom) of a clamp() at a zoom level in a window `width` px wide at 100%. */
function renderedSize(low: number, intercept: number, slope: number, high: number, width: number, zoom: number) {
  // Zoom enlarges px and rem by `zoom` but shrinks the viewport (in CSS px) by the same factor, so vw does not grow.
  const cssSize = Math.min(high, Math.max(low, intercept + (slope * width) / zoom));
  return cssSize * zoom;
}

/**
 * The worst text enlargement at 500% zoom over all window widths. Both sides are piecewise linear in the width,
 * so their ratio is extreme at a breakpoint: the two viewport bounds at 100% and at 500% zoom.
 */
function worstZoomScale(low: number, intercept: number, slope: number, high: number, viewports: readonly number[]) {
  let worst = Number.POSITIVE_INFINITY;
  for (const width of viewports) {
    const base = renderedSize(low, intercept, slope, high, width, 1);
    const zoomed = renderedSize(low, intercept, slope, high, width, MAX_ZOOM);
    worst = Math.min(worst, zoomed / base);
  }
  return worst;
}

/**
 * Builds a fluid type scale in the style of Utopia: each step is a `clamp()` in rem that grows linearly with the
 * viewport between two sizes, with its own ratio at each end. Because the `vw` part does not grow with browser
 * zoom, a step whose largest size exceeds 2.5× its smallest cannot reach 200% text at 500% zoom (WCAG 1.4.4);
 * such a step is flattened (its largest size lowered to what passes) and a warning is returned.
 *
 * @param options - Viewport range, sizes, ratios and steps; see {@link FluidTypeScaleOptions}.
 * @returns The steps, warnings and CSS custom properties.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid option.
 * @example
 * ```ts
 * createFluidTypeScale().steps.find((step) => step.step === 0)?.clamp;
 * // "clamp(1.125rem, 1.0815rem + 0.2174vw, 1.25rem)"
 * ```
 */
export function createFluidTypeScale(options: FluidTypeScaleOptions = {}): FluidTypeScale {
  const check = createValidator("createFluidTypeScale");
  if (!check.object("options", options)) check.done();
  const {
    minViewport = 320,
    maxViewport = 1240,
    minFontSize = 18,
    maxFontSize = 20,
    minRatio = 1.2,
    maxRatio = 1.25,
    minStep = -2,
    maxStep = 5,
    rootFontSize = 16,
  } = options;
  const viewportsOk =
    check.number("options.minViewport", minViewport, { positive: true, max: 100_000 }) &&
    check.number("options.maxViewport", maxViewport, { positive: true, max: 100_000 });
  if (viewportsOk) check.check(maxViewport > minViewport, "options.maxViewport", "must be greater than minViewport");
  check.number("options.minFontSize", minFontSize, { positive: true, max: 1000 });
  check.number("options.maxFontSize", maxFontSize, { positive: true, max: 1000 });
  check.number("options.minRatio", minRatio, { min: 1, max: 4 });
  check.number("options.maxRatio", maxRatio, { min: 1, max: 4 });
  const stepsOk =
    check.number("options.minStep", minStep, { integer: true, min: -10, max: 20 }) &&
    check.number("options.maxStep", maxStep, { integer: true, min: -10, max: 20 });
  if (stepsOk) check.check(maxStep >= minStep, "options.maxStep", "must be at least minStep");
  check.number("options.rootFontSize", rootFontSize, { positive: true, max: 1000 });
  check.done();

  const breakpoints = [minViewport, maxViewport, minViewport * MAX_ZOOM, maxViewport * MAX_ZOOM];
  const steps: FluidTypeStep[] = [];
  const warnings: string[] = [];
  for (let step = minStep; step <= maxStep; step++) {
    const atMin = minFontSize * minRatio ** step;
    const atMax = maxFontSize * maxRatio ** step;
    let low = Math.min(atMin, atMax);
    let high = Math.max(atMin, atMax);
    let slope = (atMax - atMin) / (maxViewport - minViewport);
    let intercept = atMin - slope * minViewport;
    let zoomScale = worstZoomScale(low, intercept, slope, high, breakpoints);
    const flattened = zoomScale < REQUIRED_SCALE;
    if (flattened) {
      warnings.push(
        `Step ${step} reaches only ${round(zoomScale * 100)}% text at 500% zoom (WCAG 1.4.4 needs 200%); ` +
          `its largest size was lowered from ${round(high)}px to ${round(low * 2.5)}px.`,
      );
      // With high ≤ 2.5 × low the zoomed size (≥ 5 × low) always reaches twice the unzoomed one (≤ 2.5 × low).
      const end = atMax >= atMin ? low * 2.5 : low;
      const start = atMax >= atMin ? low : low * 2.5;
      high = low * 2.5;
      slope = (end - start) / (maxViewport - minViewport);
      intercept = start - slope * minViewport;
      zoomScale = worstZoomScale(low, intercept, slope, high, breakpoints);
      low = Math.min(start, end);
    }
    const interceptRem = round(intercept / rootFontSize);
    const slopeVw = round(slope * 100);
    const preferred = slopeVw < 0 ? `${interceptRem}rem - ${-slopeVw}vw` : `${interceptRem}rem + ${slopeVw}vw`;
    steps.push({
      step,
      minPx: round(low),
      maxPx: round(high),
      clamp: `clamp(${round(low / rootFontSize)}rem, ${preferred}, ${round(high / rootFontSize)}rem)`,
      zoomScale: round(zoomScale),
      flattened,
    });
  }
  const css = steps.map((step) => `--step-${step.step}: ${step.clamp};`).join("\n");
  return { steps, warnings, css };
}
