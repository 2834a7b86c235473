/**
 * What the page runs for `@pelbiot/analytics/universal`: the collector's tracking, batches and queries, a dashboard
 * widget over it, and a trend analysis.
 */
import {
  AnalyticsDataCollector,
  createMemoryAnalyticsSink,
  DashboardManager,
  PredictiveAnalyticsEngine,
} from "@pelbiot/analytics/universal";

export async function smoke() {
  const sink = createMemoryAnalyticsSink();
  const collector = new AnalyticsDataCollector({ sinks: [sink] });
  collector.trackEvent("user_login", { platform: "web", duration: 1500 }, "user-1");
  collector.trackEvent("user_login", { platform: "ios" }, "user-2");
  collector.recordMetric("api_response_time", 45.2, { endpoint: "/api/users", method: "GET" });
  collector.recordMetric("api_response_time", 61.8, { endpoint: "/api/orders", method: "GET" });
  collector.recordMetric("api_response_time", 50, { endpoint: "/api/users", method: "GET" });
  const batch = await collector.recordBatch({
    events: [{ name: "page_view", userId: "user-3", properties: { path: "/home" } }],
    metrics: Array.from({ length: 100 }, (_, index) => ({ name: "fps", value: index + 1 })),
  });

  const events = collector.getEventStats();
  const byEndpoint = collector.getMetricStats("api_response_time", { groupBy: ["endpoint"] });
  const [fps] = collector.getMetricStats("fps");

  const dashboards = new DashboardManager({ collector });
  const dashboard = await dashboards.createDashboard("Ops", "Browser smoke test", "user-1");
  const widget = await dashboards.addWidgetToDashboard(dashboard.id, "stat", {
    title: "Requests",
    metric: "api_response_time",
    aggregation: "count",
    timeRange: "1h",
  });
  const widgetData = await dashboards.getWidgetData(dashboard.id, widget.id);
  const html = await dashboards.renderDashboard(dashboard.id);

  const trend = new PredictiveAnalyticsEngine().calculateTrend(
    Array.from({ length: 30 }, (_, index) => 10 + 2 * index),
  );
  const { delivered } = await collector.shutdown();

  return {
    batch,
    totalEvents: events.totalEvents,
    distinctUsers: events.distinctUsers,
    byEndpoint: byEndpoint
      .map((stats) => ({ endpoint: stats.group.endpoint ?? "", count: stats.count, sum: stats.sum }))
      .sort((left, right) => left.endpoint.localeCompare(right.endpoint)),
    fps: fps === undefined ? null : { count: fps.count, min: fps.min, max: fps.max, p50: fps.p50, p99: fps.p99 },
    delivered,
    sinkBatches: sink.batches.length,
    widgetValue: widgetData.type === "stat" ? widgetData.value : null,
    renderedTitle: html.includes("<title>Ops</title>"),
    trend: { direction: trend.direction, senSlope: trend.senSlope },
  };
}
