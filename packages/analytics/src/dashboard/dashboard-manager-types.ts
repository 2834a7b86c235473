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
  readonly warning?: number | undefined;
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
  readonly unit?: string | undefined;
  readonly thresholds?: WidgetThresholds | undefined;
}

/** The config `addWidgetToDashboard` takes for each widget type. */
export interface WidgetConfigByType {
  chart: ChartWidgetConfig;
  stat: StatWidgetConfig;
  table: TableWidgetConfig;
  gauge: GaugeWidgetConfig;
}

/** Fields every stored widget config has, defaults applied. */
export interface ResolvedWidgetConfigBase {
  readonly title: string;
  readonly metric: string;
  readonly timeRange: string;
  readonly tags: MetricTags;
}

/** A chart config as stored. */
export interface ResolvedChartWidgetConfig extends ResolvedWidgetConfigBase {
  readonly aggregation: WidgetAggregation;
  readonly interval: string;
  readonly groupBy: string | null;
}

/** A stat config as stored. */
export interface ResolvedStatWidgetConfig extends ResolvedWidgetConfigBase {
  readonly aggregation: WidgetAggregation;
  readonly unit: string;
  readonly decimals: number;
  readonly thresholds: ResolvedThresholds | null;
}

/** A table config as stored. */
export interface ResolvedTableWidgetConfig extends ResolvedWidgetConfigBase {
  readonly groupBy: readonly string[];
  readonly columns: readonly WidgetAggregation[];
  readonly limit: number;
}

/** A gauge config as stored. */
export interface ResolvedGaugeWidgetConfig extends ResolvedWidgetConfigBase {
  readonly aggregation: WidgetAggregation;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly thresholds: ResolvedThresholds | null;
}

/** A widget config as stored, per type: every default applied. */
export interface ResolvedWidgetConfigByType {
  chart: ResolvedChartWidgetConfig;
  stat: ResolvedStatWidgetConfig;
  table: ResolvedTableWidgetConfig;
  gauge: ResolvedGaugeWidgetConfig;
}

/** Thresholds with their direction applied. */
export interface ResolvedThresholds {
  readonly warning: number | null;
  readonly critical: number | null;
  readonly direction: "above" | "below";
}

/** A widget of one type. */
export interface WidgetOf<Type extends WidgetType> {
  /** Unique within its dashboard. */
  readonly id: string;
  readonly type: Type;
  readonly config: ResolvedWidgetConfigByType[Type];
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A widget on a dashboard, discriminated by `type`. */
export type Widget = { [Type in WidgetType]: WidgetOf<Type> }[WidgetType];

/** A dashboard, as returned by every read and write. A copy: changing it changes nothing stored. */
export interface Dashboard {
  readonly id: string;
  /** The tenant that owns it; a manager only ever sees its own tenant's dashboards. */
  readonly tenant: string;
  readonly name: string;
  readonly description: string;
  /** Who created it (a user id), or `null`. */
  readonly owner: string | null;
  /** Starts at 1 and grows by one with every change; pass it as `expectedVersion` to detect concurrent edits. */
  readonly version: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly widgets: readonly Widget[];
}

/** The changes `updateDashboard` applies; absent fields stay as they are. */
export interface DashboardChanges {
  name?: string | undefined;
  description?: string | undefined;
  owner?: string | null | undefined;
}

/** Options of the writes that take an optional version check. */
export interface WriteOptions {
  /** The dashboard's `version` the caller last read; another one means someone else changed it: `CONFLICT`. */
  expectedVersion?: number | undefined;
}

/** Options of `updateDashboard`: the version is required there. */
export interface UpdateOptions {
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
  readonly from: number;
  readonly to: number;
}

/** One point of a chart line; `value` is `null` where the period had no data. */
export interface WidgetSeriesPoint {
  readonly t: number;
  readonly value: number | null;
}

/** A line of a chart widget: the whole metric, or one value of the `groupBy` tag. */
export interface WidgetSeries {
  readonly name: string;
  readonly points: readonly WidgetSeriesPoint[];
}

/** Data of a `chart` widget. */
export interface ChartWidgetData extends WidgetPeriod {
  readonly type: "chart";
  readonly widgetId: string;
  readonly title: string;
  readonly aggregation: WidgetAggregation;
  readonly intervalMs: number;
  readonly series: readonly WidgetSeries[];
}

/** Data of a `stat` widget. */
export interface StatWidgetData extends WidgetPeriod {
  readonly type: "stat";
  readonly widgetId: string;
  readonly title: string;
  readonly aggregation: WidgetAggregation;
  /** `null` when no value was recorded in the period (except for `count` and `sum`, which are 0). */
  readonly value: number | null;
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
  readonly type: "table";
  readonly widgetId: string;
  readonly title: string;
  readonly groupBy: readonly string[];
  readonly columns: readonly WidgetAggregation[];
  readonly rows: readonly WidgetTableRow[];
}

/** Data of a `gauge` widget. */
export interface GaugeWidgetData extends WidgetPeriod {
  readonly type: "gauge";
  readonly widgetId: string;
  readonly title: string;
  readonly aggregation: WidgetAggregation;
  readonly value: number | null;
  readonly min: number;
  readonly max: number;
  /** Where the value sits on the dial, clamped to 0–1; `null` without a value. */
  readonly ratio: number | null;
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
  readonly tenant: string;
  readonly dashboard: Dashboard;
  /** Which call created it. */
  readonly source: "create" | "import";
}

/** A dashboard whose name, description or owner changed; `dashboard` is at its new version. */
export interface DashboardUpdatedEvent {
  readonly tenant: string;
  readonly dashboard: Dashboard;
}

/** A dashboard that was deleted, with its widgets. */
export interface DashboardDeletedEvent {
  readonly tenant: string;
  readonly dashboardId: string;
}

/** A widget that was added or changed; `version` is the dashboard's new version. */
export interface WidgetChangedEvent {
  readonly tenant: string;
  readonly dashboardId: string;
  readonly version: number;
  readonly widget: Widget;
}

/** A widget that was removed; `version` is the dashboard's new version. */
export interface WidgetRemovedEvent {
  readonly tenant: string;
  readonly dashboardId: string;
  readonly version: number;
  readonly widgetId: string;
}

/**
 * Events of {@link DashboardManager}, each emitted once its change is in storage (a failed or rejected write emits
 * nothing). Events come from the manager that made the change: another process, or the manager that `forTenant`
 * returns, has its own.
 */
export interface DashboardManagerEvents {
  dashboard_created: [event: DashboardCreatedEvent];
  dashboard_updated: [event: DashboardUpdatedEvent];
  dashboard_deleted: [event: DashboardDeletedEvent];
  widget_added: [event: WidgetChangedEvent];
  widget_updated: [event: WidgetChangedEvent];
  widget_removed: [event: WidgetRemovedEvent];
}
