/**
 * Computes a widget's data from a data source (an `AnalyticsDataCollector`): a chart's lines, a stat's or gauge's
 * value and status, a table's rows. Pure apart from reading the source.
 */
import type { MetricStats } from "../collector/analytics-data-collector-types";
import type {
  ChartWidgetData,
  DashboardDataSource,
  GaugeWidgetData,
  ResolvedThresholds,
  StatWidgetData,
  TableWidgetData,
  Widget,
  WidgetAggregation,
  WidgetData,
  WidgetOf,
  WidgetSeries,
  WidgetStatus,
} from "./dashboard-manager-types";
import { rangeMsOf } from "./widget-config";

/** The most lines a grouped chart draws: the groups with the most values. */
export const MAX_CHART_SERIES = 8;
/** The line name of a group whose series lack the `groupBy` tag. */
export const MISSING_GROUP_NAME = "(none)";

/** Computes the data of `widget` for the time range ending at `now`. */
export function computeWidgetData(source: DashboardDataSource, widget: Widget, now: number): WidgetData {
  switch (widget.type) {
    case "chart":
      return chartData(source, widget, now);
    case "stat":
      return statData(source, widget, now);
    case "table":
      return tableData(source, widget, now);
    case "gauge":
      return gaugeData(source, widget, now);
  }
}

function chartData(source: DashboardDataSource, widget: WidgetOf<"chart">, now: number): ChartWidgetData {
  const { config } = widget;
  const intervalMs = rangeMsOf(config.interval);
  const count = Math.ceil(rangeMsOf(config.timeRange) / intervalMs);
  // Points sit on multiples of the interval, so the same data gives the same points whenever it is asked.
  const lastStart = Math.floor(now / intervalMs) * intervalMs;
  const firstStart = lastStart - (count - 1) * intervalMs;
  const groupBy = config.groupBy === null ? [] : [config.groupBy];
  const lines = new Map<string, { total: number; values: (number | null)[] }>();
  for (let index = 0; index < count; index += 1) {
    const from = firstStart + index * intervalMs;
    const stats = source.getMetricStats(config.metric, { from, to: from + intervalMs, tags: config.tags, groupBy });
    for (const entry of stats) {
      const name = config.groupBy === null ? config.metric : entry.group[config.groupBy] || MISSING_GROUP_NAME;
      let line = lines.get(name);
      if (line === undefined) {
        line = { total: 0, values: new Array<number | null>(count).fill(null) };
        lines.set(name, line);
      }
      line.total += entry.count;
      line.values[index] = pick(entry, config.aggregation);
    }
  }
  if (config.groupBy === null && lines.size === 0) lines.set(config.metric, { total: 0, values: [] });
  const chosen = [...lines.entries()]
    .sort(([leftName, left], [rightName, right]) => right.total - left.total || (leftName < rightName ? -1 : 1))
    .slice(0, MAX_CHART_SERIES);
  const emptyValue = config.aggregation === "count" || config.aggregation === "sum" ? 0 : null;
  const series: WidgetSeries[] = chosen.map(([name, line]) => ({
    name,
    points: Array.from({ length: count }, (_, index) => ({
      t: firstStart + index * intervalMs,
      value: line.values[index] ?? emptyValue,
    })),
  }));
  return {
    type: "chart",
    widgetId: widget.id,
    title: config.title,
    aggregation: config.aggregation,
    from: firstStart,
    to: lastStart + intervalMs,
    intervalMs,
    series,
  };
}

function statData(source: DashboardDataSource, widget: WidgetOf<"stat">, now: number): StatWidgetData {
  const { config } = widget;
  const from = now - rangeMsOf(config.timeRange);
  const value = singleValue(source, config.metric, config.aggregation, { from, to: now + 1, tags: config.tags });
  return {
    type: "stat",
    widgetId: widget.id,
    title: config.title,
    aggregation: config.aggregation,
    from,
    to: now,
    value,
    status: statusOf(value, config.thresholds),
  };
}

function gaugeData(source: DashboardDataSource, widget: WidgetOf<"gauge">, now: number): GaugeWidgetData {
  const { config } = widget;
  const from = now - rangeMsOf(config.timeRange);
  const value = singleValue(source, config.metric, config.aggregation, { from, to: now + 1, tags: config.tags });
  const ratio = value === null ? null : Math.min(1, Math.max(0, (value - config.min) / (config.max - config.min)));
  return {
    type: "gauge",
    widgetId: widget.id,
    title: config.title,
    aggregation: config.aggregation,
    from,
    to: now,
    value,
    min: config.min,
    max: config.max,
    ratio,
    status: statusOf(value, config.thresholds),
  };
}

function tableData(source: DashboardDataSource, widget: WidgetOf<"table">, now: number): TableWidgetData {
  const { config } = widget;
  const from = now - rangeMsOf(config.timeRange);
  const stats = source.getMetricStats(config.metric, { from, to: now + 1, tags: config.tags, groupBy: config.groupBy });
  const rows = [...stats]
    .sort((left, right) => right.count - left.count)
    .slice(0, config.limit)
    .map((entry) => ({ group: entry.group, values: config.columns.map((column) => pick(entry, column)) }));
  return {
    type: "table",
    widgetId: widget.id,
    title: config.title,
    from,
    to: now,
    groupBy: config.groupBy,
    columns: config.columns,
    rows,
  };
}

// Queries end at `now + 1`: the collector selects windows starting before `to`, and the current window (which may
// start exactly now) holds the freshest values.
function singleValue(
  source: DashboardDataSource,
  metric: string,
  aggregation: WidgetAggregation,
  query: { from: number; to: number; tags: Readonly<Record<string, string>> },
): number | null {
  const [entry] = source.getMetricStats(metric, query);
  if (entry === undefined) return aggregation === "count" || aggregation === "sum" ? 0 : null;
  return pick(entry, aggregation);
}

function pick(stats: MetricStats, aggregation: WidgetAggregation): number | null {
  const value = stats[aggregation];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The status of a value against thresholds: `ok` without thresholds or without a value. */
export function statusOf(value: number | null, thresholds: ResolvedThresholds | null): WidgetStatus {
  if (value === null || thresholds === null) return "ok";
  const past = (limit: number | null): boolean =>
    limit !== null && (thresholds.direction === "above" ? value >= limit : value <= limit);
  if (past(thresholds.critical)) return "critical";
  if (past(thresholds.warning)) return "warning";
  return "ok";
}
