import { createValidator } from "@pelbiot/core";

/** Material 3 width classes, by window width in dp (1 CSS px = 1 dp). */
export type WidthSizeClass = "compact" | "medium" | "expanded" | "large" | "extra-large";

/** Material 3 height classes, by window height in dp. */
export type HeightSizeClass = "compact" | "medium" | "expanded";

/** The primary navigation component a window class calls for. */
export type NavigationPattern = "navigation-bar" | "navigation-rail" | "navigation-drawer";

/** The layout a window size implies. */
export interface ResponsiveLayout {
  /** Width class. */
  readonly widthClass: WidthSizeClass;
  /** Height class. */
  readonly heightClass: HeightSizeClass;
  /** Layout grid columns. */
  readonly columns: number;
  /** Left and right window margin in dp. */
  readonly margin: number;
  /** Gutter between columns (and spacer between panes) in dp. */
  readonly gutter: number;
  /** Most panes shown side by side (list-detail and supporting-pane layouts). */
  readonly maxPanes: number;
  /** Primary navigation component. */
  readonly navigation: NavigationPattern;
}

/**
 * Width breakpoints (lower bounds, dp) of Material 3's window size classes: compact < 600 ≤ medium < 840 ≤
 * expanded < 1200 ≤ large < 1600 ≤ extra-large (m3.material.io, "Window size classes").
 */
export const WIDTH_BREAKPOINTS: Readonly<Record<WidthSizeClass, number>> = Object.freeze({
  compact: 0,
  medium: 600,
  expanded: 840,
  large: 1200,
  "extra-large": 1600,
});

/** Height breakpoints (lower bounds, dp): compact < 480 ≤ medium < 900 ≤ expanded (Android `WindowSizeClass`). */
export const HEIGHT_BREAKPOINTS: Readonly<Record<HeightSizeClass, number>> = Object.freeze({
  compact: 0,
  medium: 480,
  expanded: 900,
});

type LayoutSpec = Omit<ResponsiveLayout, "widthClass" | "heightClass">;

/**
 * Per-width-class layout. Columns, margins and gutters follow Material's responsive layout grid (4 columns and
 * 16 dp below 600 dp, 8 columns and 24 dp below 840 dp, 12 columns and 24 dp beyond); panes and navigation
 * follow Material 3's "Applying layout" pages (bar on compact, rail on medium and expanded, drawer from large;
 * one pane up to medium, two from expanded, three on extra-large).
 */
export const LAYOUT_BY_WIDTH_CLASS: Readonly<Record<WidthSizeClass, LayoutSpec>> = Object.freeze({
  compact: { columns: 4, margin: 16, gutter: 16, maxPanes: 1, navigation: "navigation-bar" },
  medium: { columns: 8, margin: 24, gutter: 24, maxPanes: 1, navigation: "navigation-rail" },
  expanded: { columns: 12, margin: 24, gutter: 24, maxPanes: 2, navigation: "navigation-rail" },
  large: { columns: 12, margin: 24, gutter: 24, maxPanes: 2, navigation: "navigation-drawer" },
  "extra-large": { columns: 12, margin: 24, gutter: 24, maxPanes: 3, navigation: "navigation-drawer" },
});

const WIDTH_CLASSES = Object.keys(WIDTH_BREAKPOINTS) as WidthSizeClass[];
const HEIGHT_CLASSES = Object.keys(HEIGHT_BREAKPOINTS) as HeightSizeClass[];

function classify<T extends string>(value: number, classes: readonly T[], breakpoints: Readonly<Record<T, number>>): T {
  let found = classes[0] as T;
  for (const name of classes) if (value >= breakpoints[name]) found = name;
  return found;
}

/**
 * The Material 3 width class of a window width.
 *
 * @param width - Window width in dp (CSS px); finite and ≥ 0.
 * @returns The width class.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a negative or non-finite width.
 * @example
 * ```ts
 * getWidthSizeClass(412); // "compact"
 * ```
 */
export function getWidthSizeClass(width: number): WidthSizeClass {
  const check = createValidator("getWidthSizeClass");
  check.number("width", width, { min: 0 });
  check.done();
  return classify(width, WIDTH_CLASSES, WIDTH_BREAKPOINTS);
}

/**
 * The Material 3 height class of a window height.
 *
 * @param height - Window height in dp (CSS px); finite and ≥ 0.
 * @returns The height class.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a negative or non-finite height.
 * @example
 * ```ts
 * getHeightSizeClass(400); // "compact" (a phone in landscape)
 * ```
 */
export function getHeightSizeClass(height: number): HeightSizeClass {
  const check = createValidator("getHeightSizeClass");
  check.number("height", height, { min: 0 });
  check.done();
  return classify(height, HEIGHT_CLASSES, HEIGHT_BREAKPOINTS);
}

/**
 * The layout a window implies: grid columns, margins, gutters, pane count and navigation pattern, chosen by the
 * width class (a phone in landscape is medium width, so it gets a rail and keeps its little height for content);
 * the height class is reported for layouts that must also adapt vertically (e.g. hide a top app bar when compact).
 *
 * @param width - Window width in dp.
 * @param height - Window height in dp. @default Infinity (height not constraining: expanded)
 * @returns The layout.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for negative or non-finite sizes.
 * @example
 * ```ts
 * getResponsiveLayout(700, 1000); // { widthClass: "medium", columns: 8, margin: 24, navigation: "navigation-rail", … }
 * ```
 */
export function getResponsiveLayout(width: number, height: number = Number.POSITIVE_INFINITY): ResponsiveLayout {
  const check = createValidator("getResponsiveLayout");
  check.number("width", width, { min: 0 });
  if (height !== Number.POSITIVE_INFINITY) check.number("height", height, { min: 0 });
  check.done();
  const widthClass = classify(width, WIDTH_CLASSES, WIDTH_BREAKPOINTS);
  const heightClass = classify(height, HEIGHT_CLASSES, HEIGHT_BREAKPOINTS);
  return { widthClass, heightClass, ...LAYOUT_BY_WIDTH_CLASS[widthClass] };
}
