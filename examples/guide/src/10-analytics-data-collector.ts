/**
 * Guide, "Module Details › 3. Advanced Analytics":
 * "AnalyticsDataCollector - Data Collection"
 *
 * Runs as written: tracking and the statistics are synchronous (in-memory aggregates). `shutdown()` stops the
 * collector's timers and flushes its sinks once the work is done.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";

export const title = "AnalyticsDataCollector - Data Collection";

export async function run() {
  // Initialize
  const collector = new AnalyticsDataCollector();

  // Track event
  collector.trackEvent(
    "user_login",
    {
      platform: "web",
      duration: 1500,
    },
    "user-1",
  );

  // Record metric
  collector.recordMetric("api_response_time", 45.2, {
    endpoint: "/api/users",
    method: "GET",
  });

  // Get statistics
  const eventStats = collector.getEventStats();
  const metricStats = collector.getMetricStats();

  await collector.shutdown();
  return {
    totalEvents: eventStats.totalEvents,
    distinctUsers: eventStats.distinctUsers,
    metrics: metricStats.map((stats) => ({ name: stats.name, count: stats.count, mean: stats.mean })),
  };
}
