/**
 * @module @pelbiot/analytics/universal
 *
 * The part of `@pelbiot/analytics` that runs anywhere JavaScript does (browsers, React Native, edge runtimes, Node):
 * the collector with its memory and InfluxDB sinks, dashboards, SVG charts and predictive analytics. It imports no Node module,
 * so app bundlers take it as it is. Report exports (`ReportGenerator`: CSV, Excel and PDF files) need Node and stay in
 * `@pelbiot/analytics`, which also re-exports everything here.
 */
export {
  type RenderTimeSeriesChartSvgOptions,
  renderTimeSeriesChartSvg,
  TIME_SERIES_CHART_STYLES,
  type TimeSeriesChartPoint,
  type TimeSeriesChartSeries,
  type TimeSeriesChartStyle,
} from "../charts/render-time-series-chart-svg";
export {
  type AnalyticsBatch,
  AnalyticsDataCollector,
  type AnalyticsDataCollectorEvents,
  type AnalyticsDataCollectorOptions,
  type AnalyticsDataCollectorSnapshot,
  type AnalyticsEvent,
  type AnalyticsSink,
  type AnalyticsSinkBatch,
  type BatchEventInput,
  type BatchMetricInput,
  type ClosedWindow,
  type DropCounters,
  type DropReason,
  type EventNameStats,
  type EventProperties,
  type EventStats,
  type FlushResult,
  type MetricPoint,
  type MetricStats,
  type MetricStatsQuery,
  type MetricTags,
  type RecordBatchResult,
  type RecordMetricOptions,
  type StatsQuery,
  type TrackEventOptions,
  type TrackEventResult,
  type ValueStats,
} from "../collector/analytics-data-collector";
export {
  ANALYTICS_DATA_COLLECTOR_OPTION_KEYS,
  type ResolvedAnalyticsDataCollectorOptions,
  resolveAnalyticsDataCollectorOptions,
} from "../collector/analytics-data-collector-options";
export { ANALYTICS_DATA_COLLECTOR_FORMAT } from "../collector/analytics-data-collector-snapshot";
export { createMemoryAnalyticsSink, type MemoryAnalyticsSink } from "../collector/memory-analytics-sink";
export { DASHBOARD_EXPORT_FORMAT, DASHBOARD_EXPORT_VERSION } from "../dashboard/dashboard-export";
export {
  type ChartWidgetConfig,
  type ChartWidgetData,
  type Dashboard,
  type DashboardChanges,
  type DashboardCreatedEvent,
  type DashboardDataSource,
  type DashboardDeletedEvent,
  type DashboardExport,
  DashboardManager,
  type DashboardManagerEvents,
  type DashboardManagerOptions,
  type DashboardUpdatedEvent,
  type GaugeWidgetConfig,
  type GaugeWidgetData,
  type ImportDashboardOptions,
  type ListDashboardsFilter,
  type RenderDashboardOptions,
  type ResolvedChartWidgetConfig,
  type ResolvedGaugeWidgetConfig,
  type ResolvedStatWidgetConfig,
  type ResolvedTableWidgetConfig,
  type ResolvedThresholds,
  type ResolvedWidgetConfigBase,
  type ResolvedWidgetConfigByType,
  type StatWidgetConfig,
  type StatWidgetData,
  type TableWidgetConfig,
  type TableWidgetData,
  type UpdateOptions,
  type Widget,
  type WidgetAggregation,
  type WidgetChangedEvent,
  type WidgetConfigBase,
  type WidgetConfigByType,
  type WidgetConfigChanges,
  type WidgetData,
  type WidgetOf,
  type WidgetPeriod,
  type WidgetRemovedEvent,
  type WidgetSeries,
  type WidgetSeriesPoint,
  type WidgetStatus,
  type WidgetTableRow,
  type WidgetThresholds,
  type WidgetType,
  type WriteOptions,
} from "../dashboard/dashboard-manager";
export {
  DASHBOARD_MANAGER_OPTION_KEYS,
  type ResolvedDashboardManagerOptions,
  resolveDashboardManagerOptions,
} from "../dashboard/dashboard-manager-options";
export { WIDGET_AGGREGATIONS, WIDGET_TYPES } from "../dashboard/widget-config";
export {
  createInfluxDbSink,
  type InfluxDbSink,
  type InfluxDbSinkOptions,
  type InfluxFieldValue,
  type InfluxPoint,
  type InfluxPrecision,
  type InfluxWriteResult,
} from "../influxdb/influxdb-sink";
export {
  INFLUXDB_SINK_OPTION_KEYS,
  type ResolvedInfluxDbSinkOptions,
  resolveInfluxDbSinkOptions,
} from "../influxdb/influxdb-sink-options";
export {
  type MakePredictionOptions,
  type MannKendallResult,
  type Prediction,
  PredictiveAnalyticsEngine,
  type PredictiveAnalyticsEngineOptions,
  type PredictiveAnalyticsEngineSnapshot,
  type PredictivePoint,
  type SeasonalityAnalysis,
  type SeriesInput,
  type TrainedModelInfo,
  type TrainModelOptions,
  type TrendAnalysis,
  type TrendDirection,
} from "../predictive/predictive-analytics-engine";
export {
  PREDICTIVE_ANALYTICS_ENGINE_OPTION_KEYS,
  type ResolvedPredictiveAnalyticsEngineOptions,
  resolvePredictiveAnalyticsEngineOptions,
} from "../predictive/predictive-analytics-engine-options";
export { PREDICTIVE_ANALYTICS_ENGINE_FORMAT } from "../predictive/predictive-analytics-engine-snapshot";
