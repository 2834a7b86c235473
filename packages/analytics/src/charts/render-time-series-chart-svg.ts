/**
 * The public way to draw a time-series chart as SVG: validated input, then the same layout and drawing code that
 * dashboards and PDF reports use, so a chart made here looks like theirs.
 */
import { createValidator, toEpochMillis, type Validator } from "@pelbiot/core";
import { type ChartSeries, layoutLineChart } from "./line-chart-layout";
import { renderLineChartSvg } from "./render-line-chart-svg";

/** How a series is drawn: a solid line, a dashed line (interval bounds, targets) or separate markers (anomalies). */
export type TimeSeriesChartStyle = "line" | "dashed" | "points";

/** The accepted series styles, in documentation order. */
export const TIME_SERIES_CHART_STYLES: readonly TimeSeriesChartStyle[] = ["line", "dashed", "points"];

/**
 * One observation. Other keys are ignored, so `@pelbiot/ml` time-series points, forecast points and anomalies can be
 * passed as they are.
 */
export interface TimeSeriesChartPoint {
  /** A `Date`, epoch milliseconds or an ISO-8601 string; the x-axis is UTC time. */
  readonly timestamp: number | Date | string;
  /** A finite number. */
  readonly value: number;
}

/** A named series of {@link TimeSeriesChartPoint}s; the points need not be sorted. */
export interface TimeSeriesChartSeries {
  /** Shown in the legend and as the line's tooltip. */
  readonly name: string;
  /** The observations, in any order; at most 100 000. */
  readonly points: readonly TimeSeriesChartPoint[];
  /** @default "line" */
  readonly style?: TimeSeriesChartStyle;
  /** A `#rrggbb` colour. @default the next colour of a colour-blind-safe palette (Okabe–Ito) */
  readonly color?: string;
}

/** Options of {@link renderTimeSeriesChartSvg}. */
export interface RenderTimeSeriesChartSvgOptions {
  /** Accessible title (`<title>` and `aria-label`). */
  readonly title: string;
  /** Outer width in pixels, 100 to 10 000. @default 640 */
  readonly width?: number;
  /** Outer height in pixels, 80 to 10 000. @default 320 */
  readonly height?: number;
  /** Roughly how many ticks per axis, 2 to 20 (round values near it are chosen). @default 5 */
  readonly tickCount?: number;
  /** Start the value axis at zero when all values are positive. @default false */
  readonly includeZero?: boolean;
  /** Draw a legend under the plot when there is more than one series. @default true */
  readonly legend?: boolean;
}

const OPTION_KEYS = ["title", "width", "height", "tickCount", "includeZero", "legend"] as const;
const SERIES_KEYS = ["name", "points", "style", "color"] as const;
const MAX_SERIES = 16;
const MAX_POINTS = 100_000;
const COLOR = { regex: /^#[0-9a-fA-F]{6}$/, description: "a #rrggbb colour" };

/**
 * Draws time series as one self-contained SVG line chart: x is UTC time, y is value, with axes, round ticks, a
 * legend, and every piece of text escaped (no script, no external font), so the markup can be written to a `.svg`
 * file, inlined into a page or attached to an e-mail. The drawing is the one dashboards use. Pure and deterministic.
 *
 * @param series - The series to draw (at most 16, each with at most 100 000 points); none gives a "No data" chart.
 * @param options - The title and, optionally, size, tick count, zero baseline and legend.
 * @returns `<svg …>…</svg>` markup.
 * @throws {PelbiotError} VALIDATION_ERROR when a series, point or option is malformed or an option key is unknown;
 *   the message lists every issue with its path (`series.1.points.4.value: must be a finite number, got NaN`).
 *
 * @example
 * ```ts
 * import { renderTimeSeriesChartSvg } from "@pelbiot/analytics";
 *
 * const hour = 3_600_000;
 * const observed = [41, 44, 47, 45].map((value, index) => ({ timestamp: index * hour, value }));
 * const svg = renderTimeSeriesChartSvg(
 *   [
 *     { name: "CPU %", points: observed },
 *     { name: "spike", points: [{ timestamp: 2 * hour, value: 47 }], style: "points", color: "#D55E00" },
 *   ],
 *   { title: "CPU usage", width: 480, height: 240 },
 * );
 * ```
 */
export function renderTimeSeriesChartSvg(
  series: readonly TimeSeriesChartSeries[],
  options: RenderTimeSeriesChartSvgOptions,
): string {
  const check = createValidator("renderTimeSeriesChartSvg");
  const chartSeries: ChartSeries[] = [];
  if (check.array("series", series, { maxLength: MAX_SERIES })) {
    series.forEach((entry, index) => {
      const resolved = checkSeries(check, `series.${index}`, entry);
      if (resolved !== undefined) chartSeries.push(resolved);
    });
  }
  if (check.object("options", options)) {
    check.knownKeys("options", options, OPTION_KEYS);
    check.string("options.title", options.title, { maxLength: 500 });
    if (options.width !== undefined) check.number("options.width", options.width, { min: 100, max: 10_000 });
    if (options.height !== undefined) check.number("options.height", options.height, { min: 80, max: 10_000 });
    if (options.tickCount !== undefined) {
      check.number("options.tickCount", options.tickCount, { integer: true, min: 2, max: 20 });
    }
    if (options.includeZero !== undefined) check.boolean("options.includeZero", options.includeZero);
    if (options.legend !== undefined) check.boolean("options.legend", options.legend);
  }
  check.done();

  const layout = layoutLineChart(chartSeries, {
    width: options.width ?? 640,
    height: options.height ?? 320,
    tickCount: options.tickCount ?? 5,
    includeZero: options.includeZero ?? false,
  });
  return renderLineChartSvg(layout, { title: options.title, legend: options.legend ?? true });
}

/** Validates one series and converts it to the layout's shape; `undefined` when it has issues. */
function checkSeries(check: Validator, path: string, entry: unknown): ChartSeries | undefined {
  if (!check.object(path, entry)) return undefined;
  const before = check.issues.length;
  check.knownKeys(path, entry, SERIES_KEYS);
  check.string(`${path}.name`, entry.name, { maxLength: 200 });
  if (entry.style !== undefined) check.oneOf(`${path}.style`, entry.style, TIME_SERIES_CHART_STYLES);
  if (entry.color !== undefined) check.string(`${path}.color`, entry.color, { pattern: COLOR });
  const points: { t: number; value: number }[] = [];
  if (check.array(`${path}.points`, entry.points, { maxLength: MAX_POINTS })) {
    entry.points.forEach((point, index) => {
      const pointPath = `${path}.points.${index}`;
      if (!check.object(pointPath, point)) return;
      const time = toEpochMillis(point.timestamp);
      const timeOk = check.timestamp(`${pointPath}.timestamp`, point.timestamp);
      const valueOk = check.number(`${pointPath}.value`, point.value);
      if (timeOk && valueOk && time !== undefined) points.push({ t: time, value: point.value as number });
    });
  }
  if (check.issues.length > before) return undefined;
  return {
    name: entry.name as string,
    points,
    ...(entry.style === undefined ? {} : { style: entry.style as TimeSeriesChartStyle }),
    ...(entry.color === undefined ? {} : { color: entry.color as string }),
  };
}
