/**
 * Guide, "Module Details › 3. Advanced Analytics":
 * "DashboardManager - Dashboard Creation"
 *
 * Dashboards live in a storage adapter (memory by default), which is asynchronous, so every call takes `await`.
 */
import { DashboardManager } from "@pelbiot/analytics";

export const title = "DashboardManager - Dashboard Creation";

export async function run() {
  // Initialize
  const dashboards = new DashboardManager();

  // Create dashboard
  const dashboard = await dashboards.createDashboard("Sales Dashboard", "Real-time sales metrics", "user-1");

  // Add widget
  await dashboards.addWidgetToDashboard(dashboard.id, "chart", {
    title: "Revenue",
    metric: "total_revenue",
    timeRange: "24h",
  });

  // Retrieve dashboard
  const retrieved = await dashboards.getDashboard(dashboard.id);

  return {
    name: retrieved.name,
    owner: retrieved.owner,
    widgets: retrieved.widgets.map((widget) => [widget.type, widget.config.title]),
  };
}
