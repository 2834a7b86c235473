import { createValidator, type Validator } from "@pelbiot/core";
import { replacePathPrefix, withValidationContext } from "../internal/with-validation-context";
import { createFluidTypeScale, type FluidTypeScaleOptions } from "./fluid-type-scale";
import {
  DEFAULT_IMAGE_QUALITY,
  IMAGE_FORMAT_ORDER,
  type ImageFormat,
  planResponsiveImage,
} from "./plan-responsive-image";

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

/** Every option of {@link MobileUIOptimizerOptions}. */
export const MOBILE_UI_OPTIMIZER_OPTION_KEYS = ["typeScale", "dprCap", "imageQuality", "imageFormats"] as const;

/** Every option of {@link FluidTypeScaleOptions}. */
export const FLUID_TYPE_SCALE_OPTION_KEYS = [
  "minViewport",
  "maxViewport",
  "minFontSize",
  "maxFontSize",
  "minRatio",
  "maxRatio",
  "minStep",
  "maxStep",
  "rootFontSize",
] as const;

/** Every option of `ResponsiveImageOptions`, as `optimizeImage` accepts them. */
export const RESPONSIVE_IMAGE_OPTION_KEYS = [
  "src",
  "intrinsicWidth",
  "intrinsicHeight",
  "sizes",
  "dprCap",
  "viewport",
  "maxCandidates",
  "minStepRatio",
  "formats",
  "quality",
  "url",
] as const;

/** The optimizer's options with every default applied (`imageFormats` stays optional: the planner's default). */
export interface ResolvedMobileUIOptimizerOptions {
  readonly typeScale: Readonly<FluidTypeScaleOptions>;
  readonly dprCap: number;
  readonly imageQuality: Readonly<Partial<Record<ImageFormat, number>>>;
  readonly imageFormats: readonly ImageFormat[] | undefined;
}

/**
 * Validates the options of `new MobileUIOptimizer(options)` and applies the defaults. The type scale and image
 * settings are built once, so an invalid one fails here, not at first use.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted keys).
 * @example
 * ```ts
 * resolveMobileUIOptimizerOptions({ dprCap: 3 }).imageQuality; // { avif: 50, webp: 75, jpeg: 80 }
 * ```
 */
export function resolveMobileUIOptimizerOptions(options: unknown): ResolvedMobileUIOptimizerOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("MobileUIOptimizer constructor");
  if (!check.object("options", given)) check.done();
  const settings = given as MobileUIOptimizerOptions;
  check.knownKeys("options", given as Record<string, unknown>, MOBILE_UI_OPTIMIZER_OPTION_KEYS);
  const { typeScale = {}, dprCap = 2, imageQuality = DEFAULT_IMAGE_QUALITY, imageFormats } = settings;
  checkTypeScaleKeys(check, "options.typeScale", typeScale);
  check.number("options.dprCap", dprCap, { min: 1, max: 4 });
  if (check.object("options.imageQuality", imageQuality)) {
    check.knownKeys("options.imageQuality", imageQuality, IMAGE_FORMAT_ORDER);
  }
  if (imageFormats !== undefined) check.array("options.imageFormats", imageFormats, { minLength: 1 });
  check.done();
  const context = "MobileUIOptimizer constructor";
  withValidationContext(context, replacePathPrefix("options", "options.typeScale"), () =>
    createFluidTypeScale(typeScale),
  );
  const imagePath = (path: string) =>
    replacePathPrefix(
      "options.formats",
      "options.imageFormats",
    )(replacePathPrefix("options.quality", "options.imageQuality")(path));
  withValidationContext(context, imagePath, () =>
    planResponsiveImage({
      src: "probe",
      intrinsicWidth: 1,
      dprCap,
      quality: imageQuality,
      ...(imageFormats === undefined ? {} : { formats: imageFormats }),
    }),
  );
  return Object.freeze({
    typeScale: Object.freeze({ ...typeScale }),
    dprCap,
    imageQuality: Object.freeze({ ...imageQuality }),
    imageFormats: imageFormats === undefined ? undefined : Object.freeze([...imageFormats]),
  });
}

/**
 * Checks that type-scale options are an object of known keys.
 *
 * @param check - The validator of the call.
 * @param path - The options' path.
 * @param value - The options.
 * @returns Whether they passed.
 */
export function checkTypeScaleKeys(check: Validator, path: string, value: unknown): boolean {
  return check.object(path, value) && check.knownKeys(path, value, FLUID_TYPE_SCALE_OPTION_KEYS);
}
