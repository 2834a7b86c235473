import type { MetricStats, MetricTags } from "../collector/analytics-data-collector-types";

/** The widget kinds a dashboard can hold. */
export type WidgetType = "chart" | "stat" | "table" | "gauge";

/** How a widget reduces the metric values of a period to one number. */
export type WidgetAggregation = "count" | "sum" | "min" | "max" | "mean" | "p50" | "p90" | "p95" | "p99";

/**
 * Thresholds of a `stat` or `gauge` widget: the value's status is `critical` past `critical`, `warning` past
 * `warning`, `ok` otherwise. With `direction: "above"` (the default) "past" means at or above; with `"below"` at or
 * below (e.g. free disk space), and then `warning` must be at least `critical`.
 */
export interface WidgetThresholds {
  /** The value from which the status is `warning`. @default no warning level */
  readonly warning?: number | undefined;
  /** The value from which the status is `critical`. @default no critical level */
  readonly critical?: number | undefined;
  /** @default "above" */
  readonly direction?: "above" | "below" | undefined;
}

/** The status of a value against its widget's thresholds (`ok` when the widget has none or there is no value). */
export type WidgetStatus = "ok" | "warning" | "critical";

/** Fields every widget config has. */
export interface WidgetConfigBase {
  /** Shown above the widget, 1–200 characters. */
  readonly title: string;
  /** The metric name, as recorded with `AnalyticsDataCollector.recordMetric`. */
  readonly metric: string;
  /** How far back the widget looks: a whole number and a unit, `m`, `h`, `d` or `w`, e.g. `15m`, `24h`, `7d`. */
  readonly timeRange: string;
  /** Only the metric's series whose tags include every one of these pairs. @default {} */
  readonly tags?: MetricTags | undefined;
}

/** A line chart of the metric over the time range, one point per `interval`. */
export interface ChartWidgetConfig extends WidgetConfigBase {
  /** @default "mean" */
  readonly aggregation?: WidgetAggregation | undefined;
  /** The width of one point, same syntax as `timeRange`; at most 500 points. @default picked for 12–60 points */
  readonly interval?: string | undefined;
  /** A tag key: one line per value of that tag (the 8 largest groups). @default one line */
  readonly groupBy?: string | undefined;
}

/** One number: the metric aggregated over the time range. */
export interface StatWidgetConfig extends WidgetConfigBase {
  /** @default "sum" */
  readonly aggregation?: WidgetAggregation | undefined;
  /** Shown after the number, e.g. `ms` or `€`, at most 20 characters. @default "" */
  readonly unit?: string | undefined;
  /** Digits after the decimal point when shown, 0–6. @default 2 */
  readonly decimals?: number | undefined;
  /** Levels that turn the status `warning` or `critical`. @default none (always `ok`) */
  readonly thresholds?: WidgetThresholds | undefined;
}

/** One row per group of tag values, one column per aggregation. */
export interface TableWidgetConfig extends WidgetConfigBase {
  /** Tag keys to group by, 1–5. */
  readonly groupBy: readonly string[];
  /** @default ["count", "mean", "p95"] */
  readonly columns?: readonly WidgetAggregation[] | undefined;
  /** The most rows, largest `count` first, 1–100. @default 10 */
  readonly limit?: number | undefined;
}

/** One number drawn on a dial between `min` and `max`. */
export interface GaugeWidgetConfig extends WidgetConfigBase {
  /** @default "mean" */
  readonly aggregation?: WidgetAggregation | undefined;
  /** @default 0 */
  readonly min?: number | undefined;
  /** The end of the dial; must exceed `min`. */
  readonly max: number;
  /** Shown after the number, e.g. `%`, at most 20 characters. @default "" */
  readonly unit?: string | undefined;
  /** Levels that turn the status `warning` or `critical`. @default none (always `ok`) */
  readonly thresholds?: WidgetThresholds | undefined;
}

/** The config `addWidgetToDashboard` takes for each widget type. */
export interface WidgetConfigByType {
  /** Config of a line chart. */
  chart: ChartWidgetConfig;
  /** Config of a single number. */
  stat: StatWidgetConfig;
  /** Config of a grouped table. */
  table: TableWidgetConfig;
  /** Config of a dial. */
  gauge: GaugeWidgetConfig;
}

/** Fields every stored widget config has, defaults applied. */
export interface ResolvedWidgetConfigBase {
  /** Shown above the widget. */
  readonly title: string;
  /** The metric name the widget reads. */
  readonly metric: string;
  /** How far back the widget looks, e.g. `24h`. */
  readonly timeRange: string;
  /** The tag pairs a series must include (`{}` for every series). */
  readonly tags: MetricTags;
}

/** A chart config as stored. */
export interface ResolvedChartWidgetConfig extends ResolvedWidgetConfigBase {
  /** How each point reduces its interval's values. */
  readonly aggregation: WidgetAggregation;
  /** The width of one point, e.g. `1h` (picked from the time range when not given). */
  readonly interval: string;
  /** The tag key with one line per value, or `null` for one line. */
  readonly groupBy: string | null;
}

/** A stat config as stored. */
export interface ResolvedStatWidgetConfig extends ResolvedWidgetConfigBase {
  /** How the time range's values reduce to the number. */
  readonly aggregation: WidgetAggregation;
  /** Shown after the number (`""` for none). */
  readonly unit: string;
  /** Digits after the decimal point when shown. */
  readonly decimals: number;
  /** The status levels, or `null` for none. */
  readonly thresholds: ResolvedThresholds | null;
}

/** A table config as stored. */
export interface ResolvedTableWidgetConfig extends ResolvedWidgetConfigBase {
  /** Tag keys, one row per combination of their values. */
  readonly groupBy: readonly string[];
  /** One column per aggregation, in this order. */
  readonly columns: readonly WidgetAggregation[];
  /** The most rows, largest `count` first. */
  readonly limit: number;
}

/** A gauge config as stored. */
export interface ResolvedGaugeWidgetConfig extends ResolvedWidgetConfigBase {
  /** How the time range's values reduce to the dial's value. */
  readonly aggregation: WidgetAggregation;
  /** The start of the dial. */
  readonly min: number;
  /** The end of the dial. */
  readonly max: number;
  /** Shown after the number (`""` for none). */
  readonly unit: string;
  /** The status levels, or `null` for none. */
  readonly thresholds: ResolvedThresholds | null;
}

/** A widget config as stored, per type: every default applied. */
export interface ResolvedWidgetConfigByType {
  /** A stored line chart config. */
  chart: ResolvedChartWidgetConfig;
  /** A stored single-number config. */
  stat: ResolvedStatWidgetConfig;
  /** A stored table config. */
  table: ResolvedTableWidgetConfig;
  /** A stored dial config. */
  gauge: ResolvedGaugeWidgetConfig;
}

/** Thresholds with their direction applied. */
export interface ResolvedThresholds {
  /** The value from which the status is `warning`, or `null` for no warning level. */
  readonly warning: number | null;
  /** The value from which the status is `critical`, or `null` for no critical level. */
  readonly critical: number | null;
  /** `above`: at or above a level is past it; `below`: at or below. */
  readonly direction: "above" | "below";
}

/** A widget of one type. */
export interface WidgetOf<Type extends WidgetType> {
  /** Unique within its dashboard. */
  readonly id: string;
  /** The widget kind, which decides the shape of `config`. */
  readonly type: Type;
  /** The widget's config with every default applied. */
  readonly config: ResolvedWidgetConfigByType[Type];
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds of the last change. */
  readonly updatedAt: number;
}

/** A widget on a dashboard, discriminated by `type`. */
export type Widget = { [Type in WidgetType]: WidgetOf<Type> }[WidgetType];

/** A dashboard, as returned by every read and write. A copy: changing it changes nothing stored. */
export interface Dashboard {
  /** Unique within its tenant. */
  readonly id: string;
  /** The tenant that owns it; a manager only ever sees its own tenant's dashboards. */
  readonly tenant: string;
  /** Shown as the dashboard's heading. */
  readonly name: string;
  /** Free text (`""` when none was given). */
  readonly description: string;
  /** Who created it (a user id), or `null`. */
  readonly owner: string | null;
  /** Starts at 1 and grows by one with every change; pass it as `expectedVersion` to detect concurrent edits. */
  readonly version: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds of the last change to the dashboard or one of its widgets. */
  readonly updatedAt: number;
  /** The widgets, in the order they were added. */
  readonly widgets: readonly Widget[];
}

/** The changes `updateDashboard` applies; absent fields stay as they are. */
export interface DashboardChanges {
  /** The new name. */
  name?: string | undefined;
  /** The new description. */
  description?: string | undefined;
  /** The new owner, or `null` for none. */
  owner?: string | null | undefined;
}

/** Options of the writes that take an optional version check. */
export interface WriteOptions {
  /** The dashboard's `version` the caller last read; another one means someone else changed it: `CONFLICT`. */
  expectedVersion?: number | undefined;
}

/** Options of `updateDashboard`: the version is required there. */
export interface UpdateOptions {
  /** The dashboard's `version` the caller last read; another one means someone else changed it: `CONFLICT`. */
  expectedVersion: number;
}

/** Filters of `listDashboards`. */
export interface ListDashboardsFilter {
  /** Only dashboards of this owner. */
  owner?: string | undefined;
}

/** Options of `importDashboard`. */
export interface ImportDashboardOptions {
  /** The owner of the imported copy. @default the exported owner */
  owner?: string | null | undefined;
  /**
   * Accept a dashboard exported from another tenant (it is copied into this manager's tenant). Without it such an
   * import is a `VALIDATION_ERROR`, so data never moves between tenants by accident.
   * @default false
   */
  allowTenantChange?: boolean | undefined;
}

/** The period a widget's data covers: `[from, to)` in epoch milliseconds. */
export interface WidgetPeriod {
  /** Start of the period, epoch milliseconds (inclusive). */
  readonly from: number;
  /** End of the period, epoch milliseconds (exclusive). */
  readonly to: number;
}

/** One point of a chart line; `value` is `null` where the period had no data. */
export interface WidgetSeriesPoint {
  /** Start of the point's interval, epoch milliseconds. */
  readonly t: number;
  /** The aggregated value, or `null` where the interval had no data. */
  readonly value: number | null;
}

/** A line of a chart widget: the whole metric, or one value of the `groupBy` tag. */
export interface WidgetSeries {
  /** The metric name, or the `groupBy` tag value of this line. */
  readonly name: string;
  /** One point per interval, oldest first. */
  readonly points: readonly WidgetSeriesPoint[];
}

/** Data of a `chart` widget. */
export interface ChartWidgetData extends WidgetPeriod {
  /** Always `"chart"`. */
  readonly type: "chart";
  /** The widget's id. */
  readonly widgetId: string;
  /** The widget's title. */
  readonly title: string;
  /** How each point was aggregated. */
  readonly aggregation: WidgetAggregation;
  /** The width of one point, in milliseconds. */
  readonly intervalMs: number;
  /** One line per group (one line without `groupBy`). */
  readonly series: readonly WidgetSeries[];
}

/** Data of a `stat` widget. */
export interface StatWidgetData extends WidgetPeriod {
  /** Always `"stat"`. */
  readonly type: "stat";
  /** The widget's id. */
  readonly widgetId: string;
  /** The widget's title. */
  readonly title: string;
  /** How the value was aggregated. */
  readonly aggregation: WidgetAggregation;
  /** `null` when no value was recorded in the period (except for `count` and `sum`, which are 0). */
  readonly value: number | null;
  /** The value against the widget's thresholds. */
  readonly status: WidgetStatus;
}

/** One row of a `table` widget. */
export interface WidgetTableRow {
  /** The `groupBy` tag values (`""` where a series lacks the tag). */
  readonly group: MetricTags;
  /** One value per column, in the column order. */
  readonly values: readonly (number | null)[];
}

/** Data of a `table` widget. */
export interface TableWidgetData extends WidgetPeriod {
  /** Always `"table"`. */
  readonly type: "table";
  /** The widget's id. */
  readonly widgetId: string;
  /** The widget's title. */
  readonly title: string;
  /** The tag keys the rows are grouped by. */
  readonly groupBy: readonly string[];
  /** The aggregation of each column. */
  readonly columns: readonly WidgetAggregation[];
  /** The rows, largest `count` first, at most the widget's `limit`. */
  readonly rows: readonly WidgetTableRow[];
}

/** Data of a `gauge` widget. */
export interface GaugeWidgetData extends WidgetPeriod {
  /** Always `"gauge"`. */
  readonly type: "gauge";
  /** The widget's id. */
  readonly widgetId: string;
  /** The widget's title. */
  readonly title: string;
  /** How the value was aggregated. */
  readonly aggregation: WidgetAggregation;
  /** The aggregated value, or `null` when the period had no data. */
  readonly value: number | null;
  /** The start of the dial. */
  readonly min: number;
  /** The end of the dial. */
  readonly max: number;
  /** Where the value sits on the dial, clamped to 0–1; `null` without a value. */
  readonly ratio: number | null;
  /** The value against the widget's thresholds. */
  readonly status: WidgetStatus;
}

/** What `getWidgetData` returns, discriminated by `type`. */
export type WidgetData = ChartWidgetData | StatWidgetData | TableWidgetData | GaugeWidgetData;

/** Options of `renderDashboard`. */
export interface RenderDashboardOptions {
  /** Width of a chart in CSS pixels, 240–2000. @default 560 */
  chartWidth?: number | undefined;
  /** Height of a chart in CSS pixels, 120–1000. @default 220 */
  chartHeight?: number | undefined;
}

/**
 * Where widgets read their numbers: an `AnalyticsDataCollector`, or anything with the same `getMetricStats`.
 */
export interface DashboardDataSource {
  /**
   * Stats of the metric `name` over the windows starting in `[from, to)`, one entry per group of `groupBy` tag
   * values, over the series whose tags include every pair of `tags`.
   *
   * @param name - The metric name.
   * @param query - The time range (epoch milliseconds) and filters.
   * @returns One stats entry per group.
   */
  getMetricStats(
    name?: string,
    query?: {
      from?: number | undefined;
      to?: number | undefined;
      tags?: MetricTags | undefined;
      groupBy?: readonly string[] | undefined;
    },
  ): readonly MetricStats[];
}

/** What `updateWidget` takes: any fields of the widget's config; `null` resets an optional field to its default. */
export type WidgetConfigChanges = {
  [Type in WidgetType]: { [Key in keyof WidgetConfigByType[Type]]?: WidgetConfigByType[Type][Key] | null };
}[WidgetType];

/** A dashboard that was created (`createDashboard`) or imported (`importDashboard`). */
export interface DashboardCreatedEvent {
  /** The tenant that owns the dashboard. */
  readonly tenant: string;
  /** The dashboard as stored. */
  readonly dashboard: Dashboard;
  /** Which call created it. */
  readonly source: "create" | "import";
}

/** A dashboard whose name, description or owner changed; `dashboard` is at its new version. */
export interface DashboardUpdatedEvent {
  /** The tenant that owns the dashboard. */
  readonly tenant: string;
  /** The dashboard at its new version. */
  readonly dashboard: Dashboard;
}

/** A dashboard that was deleted, with its widgets. */
export interface DashboardDeletedEvent {
  /** The tenant that owned the dashboard. */
  readonly tenant: string;
  /** The deleted dashboard's id. */
  readonly dashboardId: string;
}

/** A widget that was added or changed; `version` is the dashboard's new version. */
export interface WidgetChangedEvent {
  /** The tenant that owns the dashboard. */
  readonly tenant: string;
  /** The dashboard holding the widget. */
  readonly dashboardId: string;
  /** The dashboard's new version. */
  readonly version: number;
  /** The widget as stored. */
  readonly widget: Widget;
}

/** A widget that was removed; `version` is the dashboard's new version. */
export interface WidgetRemovedEvent {
  /** The tenant that owns the dashboard. */
  readonly tenant: string;
  /** The dashboard that held the widget. */
  readonly dashboardId: string;
  /** The dashboard's new version. */
  readonly version: number;
  /** The removed widget's id. */
  readonly widgetId: string;
}

/**
 * Events of {@link DashboardManager}, each emitted once its change is in storage (a failed or rejected write emits
 * nothing). Events come from the manager that made the change: another process, or the manager that `forTenant`
 * returns, has its own.
 */
export interface DashboardManagerEvents {
  /** A dashboard was created or imported. */
  dashboard_created: [event: DashboardCreatedEvent];
  /** A dashboard's name, description or owner changed. */
  dashboard_updated: [event: DashboardUpdatedEvent];
  /** A dashboard was deleted. */
  dashboard_deleted: [event: DashboardDeletedEvent];
  /** A widget was added to a dashboard. */
  widget_added: [event: WidgetChangedEvent];
  /** A widget's config changed. */
  widget_updated: [event: WidgetChangedEvent];
  /** A widget was removed from a dashboard. */
  widget_removed: [event: WidgetRemovedEvent];
}
