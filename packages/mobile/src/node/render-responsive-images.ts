import { createValidator, PelbiotError, toPelbiotError } from "@pelbiot/core";
import type { ImageFormat, ResponsiveImagePlan } from "../ui/plan-responsive-image";

/** The part of a sharp pipeline this module drives (sharp ≥ 0.33); typed here so consumers need not install sharp's types. */
export interface SharpPipeline {
  /** Scales to `width` pixels, keeping the aspect ratio, never larger than the source when `withoutEnlargement`. */
  resize(options: { width: number; withoutEnlargement: boolean }): SharpPipeline;
  /** Encodes as AVIF at `quality` (1–100). */
  avif(options: { quality: number }): SharpPipeline;
  /** Encodes as WebP at `quality` (1–100). */
  webp(options: { quality: number }): SharpPipeline;
  /** Encodes as JPEG at `quality` (1–100), with mozjpeg's encoder when `mozjpeg`. */
  jpeg(options: { quality: number; mozjpeg: boolean }): SharpPipeline;
  /** Rotates upright from the EXIF orientation. */
  rotate(): SharpPipeline;
  /** Runs the pipeline and resolves with the encoded bytes and their dimensions. */
  toBuffer(options: { resolveWithObject: true }): Promise<{
    /** The encoded image. */
    data: Uint8Array;
    /** What was written. */
    info: {
      /** Width in pixels. */
      width: number;
      /** Height in pixels. */
      height: number;
      /** Size in bytes. */
      size: number;
    };
  }>;
}

/** The `sharp` module's default export: a function from an input image to a pipeline. */
export type SharpModule = (input: Uint8Array | string) => SharpPipeline;

/** Options for {@link renderResponsiveImages}. */
export interface RenderResponsiveImagesOptions {
  /** The `sharp` module. @default the installed `sharp` package, loaded on first use */
  sharp?: SharpModule;
}

/** One encoded rendition of the source image. */
export interface RenderedImage {
  /** Encoding. */
  readonly format: ImageFormat;
  /** MIME type. */
  readonly contentType: string;
  /** Width in pixels, as planned (never larger than the source). */
  readonly width: number;
  /** Height in pixels, keeping the aspect ratio. */
  readonly height: number;
  /** Encoder quality used. */
  readonly quality: number;
  /** The encoded bytes. */
  readonly bytes: Uint8Array;
}

const CONTENT_TYPES: Readonly<Record<ImageFormat, string>> = {
  avif: "image/avif",
  webp: "image/webp",
  jpeg: "image/jpeg",
};

/**
 * Encodes every rendition a {@link ResponsiveImagePlan} asks for, in every planned format and width, with `sharp`
 * (an optional peer dependency: install it where you render, typically a build step or an image service). The image is
 * auto-rotated from its EXIF orientation and never enlarged.
 *
 * @param input - The source image: bytes or a file path.
 * @param plan - A plan from `MobileUIOptimizer.optimizeImage()` or `planResponsiveImage()`.
 * @param options - The `sharp` module, when it should not be loaded from `node_modules`.
 * @returns One rendition per (format, width), in the plan's format order and ascending width.
 * @throws {PelbiotError} UNSUPPORTED when sharp is not installed; VALIDATION_ERROR for a malformed plan;
 * PROVIDER_ERROR when sharp cannot decode or encode the image.
 * @example
 * ```ts
 * const plan = new MobileUIOptimizer().optimizeImage({ src: "/hero.jpg", intrinsicWidth: 2400, sizes: [{ slot: "100vw" }] });
 * for (const image of await renderResponsiveImages("hero.jpg", plan)) {
 *   await writeFile(`out/hero-${image.width}.${image.format}`, image.bytes);
 * }
 * ```
 */
export async function renderResponsiveImages(
  input: Uint8Array | string,
  plan: ResponsiveImagePlan,
  options: RenderResponsiveImagesOptions = {},
): Promise<RenderedImage[]> {
  const check = createValidator("renderResponsiveImages");
  check.check(
    input instanceof Uint8Array || (typeof input === "string" && input.length > 0),
    "input",
    "must be image bytes (Uint8Array or Buffer) or a file path",
  );
  if (check.object("plan", plan)) {
    if (check.array("plan.widths", plan.widths, { minLength: 1 })) {
      plan.widths.forEach((width, index) => {
        check.number(`plan.widths.${index}`, width, { integer: true, positive: true });
      });
    }
    check.array("plan.sources", plan.sources);
    if (check.object("plan.img", plan.img)) {
      check.number("plan.img.quality", plan.img.quality, { integer: true, min: 1, max: 100 });
    }
  }
  if (check.object("options", options) && options.sharp !== undefined) check.fn("options.sharp", options.sharp);
  check.done();
  const sharp = options.sharp ?? (await loadSharp());

  // The <picture> sources, then the JPEG fallback the <img> carries.
  const encodings = new Map<ImageFormat, number>();
  for (const source of plan.sources) encodings.set(source.format, source.quality);
  encodings.set("jpeg", plan.img.quality);

  const renditions: RenderedImage[] = [];
  for (const [format, quality] of encodings) {
    for (const width of [...plan.widths].sort((left, right) => left - right)) {
      try {
        const pipeline = sharp(input).rotate().resize({ width, withoutEnlargement: true });
        const encoded =
          format === "avif"
            ? pipeline.avif({ quality })
            : format === "webp"
              ? pipeline.webp({ quality })
              : pipeline.jpeg({ quality, mozjpeg: true });
        const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
        renditions.push({
          format,
          contentType: CONTENT_TYPES[format],
          width: info.width,
          height: info.height,
          quality,
          bytes: data,
        });
      } catch (error) {
        throw toPelbiotError(error, "PROVIDER_ERROR");
      }
    }
  }
  return renditions;
}

async function loadSharp(): Promise<SharpModule> {
  try {
    const module = (await import("sharp")) as { default?: SharpModule };
    if (typeof module.default === "function") return module.default;
  } catch (error) {
    throw new PelbiotError(
      "UNSUPPORTED",
      "renderResponsiveImages needs the optional peer dependency sharp: run `npm install sharp`, or pass options.sharp",
      { cause: error },
    );
  }
  throw new PelbiotError("UNSUPPORTED", "The installed sharp module has no default export; pass options.sharp");
}
