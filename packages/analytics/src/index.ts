/**
 * @module @pelbiot/analytics
 *
 * Analytics: event collection, dashboards, report exports and predictive analytics.
 *
 * This release ships the package skeleton only (build, exports map, types); AnalyticsDataCollector, DashboardManager, ReportGenerator and PredictiveAnalyticsEngine
 * arrive in the next minor releases. Nothing here pretends to work before it does.
 */
export {};
