import { createValidator } from "@pelbiot/core";
import { replacePathPrefix, samePath, withValidationContext } from "../internal/with-validation-context";
import { createFluidTypeScale, type FluidTypeScale, type FluidTypeScaleOptions } from "./fluid-type-scale";
import {
  checkTypeScaleKeys,
  type MobileUIOptimizerOptions,
  RESPONSIVE_IMAGE_OPTION_KEYS,
  type ResolvedMobileUIOptimizerOptions,
  resolveMobileUIOptimizerOptions,
} from "./mobile-ui-optimizer-options";
import { planResponsiveImage, type ResponsiveImageOptions, type ResponsiveImagePlan } from "./plan-responsive-image";
import {
  getHeightSizeClass,
  getResponsiveLayout,
  getWidthSizeClass,
  type HeightSizeClass,
  type ResponsiveLayout,
  type WidthSizeClass,
} from "./window-size-class";

export type { MobileUIOptimizerOptions } from "./mobile-ui-optimizer-options";

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
  readonly #options: ResolvedMobileUIOptimizerOptions;

  /**
   * @param options - See {@link MobileUIOptimizerOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option.
   */
  constructor(options: MobileUIOptimizerOptions = {}) {
    this.#options = resolveMobileUIOptimizerOptions(options);
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
  getWindowSizeClass(
    width: number,
    height?: number,
  ): {
    /** The width's size class. */
    width: WidthSizeClass;
    /** The height's size class (`expanded` when no height was given). */
    height: HeightSizeClass;
  } {
    return withValidationContext("MobileUIOptimizer.getWindowSizeClass", samePath, () => ({
      width: getWidthSizeClass(width),
      height: height === undefined ? "expanded" : getHeightSizeClass(height),
    }));
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
    return withValidationContext("MobileUIOptimizer.getLayout", samePath, () =>
      height === undefined ? getResponsiveLayout(width) : getResponsiveLayout(width, height),
    );
  }

  /**
   * The fluid type scale (Utopia-style `clamp()` per step), flattened where WCAG 1.4.4 would fail.
   *
   * @param overrides - Per-call changes to the constructor's type-scale options.
   * @returns Steps, warnings and CSS custom properties.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid or unknown options.
   * @example
   * ```ts
   * ui.getTypographyScale({ maxStep: 6 }).css; // "--step--2: clamp(…);\n…"
   * ```
   */
  getTypographyScale(overrides: FluidTypeScaleOptions = {}): FluidTypeScale {
    const check = createValidator("MobileUIOptimizer.getTypographyScale");
    checkTypeScaleKeys(check, "overrides", overrides);
    check.done();
    return withValidationContext(
      "MobileUIOptimizer.getTypographyScale",
      replacePathPrefix("options", "overrides"),
      () => createFluidTypeScale({ ...this.#options.typeScale, ...overrides }),
    );
  }

  /**
   * A responsive image plan: `srcset` widths from the `sizes` layout capped at the DPR limit, and AVIF → WebP → JPEG
   * sources with a quality per format.
   *
   * @param options - The image and its layout; `dprCap`, `quality` and `formats` default to the constructor's.
   * @returns The `<picture>` plan.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid or unknown options.
   * @example
   * ```ts
   * ui.optimizeImage({ src: "/a.jpg", intrinsicWidth: 1600, sizes: [{ minWidth: 600, slot: "50vw" }, { slot: "100vw" }] });
   * ```
   */
  optimizeImage(options: ResponsiveImageOptions): ResponsiveImagePlan {
    const check = createValidator("MobileUIOptimizer.optimizeImage");
    if (check.object("options", options)) check.knownKeys("options", options, RESPONSIVE_IMAGE_OPTION_KEYS);
    check.done();
    const { dprCap, imageFormats, imageQuality } = this.#options;
    return withValidationContext("MobileUIOptimizer.optimizeImage", samePath, () =>
      planResponsiveImage({
        dprCap,
        ...(imageFormats === undefined ? {} : { formats: imageFormats }),
        ...options,
        quality: { ...imageQuality, ...options.quality },
      }),
    );
  }
}
