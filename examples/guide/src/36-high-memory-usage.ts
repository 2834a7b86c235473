/**
 * Guide, "Troubleshooting":
 * "Issue: High Memory Usage"
 *
 * Runs as written: the three keys are collector options (`autoCleanupInterval` is the documented alias of
 * `autoCleanupIntervalMs`). Past `maxEvents`, the oldest raw events are evicted and counted; aggregates stay exact.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";

export const title = "Issue: High Memory Usage";

export async function run() {
  const analyticsConfig = {
    maxEvents: 10000, // Limit events in memory
    maxMetrics: 5000, // Limit metrics in memory
    autoCleanupInterval: 3600000, // Hourly cleanup
  };
  const collector = new AnalyticsDataCollector(analyticsConfig);

  for (let index = 0; index < 10_050; index += 1) collector.trackEvent("page_view", { index }, "user-1");

  const result = {
    kept: collector.getEvents().length,
    total: collector.getEventStats("page_view").totalEvents,
    drops: collector.getDropCounters(),
  };
  await collector.shutdown();
  return result;
}
