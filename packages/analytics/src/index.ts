/**
 * @module @pelbiot/analytics
 *
 * Analytics: event collection, dashboards, report exports and predictive analytics.
 *
 * This release ships AnalyticsDataCollector (with the InfluxDB sink), DashboardManager, ReportGenerator and
 * PredictiveAnalyticsEngine. Everything but the report exports is also in `@pelbiot/analytics/universal` (the same
 * objects), which runs outside Node.
 */

// The report exports need Node, so only this entry has them.
export { escapeFormula } from "./reports/formula-escape";
export { REPORT_JSON_FORMAT, REPORT_JSON_VERSION } from "./reports/json-report-writer";
export {
  type ExportReportOptions,
  type GenerateReportOptions,
  type Report,
  type ReportExport,
  type ReportFlushResult,
  type ReportFormat,
  ReportGenerator,
  type ReportGeneratorEvents,
  type ReportGeneratorOptions,
  type ReportGeneratorSnapshot,
  type ReportInputRow,
  type ReportInterval,
  type ReportMetricSource,
  type ReportPeriod,
  type ReportPeriodInput,
  type ReportRow,
  type ReportStatistic,
  type ReportStats,
  type ReportStorageFailure,
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
export { REPORT_GENERATOR_FORMAT } from "./reports/report-generator-snapshot";
// Everything else (collector, sinks, dashboards, charts, predictive analytics) is the universal entry, unchanged.
export * from "./universal/index";
