import { createValidator, describeType } from "@pelbiot/core";

/** Image formats, best compression first. */
export type ImageFormat = "avif" | "webp" | "jpeg";

/** The order formats are offered in: the browser takes the first `<source>` it can decode. */
export const IMAGE_FORMAT_ORDER: readonly ImageFormat[] = Object.freeze(["avif", "webp", "jpeg"]);

/**
 * Default encoder quality per format (0–100): the defaults of the `sharp` encoders for AVIF (50) and JPEG (80) and of
 * `cwebp` for WebP (75). AVIF needs a lower number for the same perceived quality.
 */
export const DEFAULT_IMAGE_QUALITY: Readonly<Record<ImageFormat, number>> = Object.freeze({
  avif: 50,
  webp: 75,
  jpeg: 80,
});

/**
 * One rule of the `sizes` layout: from `minWidth` (CSS px) up, the image slot is `slot` wide. `slot` is a number of
 * px, `"<n>px"`, `"<n>vw"` or `"calc(<n>vw ± <n>px)"`.
 */
export interface ImageSizeRule {
  /** Viewport width (CSS px) from which the rule applies; omitted for the base rule. @default 0 */
  minWidth?: number;
  /** Slot width: px number, `"640px"`, `"50vw"` or `"calc(100vw - 32px)"`. */
  slot: number | string;
}

/** Builds the URL of one rendition. */
export type ImageUrlBuilder = (rendition: { width: number; format: ImageFormat; quality: number }) => string;

/** Options of {@link planResponsiveImage}. */
export interface ResponsiveImageOptions {
  /** Source URL; renditions get `w`, `fm` and `q` query parameters unless `url` is given. */
  src: string;
  /** Width (px) of the original; no rendition is wider (never upscale). */
  intrinsicWidth: number;
  /** Height (px) of the original, used for the `height` attribute that reserves layout space. */
  intrinsicHeight?: number;
  /** The layout of the image slot: one base rule without `minWidth`, plus one per breakpoint. @default [{ slot: "100vw" }] */
  sizes?: readonly ImageSizeRule[];
  /** Highest device pixel ratio served; denser screens get this one (3× costs ~2.25× the bytes of 2× for little visible gain). @default 2 */
  dprCap?: number;
  /** Viewport widths (CSS px) considered. @default { min: 320, max: 1920 } */
  viewport?: {
    /** The narrowest viewport, in CSS pixels. */
    min: number;
    /** The widest viewport, in CSS pixels. */
    max: number;
  };
  /** Most `srcset` candidates per format. @default 8 */
  maxCandidates?: number;
  /** Smallest width ratio between neighbouring candidates; closer ones are merged. @default 1.2 */
  minStepRatio?: number;
  /** Formats to offer, in any order (output is always AVIF → WebP → JPEG); JPEG is always the fallback. @default all */
  formats?: readonly ImageFormat[];
  /** Quality per format. @default DEFAULT_IMAGE_QUALITY */
  quality?: Partial<Record<ImageFormat, number>>;
  /** Custom rendition URL builder (for a CDN's own parameters). */
  url?: ImageUrlBuilder;
}

/** One `<source>` (or the `<img>` fallback). */
export interface ImageSource {
  /** The encoding. */
  readonly format: ImageFormat;
  /** MIME type for the `type` attribute. */
  readonly type: string;
  /** Encoder quality (1–100) the rendition URLs ask for. */
  readonly quality: number;
  /** The `srcset` attribute: one `<url> <width>w` per planned width. */
  readonly srcset: string;
}

/** The result of {@link planResponsiveImage}: everything a `<picture>` needs. */
export interface ResponsiveImagePlan {
  /** The `sizes` attribute, most specific media condition first. */
  readonly sizes: string;
  /** Candidate widths (px), ascending and unique. */
  readonly widths: readonly number[];
  /** `<source>` elements in AVIF → WebP order (JPEG is the `img`). */
  readonly sources: readonly ImageSource[];
  /** The `<img>` attributes: JPEG fallback `src` (the largest-but-one candidate), `srcset`, `sizes`, dimensions. */
  readonly img: {
    /** URL of the JPEG fallback (the largest-but-one candidate). */
    readonly src: string;
    /** The JPEG candidates, `url 480w, …`. */
    readonly srcset: string;
    /** The `sizes` attribute. */
    readonly sizes: string;
    /** The image's intrinsic width in pixels, to reserve its space. */
    readonly width: number;
    /** The intrinsic height in pixels, when given. */
    readonly height?: number;
    /** Encoder quality of the JPEG renditions. */
    readonly quality: number;
  };
}

interface Slot {
  readonly vw: number;
  readonly px: number;
}

const SLOT_PATTERNS: readonly [RegExp, (match: RegExpExecArray) => Slot][] = [
  [/^(\d+(?:\.\d+)?)px$/, (match) => ({ vw: 0, px: Number(match[1]) })],
  [/^(\d+(?:\.\d+)?)vw$/, (match) => ({ vw: Number(match[1]), px: 0 })],
  [
    /^calc\(\s*(\d+(?:\.\d+)?)vw\s*([+-])\s*(\d+(?:\.\d+)?)px\s*\)$/,
    (match) => ({ vw: Number(match[1]), px: (match[2] === "-" ? -1 : 1) * Number(match[3]) }),
  ],
];

function parseSlot(slot: unknown): Slot | undefined {
  if (typeof slot === "number") return Number.isFinite(slot) && slot > 0 ? { vw: 0, px: slot } : undefined;
  if (typeof slot !== "string") return undefined;
  for (const [pattern, build] of SLOT_PATTERNS) {
    const match = pattern.exec(slot.trim());
    if (match) return build(match);
  }
  return undefined;
}

const formatSlot = (slot: Slot): string =>
  slot.vw === 0
    ? `${slot.px}px`
    : slot.px === 0
      ? `${slot.vw}vw`
      : `calc(${slot.vw}vw ${slot.px < 0 ? "-" : "+"} ${Math.abs(slot.px)}px)`;

const slotWidth = (slot: Slot, viewport: number): number => Math.max(1, (slot.vw * viewport) / 100 + slot.px);

const defaultUrl =
  (src: string): ImageUrlBuilder =>
  ({ width, format, quality }) =>
    `${src}${src.includes("?") ? "&" : "?"}w=${width}&fm=${format}&q=${quality}`;

/**
 * Plans a responsive `<picture>`: `srcset` widths derived from the `sizes` layout (the slot width at each layout
 * breakpoint times each device pixel ratio up to `dprCap`, gaps filled geometrically, neighbours closer than
 * `minStepRatio` merged, at most `maxCandidates`, never wider than the original), and one source per format in the
 * order AVIF → WebP → JPEG with a quality per format.
 *
 * @param options - See {@link ResponsiveImageOptions}.
 * @returns The plan.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid option.
 * @example
 * ```ts
 * const plan = planResponsiveImage({
 *   src: "/img/hero.jpg", intrinsicWidth: 2400,
 *   sizes: [{ minWidth: 840, slot: "50vw" }, { slot: "calc(100vw - 32px)" }],
 * });
 * plan.sources[0]?.type; // "image/avif"
 * ```
 */
export function planResponsiveImage(options: ResponsiveImageOptions): ResponsiveImagePlan {
  const check = createValidator("planResponsiveImage");
  if (!check.object("options", options)) check.done();
  const {
    src,
    intrinsicWidth,
    intrinsicHeight,
    sizes = [{ slot: "100vw" }],
    dprCap = 2,
    viewport = { min: 320, max: 1920 },
    maxCandidates = 8,
    minStepRatio = 1.2,
    formats = IMAGE_FORMAT_ORDER,
    quality = {},
    url,
  } = options;
  check.string("options.src", src, { maxLength: 4096 });
  check.number("options.intrinsicWidth", intrinsicWidth, { integer: true, positive: true, max: 100_000 });
  if (intrinsicHeight !== undefined) {
    check.number("options.intrinsicHeight", intrinsicHeight, { integer: true, positive: true, max: 100_000 });
  }
  check.number("options.dprCap", dprCap, { min: 1, max: 4 });
  check.number("options.maxCandidates", maxCandidates, { integer: true, min: 1, max: 32 });
  check.number("options.minStepRatio", minStepRatio, { min: 1.05, max: 4 });
  if (check.object("options.viewport", viewport)) {
    const ok =
      check.number("options.viewport.min", viewport.min, { positive: true, max: 100_000 }) &&
      check.number("options.viewport.max", viewport.max, { positive: true, max: 100_000 });
    if (ok) check.check(viewport.max >= viewport.min, "options.viewport.max", "must be at least viewport.min");
  }
  if (url !== undefined) check.fn("options.url", url);
  const rules: { minWidth: number; slot: Slot }[] = [];
  if (check.array("options.sizes", sizes, { minLength: 1, maxLength: 20 })) {
    sizes.forEach((rule, index) => {
      const path = `options.sizes.${index}`;
      if (!check.object(path, rule)) return;
      const { minWidth = 0 } = rule;
      const slot = parseSlot(rule.slot);
      if (slot === undefined) {
        check.fail(
          `${path}.slot`,
          `must be a positive px number, "640px", "50vw" or "calc(100vw - 32px)", got ${describeType(rule.slot)}`,
        );
      }
      if (check.number(`${path}.minWidth`, minWidth, { min: 0, max: 100_000 }) && slot) rules.push({ minWidth, slot });
    });
  }
  const offered: ImageFormat[] = [];
  if (check.array("options.formats", formats, { minLength: 1 })) {
    formats.forEach((format, index) => {
      if (check.oneOf(`options.formats.${index}`, format, IMAGE_FORMAT_ORDER)) offered.push(format);
    });
  }
  if (check.object("options.quality", quality)) {
    for (const [format, value] of Object.entries(quality)) {
      if (check.oneOf(`options.quality.${format}`, format, IMAGE_FORMAT_ORDER)) {
        check.number(`options.quality.${format}`, value, { integer: true, min: 1, max: 100 });
      }
    }
  }
  const minWidths = rules.map((rule) => rule.minWidth);
  if (rules.length > 0) {
    check.check(new Set(minWidths).size === minWidths.length, "options.sizes", "must not repeat a minWidth");
    // Without a base rule a browser falls back to 100vw below the smallest breakpoint, which the plan would not cover.
    check.check(minWidths.includes(0), "options.sizes", "must include a base rule without minWidth (or minWidth 0)");
  }
  check.done();

  // The browser takes the first matching media condition, so the widest minWidth must come first.
  rules.sort((left, right) => right.minWidth - left.minWidth);
  const sizesAttribute = rules
    .map((rule) =>
      rule.minWidth > 0 ? `(min-width: ${rule.minWidth}px) ${formatSlot(rule.slot)}` : formatSlot(rule.slot),
    )
    .join(", ");

  const dprs = [1, 1.5, 2, 3, 4].filter((dpr) => dpr < dprCap);
  dprs.push(dprCap);
  const anchors: number[] = [];
  let largest = 0;
  rules.forEach((rule, index) => {
    // A rule applies from its minWidth up to the next wider rule's minWidth (rules are sorted widest first).
    const upper = index === 0 ? viewport.max : Math.min(viewport.max, (rules[index - 1]?.minWidth ?? viewport.max) - 1);
    const lower = Math.max(viewport.min, rule.minWidth);
    if (lower > upper) return;
    for (const width of [slotWidth(rule.slot, lower), slotWidth(rule.slot, upper)]) {
      for (const dpr of dprs) anchors.push(width * dpr);
      largest = Math.max(largest, width * dprCap);
    }
  });
  const ceiling = Math.min(intrinsicWidth, Math.ceil(largest || intrinsicWidth));
  const widths = chooseWidths(anchors, ceiling, minStepRatio, maxCandidates);

  const qualityOf = (format: ImageFormat): number => quality[format] ?? DEFAULT_IMAGE_QUALITY[format];
  const build = url ?? defaultUrl(src);
  const srcsetOf = (format: ImageFormat): string =>
    widths.map((width) => `${build({ width, format, quality: qualityOf(format) })} ${width}w`).join(", ");
  const sources = IMAGE_FORMAT_ORDER.filter((format) => format !== "jpeg" && offered.includes(format)).map(
    (format) => ({
      format,
      type: `image/${format}`,
      quality: qualityOf(format),
      srcset: srcsetOf(format),
    }),
  );
  const fallbackWidth = widths[Math.max(0, widths.length - 2)] ?? ceiling;
  const img = {
    src: build({ width: fallbackWidth, format: "jpeg", quality: qualityOf("jpeg") }),
    quality: qualityOf("jpeg"),
    srcset: srcsetOf("jpeg"),
    sizes: sizesAttribute,
    width: intrinsicWidth,
    ...(intrinsicHeight === undefined ? {} : { height: intrinsicHeight }),
  };
  return { sizes: sizesAttribute, widths, sources, img };
}

/**
 * Turns anchor widths into a short ascending list: clip to [1, ceiling], merge neighbours closer than `ratio` (keeping
 * the larger, so no screen gets a blurry image), fill gaps wider than `ratio × GAP_FACTOR` geometrically, and widen `ratio` until
 * at most `maxCandidates` remain. Widths are rounded up to a multiple of 8 (CDN cache friendliness) within the ceiling.
 */
// Gaps up to 1.5 × the merge ratio (1.8 by default, ~3× the pixels) stay unfilled: the 1×/1.5×/2× anchors of a
// fixed slot are already the widths devices ask for, and filling between them would only add cache entries.
const GAP_FACTOR = 1.5;

function chooseWidths(anchors: readonly number[], ceiling: number, ratio: number, maxCandidates: number): number[] {
  const clipped = anchors.map((width) => Math.min(ceiling, Math.max(1, Math.ceil(width / 8) * 8)));
  clipped.push(ceiling);
  const sorted = [...new Set(clipped)].sort((left, right) => left - right);
  let step = ratio;
  for (;;) {
    const merged: number[] = [];
    // Clusters are measured from their first width, so a run of close widths cannot drift into one huge cluster.
    let clusterStart = 0;
    for (const width of sorted) {
      if (merged.length > 0 && width < clusterStart * step) merged[merged.length - 1] = width;
      else {
        merged.push(width);
        clusterStart = width;
      }
    }
    const filled: number[] = [];
    for (const width of merged) {
      const last = filled[filled.length - 1];
      if (last !== undefined) {
        const gaps = Math.ceil(Math.log(width / last) / Math.log(step * GAP_FACTOR)) - 1;
        for (let gap = 1; gap <= gaps; gap++) {
          const between = Math.min(ceiling, Math.ceil((last * (width / last) ** (gap / (gaps + 1))) / 8) * 8);
          if (between > (filled[filled.length - 1] ?? 0) && between < width) filled.push(between);
        }
      }
      filled.push(width);
    }
    if (filled.length <= maxCandidates) return filled;
    step *= 1.1;
  }
}
