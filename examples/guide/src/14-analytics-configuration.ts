/**
 * Guide, "Module Details › 3. Advanced Analytics › Configuration"
 *
 * The object runs as written; it holds the options of two classes. `trackingInterval`, `aggregationWindow` and
 * `dataRetentionDays` configure the collector (the first two are the documented aliases of `trackingIntervalMs` and
 * `aggregationWindowMs`), `maxDashboards` and `maxWidgetsPerDashboard` the dashboard manager. Each class rejects
 * options it does not know, so each gets its own part.
 */
import { AnalyticsDataCollector, DashboardManager } from "@pelbiot/analytics";

export const title = "Configuration";

export async function run() {
  const analyticsConfig = {
    trackingInterval: 1000,
    aggregationWindow: 60000,
    dataRetentionDays: 90,
    maxDashboards: 100,
    maxWidgetsPerDashboard: 20,
  };

  const { trackingInterval, aggregationWindow, dataRetentionDays, ...dashboardOptions } = analyticsConfig;
  const collector = new AnalyticsDataCollector({ trackingInterval, aggregationWindow, dataRetentionDays });
  const dashboards = new DashboardManager({ ...dashboardOptions, collector });

  // The whole object given to one class: its unknown keys are named.
  let rejected = "";
  try {
    new AnalyticsDataCollector(analyticsConfig);
  } catch (error) {
    rejected = (error as { code: string }).code;
  }

  const dashboard = await dashboards.createDashboard("Ops", "Configured from analyticsConfig", "user-1");
  await collector.shutdown();
  return { dashboard: dashboard.name, rejected };
}
