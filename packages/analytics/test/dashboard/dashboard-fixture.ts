// A dashboard with every widget type over a collector filled with a day of deterministic data, shared by the
// HTML and browser tests.
import { createManualClock } from "@pelbiot/core";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";

export const NOW = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

/** The titles of the fixture's widgets, in order; one holds markup that must come out escaped. */
export const WIDGET_TITLES = [
  "Revenue (24h)",
  "Revenue by region",
  "Orders today",
  "CPU load",
  "Slowest endpoints",
  "<script>alert('x')</script> & co",
] as const;

export interface DashboardFixture {
  readonly collector: AnalyticsDataCollector;
  readonly dashboards: DashboardManager;
  readonly dashboardId: string;
}

/** Builds the fixture; call `collector.shutdown()` afterwards. */
export async function createDashboardFixture(): Promise<DashboardFixture> {
  const clock = createManualClock(NOW);
  const collector = new AnalyticsDataCollector({ clock, trackingIntervalMs: 0, autoCleanupIntervalMs: 0 });
  const regions = ["north", "south", "east"];
  for (let minute = 24 * 60; minute > 0; minute -= 10) {
    const timestamp = NOW - minute * MINUTE;
    regions.forEach((region, index) => {
      const value = 200 + 120 * Math.sin(minute / 180 + index) + 40 * index;
      collector.recordMetric("total_revenue", Math.round(value), { region }, { timestamp });
    });
    collector.recordMetric("orders", 1 + (minute % 7), {}, { timestamp });
    collector.recordMetric("cpu", 40 + 30 * Math.cos(minute / 90), {}, { timestamp });
    collector.recordMetric(
      "rt",
      20 + (minute % 50),
      { endpoint: minute % 3 === 0 ? "/api/users" : "/api/orders" },
      { timestamp },
    );
  }
  const dashboards = new DashboardManager({ clock, collector });
  const { id } = await dashboards.createDashboard("Sales Dashboard", "Real-time sales metrics", "user-1");
  const [revenue, byRegion, orders, cpu, slowest, hostile] = WIDGET_TITLES;
  await dashboards.addWidgetToDashboard(id, "chart", {
    title: revenue,
    metric: "total_revenue",
    timeRange: "24h",
    aggregation: "sum",
  });
  await dashboards.addWidgetToDashboard(id, "chart", {
    title: byRegion,
    metric: "total_revenue",
    timeRange: "24h",
    interval: "1h",
    groupBy: "region",
  });
  await dashboards.addWidgetToDashboard(id, "stat", {
    title: orders,
    metric: "orders",
    timeRange: "24h",
    decimals: 0,
    thresholds: { warning: 10_000 },
  });
  await dashboards.addWidgetToDashboard(id, "gauge", {
    title: cpu,
    metric: "cpu",
    timeRange: "1h",
    max: 100,
    unit: "%",
    thresholds: { warning: 70, critical: 90 },
  });
  await dashboards.addWidgetToDashboard(id, "table", {
    title: slowest,
    metric: "rt",
    timeRange: "24h",
    groupBy: ["endpoint"],
    columns: ["count", "mean", "p95"],
  });
  await dashboards.addWidgetToDashboard(id, "stat", {
    title: hostile,
    metric: "missing",
    timeRange: "15m",
    aggregation: "mean",
  });
  return { collector, dashboards, dashboardId: id };
}
