/**
 * The one chart geometry of @pelbiot/analytics. Dashboards draw it as inline SVG, reports draw the same layout into
 * PDF pages (PDF path operators accept SVG path data), so both show the same scales, ticks and lines.
 *
 * Scales and path data come from d3-scale and d3-shape; this file only decides the frame and the tick labels.
 */
import { scaleLinear, scaleUtc } from "d3-scale";
import { line } from "d3-shape";

/** One observation: `t` is milliseconds since the Unix epoch, `value` a finite number. */
export interface ChartPoint {
  readonly t: number;
  readonly value: number;
}

/** How a series is drawn: a solid line, a dashed line (bounds, targets) or separate markers (events, outliers). */
export type ChartSeriesStyle = "line" | "dashed" | "points";

/** A named line. Points need not be sorted; non-finite points are left out of the line. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
  /** Default `"line"`. */
  readonly style?: ChartSeriesStyle;
  /** A CSS colour; default the next colour of {@link CHART_PALETTE}. */
  readonly color?: string;
}

/** Space around the plot area, in the chart's units (SVG pixels or PDF points). */
export interface ChartMargin {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

export interface LineChartLayoutOptions {
  /** Outer width in the chart's units. */
  readonly width: number;
  /** Outer height in the chart's units. */
  readonly height: number;
  readonly margin?: Partial<ChartMargin>;
  /** Roughly how many ticks per axis (d3 picks round values near it). Default 5. */
  readonly tickCount?: number;
  /** Start the value axis at zero when all values are positive (bars of revenue, counts). Default false. */
  readonly includeZero?: boolean;
}

export interface ChartTick {
  /** Offset along the axis, in the chart's units, from the chart's top-left corner. */
  readonly position: number;
  readonly label: string;
}

export interface LaidOutSeries {
  readonly name: string;
  readonly color: string;
  readonly style: ChartSeriesStyle;
  /** SVG path data (`M…L…`); empty when the series has no finite point or is drawn as points. */
  readonly path: string;
  /** Where a lone point sits, so a one-point series is still visible as a dot; every point of a `"points"` series. */
  readonly dots: readonly { readonly x: number; readonly y: number }[];
}

export interface LineChartLayout {
  readonly width: number;
  readonly height: number;
  /** The plot area (inside the margins). */
  readonly plot: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly series: readonly LaidOutSeries[];
  readonly xTicks: readonly ChartTick[];
  readonly yTicks: readonly ChartTick[];
  /** True when no series has a finite point: renderers draw the frame and a "no data" note. */
  readonly empty: boolean;
}

/** Colour-blind-safe palette (Okabe–Ito), cycled per series. */
export const CHART_PALETTE: readonly string[] = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#D55E00",
  "#CC79A7",
  "#56B4E9",
  "#F0E442",
  "#000000",
];

const DEFAULT_MARGIN: ChartMargin = { top: 12, right: 16, bottom: 28, left: 48 };
/** Height reserved under the axis for the legend when there are several series. */
export const LEGEND_HEIGHT = 14;
const DAY_MS = 86_400_000;

/**
 * Lays out a time-series line chart: x is time (UTC), y is value. Pure and deterministic: the same input gives the
 * same path data, which tests and snapshot diffs rely on.
 */
export function layoutLineChart(series: readonly ChartSeries[], options: LineChartLayoutOptions): LineChartLayout {
  // Several series get a legend row under the x-axis labels.
  const legendSpace = series.length > 1 ? LEGEND_HEIGHT : 0;
  const margin: ChartMargin = { ...DEFAULT_MARGIN, bottom: DEFAULT_MARGIN.bottom + legendSpace, ...options.margin };
  const plot = {
    x: margin.left,
    y: margin.top,
    width: Math.max(1, options.width - margin.left - margin.right),
    height: Math.max(1, options.height - margin.top - margin.bottom),
  };
  const tickCount = options.tickCount ?? 5;
  const finite = series.map((entry) =>
    entry.points.filter((point) => Number.isFinite(point.t) && Number.isFinite(point.value)).sort((a, b) => a.t - b.t),
  );
  const all = finite.flat();
  const empty = all.length === 0;
  const [tMin, tMax] = extent(
    all.map((point) => point.t),
    DAY_MS,
  );
  const values = all.map((point) => point.value);
  if (options.includeZero === true) values.push(0);
  const [vMin, vMax] = extent(values, 1);

  const x = scaleUtc()
    .domain([tMin, tMax])
    .range([plot.x, plot.x + plot.width]);
  const y = scaleLinear()
    .domain([vMin, vMax])
    .nice(tickCount)
    .range([plot.y + plot.height, plot.y]);
  const toPath = line<ChartPoint>()
    .x((point) => round(x(point.t)))
    .y((point) => round(y(point.value)));

  const xFormat = x.tickFormat(tickCount);
  const yFormat = y.tickFormat(tickCount);
  return {
    width: options.width,
    height: options.height,
    plot,
    series: series.map((entry, index) => {
      const points = finite[index] ?? [];
      const style = entry.style ?? "line";
      const asLine = style !== "points" && points.length > 1;
      return {
        name: entry.name,
        color: entry.color ?? (CHART_PALETTE[index % CHART_PALETTE.length] as string),
        style,
        path: asLine ? (toPath(points) ?? "") : "",
        dots: asLine ? [] : points.map((point) => ({ x: round(x(point.t)), y: round(y(point.value)) })),
      };
    }),
    xTicks: empty ? [] : x.ticks(tickCount).map((tick) => ({ position: round(x(tick)), label: xFormat(tick) })),
    yTicks: empty ? [] : y.ticks(tickCount).map((tick) => ({ position: round(y(tick)), label: yFormat(tick) })),
    empty,
  };
}

/** [min, max] of the values, widened by `pad` around a single value so the scale has a non-empty domain. */
function extent(values: readonly number[], pad: number): [number, number] {
  if (values.length === 0) return [0, pad];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  // A (nearly) flat series gets a band around it: a zero-width domain, or one at the scale of subnormal numbers,
  // makes the scale divide by zero.
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (!(max - min > magnitude * 1e-12) || max - min < 1e-290) {
    const half = magnitude > 1e-290 ? magnitude * 0.05 : pad / 2;
    return [min - half, max + half];
  }
  return [min, max];
}

/** Two decimals keep SVG/PDF output short and stable across platforms. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
