import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReportGenerator, type ReportInputRow } from "../../src/reports/report-generator";
import { GUIDE_PERIOD, SEPTEMBER_1, sampleReport, septemberCollector } from "./report-fixtures";

const METRICS = ["a", "=b", 'c,"d"'];

function bytes(content: Uint8Array): Buffer {
  return Buffer.from(content);
}

describe("ReportGenerator: toJSON and fromJSON", { timeout: 60_000 }, () => {
  it("round-trips the kept reports through JSON text, and restored reports export byte-identical CSV and JSON", async () => {
    const { reports, report } = sampleReport();
    const hourly = reports.generateReport(
      "Hourly",
      ["Umsatz €"],
      { start: SEPTEMBER_1, end: SEPTEMBER_1 + 7_200_000 },
      "csv",
      {
        rows: [{ metric: "Umsatz €", timestamp: SEPTEMBER_1 + 60_000, value: 0.1 + 0.2 }],
        interval: "hour",
      },
    );
    const snapshot = reports.toJSON();
    expect(snapshot.format).toBe("pelbiot.analytics.ReportGenerator");
    expect(snapshot.version).toBe(1);
    expect(Object.keys(snapshot).sort()).toEqual(["format", "reports", "version"]);

    const restored = ReportGenerator.fromJSON(JSON.stringify(snapshot));
    expect(restored.listReports()).toEqual([report, hourly]);
    expect(restored.toJSON()).toEqual(snapshot);
    for (const id of [report.id, hourly.id]) {
      for (const options of [{}, { bom: true, delimiter: ";" }] as const) {
        const before = await reports.exportReport(id, "csv", options);
        const after = await restored.exportReport(id, "csv", options);
        expect(bytes(after.content).equals(bytes(before.content))).toBe(true);
      }
      const json = await restored.exportReport(id, "json");
      expect(bytes(json.content).equals(bytes((await reports.exportReport(id, "json")).content))).toBe(true);
    }
    // The restored reports are frozen, as generated ones are.
    expect(Object.isFrozen(restored.getReport(report.id).rows[0])).toBe(true);
  });

  it("never holds the source collector, and the restored generator uses the source it is given", async () => {
    const { collector } = septemberCollector();
    const reports = new ReportGenerator({ source: collector });
    reports.generateReport("Revenue", ["total_revenue"], GUIDE_PERIOD);
    const text = JSON.stringify(reports.toJSON());
    expect(text).not.toContain("getMetricStats");
    expect(JSON.parse(text)).toEqual(reports.toJSON());

    const withoutSource = ReportGenerator.fromJSON(text);
    expectPelbiotError(
      () => withoutSource.generateReport("Again", ["total_revenue"], GUIDE_PERIOD),
      "CONFIGURATION_ERROR",
    );
    const withSource = ReportGenerator.fromJSON(text, { source: collector });
    expect(withSource.generateReport("Again", ["total_revenue"], GUIDE_PERIOD).totals[0]?.sum).toBe(260.5);
    await collector.shutdown();
  });

  it("saves the restored reports to the new generator's storage, keeping only the newest past maxReports", async () => {
    const { reports } = sampleReport();
    const rows: ReportInputRow[] = [{ metric: "m", timestamp: SEPTEMBER_1, value: 1 }];
    const second = reports.generateReport("Second", ["m"], GUIDE_PERIOD, "json", { rows });
    const storage = createMemoryStorage();
    const restored = ReportGenerator.fromJSON(reports.toJSON(), { storage, maxReports: 1 });
    expect(restored.listReports()).toEqual([second]);
    expect(await restored.flush()).toEqual({ saved: 1, deleted: 0, failed: [] });
    expect(await new ReportGenerator({ storage }).loadReport(second.id)).toEqual(second);
  });

  it("restores exported CSV byte for byte for any rows (property)", async () => {
    const row = fc.record({
      metric: fc.constantFrom("a", "=b", 'c,"d"'),
      timestamp: fc.integer({ min: SEPTEMBER_1, max: SEPTEMBER_1 + 3 * 86_400_000 - 1 }),
      value: fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (drawn) => {
        // One row of each metric, so every metric is known to the rows.
        const rows = [...METRICS.map((metric) => ({ metric, timestamp: SEPTEMBER_1, value: 1 })), ...drawn];
        const reports = new ReportGenerator({ clock: createManualClock(0) });
        const report = reports.generateReport(
          "P",
          ["a", "=b", 'c,"d"'],
          { start: "2025-09-01", end: "2025-09-03" },
          "csv",
          { rows },
        );
        const restored = ReportGenerator.fromJSON(JSON.stringify(reports.toJSON()));
        const before = await reports.exportReport(report.id);
        const after = await restored.exportReport(report.id);
        expect(bytes(after.content).equals(bytes(before.content))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe("ReportGenerator.fromJSON: bad snapshots", () => {
  const { reports } = sampleReport();
  const good = () => JSON.parse(JSON.stringify(reports.toJSON()));

  it("rejects a foreign format with VALIDATION_ERROR and a newer version with UNSUPPORTED", () => {
    expectPelbiotError(
      () => ReportGenerator.fromJSON({ ...good(), format: "pelbiot.analytics.Dashboard" }),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(() => ReportGenerator.fromJSON({ ...good(), version: 2 }), "UNSUPPORTED");
    expectPelbiotError(() => ReportGenerator.fromJSON("{not json"), "VALIDATION_ERROR");
    expectPelbiotError(() => ReportGenerator.fromJSON(null), "VALIDATION_ERROR");
  });

  it("names every malformed field by its path", () => {
    const snapshot = good();
    snapshot.reports[0].rows[3].count = 1.5;
    snapshot.reports[0].rows[4].metric = "unknown";
    snapshot.reports[0].totals[0].mean = "12";
    snapshot.reports[0].period.start = "yesterday";
    snapshot.reports[0].interval = "week";
    snapshot.reports[0].defaultFormat = "docx";
    snapshot.reports[0].extra = true;
    expect(captureValidationIssues(() => ReportGenerator.fromJSON(snapshot))).toEqual([
      expect.stringMatching(/^json\.reports\.0\.extra: /),
      "json.reports.0.period.start: must be an ISO-8601 UTC instant",
      expect.stringMatching(/^json\.reports\.0\.interval: /),
      expect.stringMatching(/^json\.reports\.0\.defaultFormat: /),
      "json.reports.0.rows.3.count: must be an integer, got 1.5",
      `json.reports.0.rows.4.metric: must be one of the report's metrics, got "unknown"`,
      expect.stringMatching(/^json\.reports\.0\.totals\.0\.mean: must be a finite number/),
    ]);
  });

  it("rejects a report listed twice, a missing reports list and unknown top-level keys", () => {
    const twice = good();
    twice.reports.push(twice.reports[0]);
    expect(captureValidationIssues(() => ReportGenerator.fromJSON(twice))).toEqual([
      expect.stringMatching(/^json\.reports\.1\.id: repeats /),
    ]);
    const { reports: _dropped, ...header } = good();
    expect(captureValidationIssues(() => ReportGenerator.fromJSON({ ...header, collector: {} }))).toEqual([
      expect.stringMatching(/^json\.collector: /),
      expect.stringMatching(/^json\.reports: /),
    ]);
  });

  it("rejects bad options the way the constructor does", () => {
    const typo = expectPelbiotError(
      () => ReportGenerator.fromJSON(good(), { maxReport: 1 } as never),
      "VALIDATION_ERROR",
    );
    expect(typo.message).toContain("maxReports");
  });
});
