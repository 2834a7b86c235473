import { createValidator } from "@pelbiot/core";
import { createFluidTypeScale, type FluidTypeScale, type FluidTypeScaleOptions } from "./fluid-type-scale";
import {
  DEFAULT_IMAGE_QUALITY,
  type ImageFormat,
  planResponsiveImage,
  type ResponsiveImageOptions,
  type ResponsiveImagePlan,
} from "./plan-responsive-image";
import {
  getHeightSizeClass,
  getResponsiveLayout,
  getWidthSizeClass,
  type HeightSizeClass,
  type ResponsiveLayout,
  type WidthSizeClass,
} from "./window-size-class";

/** Options of {@link MobileUIOptimizer}: app-wide defaults that each call may override. */
export interface MobileUIOptimizerOptions {
  /** Defaults of the fluid type scale (viewport range, sizes, ratios, steps). @default Utopia's defaults */
  typeScale?: FluidTypeScaleOptions;
  /** Highest device pixel ratio images are served for. @default 2 */
  dprCap?: number;
  /** Encoder quality per image format. @default { avif: 50, webp: 75, jpeg: 80 } */
  imageQuality?: Partial<Record<ImageFormat, number>>;
  /** Image formats offered. @default ["avif", "webp", "jpeg"] */
  imageFormats?: readonly ImageFormat[];
}

/**
 * Responsive layout, typography and image decisions for a mobile or web UI, from Material 3's window size classes,
 * a Utopia-style fluid type scale checked against WCAG 1.4.4, and `<picture>` plans with AVIF → WebP → JPEG.
 * Pure computation: safe in React Native, a browser or Node.
 *
 * @example
 * ```ts
 * const ui = new MobileUIOptimizer();
 * ui.getLayout(412, 915).navigation; // "navigation-bar"
 * ui.getTypographyScale().steps[2]?.clamp; // "clamp(1.125rem, …)"
 * ui.optimizeImage({ src: "/hero.jpg", intrinsicWidth: 2400 }).sources[0]?.type; // "image/avif"
 * ```
 */
export class MobileUIOptimizer {
  readonly #typeScale: FluidTypeScaleOptions;
  readonly #dprCap: number;
  readonly #imageQuality: Partial<Record<ImageFormat, number>>;
  readonly #imageFormats: readonly ImageFormat[] | undefined;

  /**
   * @param options - See {@link MobileUIOptimizerOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid option.
   */
  constructor(options: MobileUIOptimizerOptions = {}) {
    const check = createValidator("MobileUIOptimizer");
    if (!check.object("options", options)) check.done();
    const { typeScale = {}, dprCap = 2, imageQuality = DEFAULT_IMAGE_QUALITY, imageFormats } = options;
    check.object("options.typeScale", typeScale);
    check.number("options.dprCap", dprCap, { min: 1, max: 4 });
    check.object("options.imageQuality", imageQuality);
    if (imageFormats !== undefined) check.array("options.imageFormats", imageFormats, { minLength: 1 });
    check.done();
    // Build once with the defaults so an invalid type scale or image setting fails here, not at first use.
    createFluidTypeScale(typeScale);
    planResponsiveImage({
      src: "probe",
      intrinsicWidth: 1,
      dprCap,
      quality: imageQuality,
      ...(imageFormats === undefined ? {} : { formats: imageFormats }),
    });
    this.#typeScale = { ...typeScale };
    this.#dprCap = dprCap;
    this.#imageQuality = { ...imageQuality };
    this.#imageFormats = imageFormats === undefined ? undefined : [...imageFormats];
  }

  /**
   * The Material 3 window size classes of a window.
   *
   * @param width - Window width in dp (CSS px).
   * @param height - Window height in dp; omitted → only the width class is meaningful and height is `"expanded"`.
   * @returns `{ width, height }` classes.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for negative or non-finite sizes.
   * @example
   * ```ts
   * ui.getWindowSizeClass(1300, 800); // { width: "large", height: "medium" }
   * ```
   */
  getWindowSizeClass(width: number, height?: number): { width: WidthSizeClass; height: HeightSizeClass } {
    return {
      width: getWidthSizeClass(width),
      height: height === undefined ? "expanded" : getHeightSizeClass(height),
    };
  }

  /**
   * The responsive layout of a window: size classes, grid columns, margins, gutters, panes and navigation.
   *
   * @param width - Window width in dp (CSS px).
   * @param height - Window height in dp.
   * @returns The layout.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for negative or non-finite sizes.
   * @example
   * ```ts
   * ui.getLayout(900, 1200); // { widthClass: "expanded", columns: 12, maxPanes: 2, navigation: "navigation-rail", … }
   * ```
   */
  getLayout(width: number, height?: number): ResponsiveLayout {
    return height === undefined ? getResponsiveLayout(width) : getResponsiveLayout(width, height);
  }

  /**
   * The fluid type scale (Utopia-style `clamp()` per step), flattened where WCAG 1.4.4 would fail.
   *
   * @param overrides - Per-call changes to the constructor's type-scale options.
   * @returns Steps, warnings and CSS custom properties.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid options.
   * @example
   * ```ts
   * ui.getTypographyScale({ maxStep: 6 }).css; // "--step--2: clamp(…);\n…"
   * ```
   */
  getTypographyScale(overrides: FluidTypeScaleOptions = {}): FluidTypeScale {
    const check = createValidator("MobileUIOptimizer.getTypographyScale");
    check.object("overrides", overrides);
    check.done();
    return createFluidTypeScale({ ...this.#typeScale, ...overrides });
  }

  /**
   * A responsive image plan: `srcset` widths from the `sizes` layout capped at the DPR limit, and AVIF → WebP → JPEG
   * sources with a quality per format.
   *
   * @param options - The image and its layout; `dprCap`, `quality` and `formats` default to the constructor's.
   * @returns The `<picture>` plan.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid options.
   * @example
   * ```ts
   * ui.optimizeImage({ src: "/a.jpg", intrinsicWidth: 1600, sizes: [{ minWidth: 600, slot: "50vw" }, { slot: "100vw" }] });
   * ```
   */
  optimizeImage(options: ResponsiveImageOptions): ResponsiveImagePlan {
    const check = createValidator("MobileUIOptimizer.optimizeImage");
    if (!check.object("options", options)) check.done();
    return planResponsiveImage({
      dprCap: this.#dprCap,
      ...(this.#imageFormats === undefined ? {} : { formats: this.#imageFormats }),
      ...options,
      quality: { ...this.#imageQuality, ...options.quality },
    });
  }
}
