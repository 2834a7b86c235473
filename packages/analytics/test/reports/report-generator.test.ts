import { createManualClock, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReportGenerator, type ReportGeneratorEvents, type ReportInputRow } from "../../src/reports/report-generator";
import { DAY, GUIDE_PERIOD, SEPTEMBER_1, sampleReport, septemberCollector } from "./report-fixtures";

// The first export of each format loads exceljs or pdfkit, which takes seconds on a busy machine.
describe("ReportGenerator: the guide's contract", { timeout: 60_000 }, () => {
  it("runs the guide's calls on a collector, with await on the exports", async () => {
    const { collector } = septemberCollector();
    const reports = new ReportGenerator({ source: collector });
    const report = reports.generateReport(
      "Monthly Revenue Report",
      ["total_revenue", "transaction_count"],
      { start: "2025-09-01", end: "2025-09-30" },
      "json",
    );
    const csvExport = await reports.exportReport(report.id, "csv");
    const pdfExport = await reports.exportReport(report.id, "pdf");
    const excelExport = await reports.exportReport(report.id, "excel");

    expect(report.period).toEqual({
      start: "2025-09-01T00:00:00.000Z",
      end: "2025-10-01T00:00:00.000Z",
      label: "2025-09-01 – 2025-09-30",
    });
    expect(report.rows).toHaveLength(60);
    expect(report.totals).toEqual([
      expect.objectContaining({ metric: "total_revenue", count: 4, sum: 260.5, min: 30.5, max: 100 }),
      expect.objectContaining({ metric: "transaction_count", count: 4, sum: 4, mean: 1 }),
    ]);
    expect(report.rows.slice(0, 2)).toEqual([
      expect.objectContaining({ start: "2025-09-01T00:00:00.000Z", metric: "total_revenue", count: 2, sum: 150 }),
      expect.objectContaining({ start: "2025-09-01T00:00:00.000Z", metric: "transaction_count", count: 2, sum: 2 }),
    ]);
    expect(report.rows.at(-1)).toEqual(
      expect.objectContaining({ start: "2025-09-30T00:00:00.000Z", count: 0, sum: 0, mean: null, p95: null }),
    );
    expect(csvExport.filename).toBe("monthly-revenue-report_2025-09-01_2025-09-30.csv");
    expect(csvExport.mimeType).toBe("text/csv; charset=utf-8");
    expect(Buffer.from(pdfExport.content).subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdfExport.filename.endsWith(".pdf")).toBe(true);
    // An .xlsx file is a zip archive.
    expect(Buffer.from(excelExport.content).subarray(0, 2).toString()).toBe("PK");
    expect(excelExport.mimeType).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    await collector.shutdown();
  });

  it("exports the report's own format when none is given, and JSON holds the documented model", async () => {
    const { reports, report } = sampleReport();
    const json = await reports.exportReport(report.id);
    const parsed = JSON.parse(Buffer.from(json.content).toString("utf8"));

    expect(json.mimeType).toBe("application/json");
    expect(json.filename).toBe("monatsbericht-strasse-lodz_2025-09-01_2025-09-30.json");
    expect(parsed).toEqual({ format: "pelbiot.analytics.Report", version: 1, ...JSON.parse(JSON.stringify(report)) });
    expect(reports.getReport(report.id)).toBe(report);
  });
});

describe("ReportGenerator: JSON export", { timeout: 30_000 }, () => {
  it("streams exactly the text of JSON.stringify, for every indentation and thousands of rows", async () => {
    const reports = new ReportGenerator();
    const rows = [{ metric: "m", timestamp: SEPTEMBER_1, value: 1 }];
    const long = reports.generateReport(
      'Title "quoted" \u0000rows',
      ["m"],
      { start: SEPTEMBER_1, end: SEPTEMBER_1 + 100 * DAY },
      "json",
      {
        rows,
        interval: "hour",
      },
    );
    for (const indent of [0, 2, 4]) {
      const text = Buffer.from((await reports.exportReport(long.id, "json", { indent })).content).toString("utf8");
      const expected = JSON.stringify({ format: "pelbiot.analytics.Report", version: 1, ...long }, null, indent);
      expect(long.rows).toHaveLength(2400);
      expect(text).toBe(`${expected}\n`);
    }
  });
});

describe("ReportGenerator: aggregation", () => {
  it("computes exact stats from rows: nearest-rank quantiles, rows outside the period ignored", () => {
    const reports = new ReportGenerator();
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    const rows: ReportInputRow[] = values.map((value) => ({
      metric: "latency",
      timestamp: SEPTEMBER_1 + value,
      value,
    }));
    rows.push({ metric: "latency", timestamp: SEPTEMBER_1 - 1, value: 1000 });
    rows.push({ metric: "latency", timestamp: SEPTEMBER_1 + 2 * DAY, value: 1000 });
    rows.push({ metric: "other", timestamp: SEPTEMBER_1, value: 5 });
    const report = reports.generateReport("Latency", ["latency"], { start: "2025-09-01", end: "2025-09-02" }, "csv", {
      rows,
    });

    expect(report.rows).toHaveLength(2);
    expect(report.rows[0]).toEqual({
      start: "2025-09-01T00:00:00.000Z",
      end: "2025-09-02T00:00:00.000Z",
      metric: "latency",
      count: 20,
      sum: 210,
      mean: 10.5,
      min: 1,
      max: 20,
      p50: 10,
      p95: 19,
    });
    expect(report.totals[0]).toEqual({ ...report.rows[0], start: undefined, end: undefined, metric: "latency" });
  });

  it("buckets by hour and clips the first and last bucket to an instant period", () => {
    const reports = new ReportGenerator();
    const start = SEPTEMBER_1 + 30 * 60_000; // 00:30
    const end = SEPTEMBER_1 + 2 * 3_600_000 + 15 * 60_000; // 02:15
    const rows = [0, 1, 2].map((hour) => ({
      metric: "m",
      timestamp: SEPTEMBER_1 + hour * 3_600_000 + 40 * 60_000,
      value: hour,
    }));
    const report = reports.generateReport("Hourly", ["m"], { start, end }, "json", { rows, interval: "hour" });

    expect(report.rows.map((row) => [row.start.slice(11, 16), row.end.slice(11, 16), row.count])).toEqual([
      ["00:30", "01:00", 1],
      ["01:00", "02:00", 1],
      ["02:00", "02:15", 0],
    ]);
    expect(report.period.label).toBe("2025-09-01 00:30 – 2025-09-01 02:15 UTC");
  });

  it("totals equal the sum of the bucket counts and sums, for any rows (property)", () => {
    const reports = new ReportGenerator({ maxReports: 1 });
    const row = fc.record({
      metric: fc.constantFrom("a", "b"),
      timestamp: fc.integer({ min: SEPTEMBER_1 - DAY, max: SEPTEMBER_1 + 10 * DAY }),
      value: fc.integer({ min: -1000, max: 1000 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 200 }), (input) => {
        const rows = [...input, { metric: "a", timestamp: 0, value: 0 }, { metric: "b", timestamp: 0, value: 0 }];
        const report = reports.generateReport("P", ["a", "b"], { start: "2025-09-01", end: "2025-09-07" }, "json", {
          rows,
        });
        for (const total of report.totals) {
          const own = report.rows.filter((entry) => entry.metric === total.metric);
          const inPeriod = input.filter(
            (entry) =>
              entry.metric === total.metric &&
              entry.timestamp >= SEPTEMBER_1 &&
              entry.timestamp < SEPTEMBER_1 + 7 * DAY,
          );
          expect(own).toHaveLength(7);
          expect(total.count).toBe(inPeriod.length);
          expect(own.reduce((sum, entry) => sum + entry.count, 0)).toBe(total.count);
          expect(own.reduce((sum, entry) => sum + entry.sum, 0)).toBe(total.sum);
          if (total.count > 0) {
            expect(total.min).toBe(Math.min(...inPeriod.map((entry) => entry.value)));
            expect(total.p95).toBeGreaterThanOrEqual(total.p50 as number);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("ReportGenerator: bad input", { timeout: 30_000 }, () => {
  const reports = new ReportGenerator();
  const rows = [{ metric: "m", timestamp: SEPTEMBER_1, value: 1 }];

  it("rejects an empty, reversed or malformed period", () => {
    for (const period of [
      { start: "2025-09-10", end: "2025-09-01" },
      { start: SEPTEMBER_1, end: SEPTEMBER_1 },
    ]) {
      const issues = captureValidationIssues(() => reports.generateReport("T", ["m"], period, "json", { rows }));
      expect(issues).toEqual(["period: is empty or reversed: end must come after start"]);
    }
    const issues = captureValidationIssues(() =>
      reports.generateReport("T", ["m"], { start: "September", end: undefined } as never, "json", { rows }),
    );
    expect(issues.map((issue) => issue.split(":")[0])).toEqual(["period.start", "period.end"]);
  });

  it("names every bad argument, an unknown metric and malformed rows", () => {
    const error = expectPelbiotError(
      () =>
        reports.generateReport(
          "",
          ["m", "m"],
          GUIDE_PERIOD,
          "word" as never,
          {
            rows: [{ metric: "m", timestamp: "yesterday", value: 1 }],
            interval: "week",
          } as never,
        ),
      "VALIDATION_ERROR",
    );
    expect(error.message).toContain("Invalid input to ReportGenerator.generateReport");
    expect(
      captureValidationIssues(() => reports.generateReport("T", ["m", "nope"], GUIDE_PERIOD, "json", { rows })),
    ).toEqual(['metrics.1: names unknown metric "nope": no row has it']);
    const many = Array.from({ length: 15 }, () => ({ metric: "m", timestamp: SEPTEMBER_1, value: Number.NaN }));
    const issues = captureValidationIssues(() =>
      reports.generateReport("T", ["m"], GUIDE_PERIOD, "json", { rows: many }),
    );
    expect(issues.map((issue) => issue.split(":")[0])).toEqual([
      ...Array.from({ length: 10 }, (_, index) => `options.rows.${index}`),
      "options.rows",
      "metrics.0",
    ]);
  });

  it("rejects an unknown metric of the collector", async () => {
    const { collector } = septemberCollector();
    const fromCollector = new ReportGenerator({ source: collector });
    expect(captureValidationIssues(() => fromCollector.generateReport("T", ["revenue"], GUIDE_PERIOD))).toEqual([
      'metrics.0: names unknown metric "revenue": the source has no data for it',
    ]);
    await collector.shutdown();
  });

  it("wraps a failing source or rows iterable in a PelbiotError", () => {
    const broken = new ReportGenerator({
      source: {
        getMetricStats: () => {
          throw new TypeError("connection lost");
        },
      },
    });
    const error = expectPelbiotError(() => broken.generateReport("T", ["m"], GUIDE_PERIOD), "INTERNAL_ERROR");
    expect(error.message).toBe("ReportGenerator.generateReport: reading the metrics failed: connection lost");
    expect((error.cause as Error).message).toBe("connection lost");
    function* failing() {
      yield { metric: "m", timestamp: SEPTEMBER_1, value: 1 };
      throw new RangeError("cursor closed");
    }
    expectPelbiotError(
      () => reports.generateReport("T", ["m"], GUIDE_PERIOD, "json", { rows: failing() }),
      "INTERNAL_ERROR",
    );
  });

  it("needs rows or a source, and keeps the row limit", () => {
    expectPelbiotError(() => reports.generateReport("T", ["m"], GUIDE_PERIOD), "CONFIGURATION_ERROR");
    const small = new ReportGenerator({ maxRows: 10 });
    const error = expectPelbiotError(
      () => small.generateReport("T", ["m"], GUIDE_PERIOD, "json", { rows }),
      "LIMIT_EXCEEDED",
    );
    expect(error.details).toEqual({ limit: 10, got: 30 });
  });

  it("rejects unknown report ids, formats and export options", async () => {
    const report = reports.generateReport("T", ["m"], GUIDE_PERIOD, "json", { rows });
    const missing = await expectPelbiotErrorAsync(() => reports.exportReport("no-such-id", "csv"), "NOT_FOUND");
    expect(missing.details).toEqual({ id: "no-such-id" });
    expectPelbiotError(() => reports.getReport("no-such-id"), "NOT_FOUND");
    await expectPelbiotErrorAsync(() => reports.exportReport(report.id, "docx" as never), "VALIDATION_ERROR");
    const typo = await expectPelbiotErrorAsync(
      () => reports.exportReport(report.id, "csv", { escapeFormula: false } as never),
      "VALIDATION_ERROR",
    );
    expect(typo.message).toContain("escapeFormulas");
    await expectPelbiotErrorAsync(() => reports.exportReport(report.id, "csv", { delimiter: '"' }), "VALIDATION_ERROR");
    await expectPelbiotErrorAsync(() => reports.writeReport(report.id, "csv", 42 as never), "VALIDATION_ERROR");
  });

  it("rejects misspelt constructor options and a bad source", () => {
    const error = expectPelbiotError(() => new ReportGenerator({ maxReport: 3 } as never), "VALIDATION_ERROR");
    expect(error.message).toContain("maxReports");
    expectPelbiotError(() => new ReportGenerator({ source: {} as never }), "VALIDATION_ERROR");
  });

  it("forgets the oldest report past maxReports, and deleteReport removes one", () => {
    const few = new ReportGenerator({ maxReports: 2 });
    const ids = [1, 2, 3].map((index) => few.generateReport(`R${index}`, ["m"], GUIDE_PERIOD, "json", { rows }).id);
    expect(few.listReports().map((report) => report.id)).toEqual(ids.slice(1));
    expect(few.deleteReport(ids[1] as string)).toBe(true);
    expect(few.deleteReport(ids[1] as string)).toBe(false);
    expect(
      PelbiotError.is(
        captureError(() => few.getReport(ids[0] as string)),
        "NOT_FOUND",
      ),
    ).toBe(true);
  });
});

describe("ReportGenerator: scheduled reports", { timeout: 30_000 }, () => {
  it("generates a report every interval on the manual clock and stops when cancelled", async () => {
    const { collector, clock } = septemberCollector();
    const reports = new ReportGenerator({ source: collector, clock });
    const generated: ReportGeneratorEvents["report_generated"][0][] = [];
    reports.on("report_generated", (event) => generated.push(event));
    const schedule = reports.scheduleReport(
      { title: "Weekly revenue", metrics: ["total_revenue"], format: "csv", lookbackMs: 40 * DAY },
      7 * DAY,
    );

    clock.advance(7 * DAY - 1);
    expect(generated).toHaveLength(0);
    clock.advance(1);
    clock.advance(7 * DAY);
    expect(generated).toHaveLength(2);
    expect(generated[0]?.scheduleId).toBe(schedule.id);
    expect(generated[0]?.report.defaultFormat).toBe("csv");
    expect(generated[0]?.report.totals[0]?.sum).toBe(260.5);
    expect((await reports.exportReport(generated[1]?.report.id as string)).filename.endsWith(".csv")).toBe(true);

    schedule.cancel();
    clock.advance(30 * DAY);
    expect(generated).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
    await collector.shutdown();
  });

  it("reports a failed run and keeps the schedule; rejects a schedule without a source or with a bad spec", async () => {
    const clock = createManualClock(SEPTEMBER_1);
    const source = { getMetricStats: () => [] };
    const reports = new ReportGenerator({ source, clock });
    const failures: string[] = [];
    reports.on("report_failed", ({ error }) => failures.push(error.code));
    reports.scheduleReport({ title: "T", metrics: ["gone"] }, 60_000);
    clock.advance(120_000);
    expect(failures).toEqual(["VALIDATION_ERROR", "VALIDATION_ERROR"]);
    reports.close();
    expect(clock.pendingTimers).toBe(0);

    expectPelbiotError(
      () => new ReportGenerator({ clock }).scheduleReport({ title: "T", metrics: ["m"] }, 60_000),
      "CONFIGURATION_ERROR",
    );
    const issues = captureValidationIssues(() =>
      reports.scheduleReport({ title: "T", metrics: [], every: 1 } as never, 10),
    );
    expect(issues.map((issue) => issue.split(":")[0])).toEqual(["every", "spec.every", "spec.metrics"]);
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
