import { createManualClock, type ManualClock } from "@pelbiot/core";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { ReportGenerator, type ReportInputRow } from "../../src/reports/report-generator";

/** 2025-09-01T00:00:00Z, the first day of the guide's period. */
export const SEPTEMBER_1 = Date.UTC(2025, 8, 1);
export const DAY = 86_400_000;
export const GUIDE_PERIOD = { start: "2025-09-01", end: "2025-09-30" };

/** A collector on a manual clock holding revenue and transaction counts for the first three days of September. */
export function septemberCollector(): { collector: AnalyticsDataCollector; clock: ManualClock } {
  const clock = createManualClock(Date.UTC(2025, 9, 1));
  const collector = new AnalyticsDataCollector({
    clock,
    dataRetentionDays: 365,
    trackingIntervalMs: 0,
    autoCleanupIntervalMs: 0,
  });
  for (const [day, revenue] of [
    [0, 100],
    [0, 50],
    [1, 80],
    [2, 30.5],
  ] as const) {
    collector.recordMetric("total_revenue", revenue, {}, { timestamp: SEPTEMBER_1 + day * DAY + 3_600_000 });
    collector.recordMetric("transaction_count", 1, {}, { timestamp: SEPTEMBER_1 + day * DAY + 3_600_000 });
  }
  return { collector, clock };
}

/** Rows with accents, a formula-looking metric name and a multi-line one, for the export tests. */
export function sampleRows(): ReportInputRow[] {
  const rows: ReportInputRow[] = [];
  for (let day = 0; day < 30; day += 1) {
    rows.push({ metric: "Umsatz €", timestamp: SEPTEMBER_1 + day * DAY + 1000, value: 1000 + day * 10.25 });
    rows.push({ metric: "Umsatz €", timestamp: SEPTEMBER_1 + day * DAY + 2000, value: 500 });
    rows.push({ metric: "zażółć gęślą", timestamp: SEPTEMBER_1 + day * DAY, value: day % 7 });
  }
  return rows;
}

export function sampleReport(title = "Monatsbericht Straße – Łódź") {
  const clock = createManualClock(Date.UTC(2025, 9, 1, 8));
  const reports = new ReportGenerator({ clock });
  const report = reports.generateReport(title, ["Umsatz €", "zażółć gęślą"], GUIDE_PERIOD, "json", {
    rows: sampleRows(),
  });
  return { reports, report, clock };
}
