/**
 * Guide, "Production Deployment":
 * "Monitoring Setup"
 *
 * The `metrics` table runs as written. `alertManager.setAlert` cannot: PELBIOT has no alert manager or pager. The
 * nearest working form is a dashboard `stat` widget with thresholds: it computes the metric over the window and says
 * `ok`, `warning` or `critical`, and the app pages on `critical`. The set-up records a few response times.
 */
import { AnalyticsDataCollector, DashboardManager } from "@pelbiot/analytics";

export const title = "Monitoring Setup";

export async function run() {
  // Key metrics to monitor
  const metrics = {
    "api.response_time": "Average < 100ms",
    "anomaly.detection_accuracy": "Accuracy > 0.9",
    "payment.success_rate": "Success rate > 0.99",
    "sync.conflicts_resolved": "Automatic resolution > 0.95",
    "recommendation.click_through_rate": "CTR > 0.05",
  };

  const collector = new AnalyticsDataCollector();
  for (const value of [120, 240, 310]) collector.recordMetric("response_time", value);
  const alertManager = new DashboardManager({ collector });
  const alerts = await alertManager.createDashboard("Alerts", "On-call alerts", "ops");
  const paged: string[] = [];

  // Set up alerts
  const alert = await alertManager.addWidgetToDashboard(alerts.id, "stat", {
    title: "response_time",
    metric: "response_time",
    aggregation: "mean",
    timeRange: "5m", // window: 300000
    thresholds: { critical: 200 }, // threshold: 200 ms
  });
  const data = await alertManager.getWidgetData(alerts.id, alert.id);
  if (data.type === "stat" && data.status === "critical") paged.push(`page: response_time ${data.value} ms`); // action: 'page'

  await collector.shutdown();
  return { monitored: Object.keys(metrics).length, paged };
}
