/**
 * @module @pelbiot/analytics
 *
 * Analytics: event collection, dashboards, report exports and predictive analytics.
 *
 * This release ships AnalyticsDataCollector and ReportGenerator; DashboardManager and PredictiveAnalyticsEngine
 * arrive in the next minor releases.
 */
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
} from "./collector/analytics-data-collector";
export {
  ANALYTICS_DATA_COLLECTOR_OPTION_KEYS,
  type ResolvedAnalyticsDataCollectorOptions,
  resolveAnalyticsDataCollectorOptions,
} from "./collector/analytics-data-collector-options";
export { ANALYTICS_DATA_COLLECTOR_FORMAT } from "./collector/analytics-data-collector-snapshot";
export { createMemoryAnalyticsSink, type MemoryAnalyticsSink } from "./collector/memory-analytics-sink";
export { escapeFormula } from "./reports/formula-escape";
export { REPORT_JSON_FORMAT, REPORT_JSON_VERSION } from "./reports/json-report-writer";
export {
  type ExportReportOptions,
  type GenerateReportOptions,
  type Report,
  type ReportExport,
  type ReportFormat,
  ReportGenerator,
  type ReportGeneratorEvents,
  type ReportGeneratorOptions,
  type ReportInputRow,
  type ReportInterval,
  type ReportMetricSource,
  type ReportPeriod,
  type ReportPeriodInput,
  type ReportRow,
  type ReportStats,
  type ReportTotals,
  type ScheduledReport,
  type ScheduledReportSpec,
  type WrittenReport,
} from "./reports/report-generator";
export {
  REPORT_GENERATOR_OPTION_KEYS,
  type ResolvedReportGeneratorOptions,
  resolveReportGeneratorOptions,
} from "./reports/report-generator-options";
