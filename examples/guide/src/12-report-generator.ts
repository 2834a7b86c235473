/**
 * Guide, "Module Details › 3. Advanced Analytics":
 * "ReportGenerator - Report Generation"
 *
 * Cannot run quite as written: a report aggregates metrics from somewhere, and `new ReportGenerator()` has no
 * source, so `generateReport` throws CONFIGURATION_ERROR. The nearest working form passes the collector the metrics
 * were recorded in (`source`); the minimal set-up records a few September values. `generateReport` is synchronous;
 * exports render real files (CSV, PDF, Excel) and return promises, so they take `await`.
 */
import { AnalyticsDataCollector, ReportGenerator } from "@pelbiot/analytics";

export const title = "ReportGenerator - Report Generation";

export async function run() {
  const collector = new AnalyticsDataCollector({ dataRetentionDays: 36500 });
  for (const [day, amount] of [
    [3, 120],
    [3, 80],
    [17, 99.5],
  ] as const) {
    const timestamp = Date.UTC(2025, 8, day, 10);
    collector.recordMetric("total_revenue", amount, {}, { timestamp });
    collector.recordMetric("transaction_count", 1, {}, { timestamp });
  }

  // Initialize
  const reports = new ReportGenerator({ source: collector });

  // Generate report
  const report = reports.generateReport(
    "Monthly Revenue Report",
    ["total_revenue", "transaction_count"],
    { start: "2025-09-01", end: "2025-09-30" },
    "json",
  );

  // Export in different formats
  const csvExport = await reports.exportReport(report.id, "csv");
  const pdfExport = await reports.exportReport(report.id, "pdf");
  const excelExport = await reports.exportReport(report.id, "excel");

  await collector.shutdown();
  return {
    totals: report.totals.map((total) => ({ metric: total.metric, count: total.count, sum: total.sum })),
    csv: new TextDecoder().decode(csvExport.content),
    pdf: pdfExport.content,
    excel: excelExport.content,
  };
}
