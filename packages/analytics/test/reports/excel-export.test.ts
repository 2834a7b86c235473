// Excel exports read back with SheetJS, a reader independent of the exceljs writer.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as XLSX from "xlsx";
import { ReportGenerator } from "../../src/reports/report-generator";
import { GUIDE_PERIOD, SEPTEMBER_1, sampleReport } from "./report-fixtures";

const HEADER = ["period_start", "period_end", "metric", "count", "sum", "mean", "min", "max", "p50", "p95"];
const directories: string[] = [];

afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

function readWorkbook(content: Uint8Array): XLSX.WorkBook {
  return XLSX.read(Buffer.from(content), { type: "buffer", cellDates: true, cellStyles: true, bookFiles: true });
}

function cell(sheet: XLSX.WorkSheet | undefined, address: string): XLSX.CellObject | undefined {
  return sheet?.[address] as XLSX.CellObject | undefined;
}

/** The raw XML of a part of the workbook's zip archive. */
function part(workbook: XLSX.WorkBook, name: string): string {
  const files = (workbook as unknown as { files: Record<string, { content?: Uint8Array; _data?: unknown }> }).files;
  const entry = files[name] ?? files[`/${name}`];
  const content = entry?.content;
  return content === undefined ? "" : Buffer.from(content).toString("utf8");
}

describe("Excel export", { timeout: 60_000 }, () => {
  it("has a summary and a data sheet with the same cells and types: dates, numbers, text, empty statistics", async () => {
    const { reports, report } = sampleReport();
    const workbook = readWorkbook((await reports.exportReport(report.id, "excel")).content);
    expect(workbook.SheetNames).toEqual(["Summary", "Data"]);

    const data = workbook.Sheets.Data;
    const rows = XLSX.utils.sheet_to_json<unknown[]>(data as XLSX.WorkSheet, { header: 1, raw: true });
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(1 + report.rows.length + report.totals.length);
    report.rows.forEach((row, index) => {
      const line = index + 2;
      expect(cell(data, `A${line}`)).toMatchObject({ t: "d", v: new Date(row.start) });
      expect(cell(data, `B${line}`)).toMatchObject({ t: "d", v: new Date(row.end) });
      expect(cell(data, `C${line}`)).toMatchObject({ t: "s", v: row.metric });
      expect(cell(data, `D${line}`)).toMatchObject({ t: "n", v: row.count });
      expect(cell(data, `E${line}`)).toMatchObject({ t: "n", v: row.sum });
      expect(cell(data, `J${line}`)?.v ?? null).toBe(row.p95);
    });
    expect(cell(data, "A2")?.z).toBe("yyyy-mm-dd");
    // The totals rows close the data: the whole period, one per metric.
    const totalsLine = report.rows.length + 2;
    expect(cell(data, `A${totalsLine}`)).toMatchObject({ t: "d", v: new Date(report.period.start) });
    expect(cell(data, `C${totalsLine}`)?.v).toBe("Umsatz €");
    expect(cell(data, `E${totalsLine}`)).toMatchObject({ t: "n", v: report.totals[0]?.sum });

    const summary = workbook.Sheets.Summary;
    expect(cell(summary, "A1")?.v).toBe("Monatsbericht Straße – Łódź");
    expect(cell(summary, "B2")?.v).toBe("2025-09-01 – 2025-09-30");
    expect(cell(summary, "A6")?.v).toBe("Umsatz €");
    expect(cell(summary, "C6")).toMatchObject({ t: "n", v: report.totals[0]?.sum });

    // Frozen, bold header row and column widths, read from the sheet's own XML.
    const sheetXml = part(workbook, "xl/worksheets/sheet2.xml");
    expect(sheetXml).toMatch(/<pane[^>]*ySplit="1"[^>]*state="frozen"/);
    expect(sheetXml).toMatch(/<col [^>]*width="28"/);
    expect(part(workbook, "xl/styles.xml")).toContain("<b/>");
  });

  it("draws the totals rows bold under a thin top rule, and leaves the data rows' numbers in the General format", async () => {
    const { reports, report } = sampleReport();
    const workbook = readWorkbook((await reports.exportReport(report.id, "excel")).content);
    const styles = part(workbook, "xl/styles.xml");
    const cellFormats = [...(styles.match(/<cellXfs[^>]*>(.*?)<\/cellXfs>/)?.[1] ?? "").matchAll(/<xf [^>]*\/>/g)].map(
      ([xf]) => xf,
    );
    const fonts = [...(styles.match(/<fonts[^>]*>(.*?)<\/fonts>/)?.[1] ?? "").matchAll(/<font>.*?<\/font>/g)].map(
      ([font]) => font,
    );
    const borders = [...(styles.match(/<borders[^>]*>(.*?)<\/borders>/)?.[1] ?? "").matchAll(/<border>.*?<\/border>/g)];
    const sheetXml = part(workbook, "xl/worksheets/sheet2.xml");
    /** The cell format of a cell, read from its `s` attribute (none: format 0). */
    const formatOf = (address: string): string => {
      const index = Number(sheetXml.match(new RegExp(`<c r="${address}"(?: s="(\\d+)")?`))?.[1] ?? 0);
      return cellFormats[index] ?? "";
    };
    const attribute = (xf: string, name: string) => Number(xf.match(new RegExp(`${name}="(\\d+)"`))?.[1]);

    const totalsLine = report.rows.length + 2;
    for (const column of ["A", "C", "E"]) {
      const xf = formatOf(`${column}${totalsLine}`);
      expect(fonts[attribute(xf, "fontId")]).toContain("<b/>");
      expect(borders[attribute(xf, "borderId")]?.[0]).toMatch(/<top style="thin">/);
    }
    expect(attribute(formatOf(`A${totalsLine}`), "numFmtId")).toBeGreaterThanOrEqual(164);
    for (const address of ["C2", "D2", "E2", "J3"]) {
      const xf = formatOf(address);
      expect(attribute(xf, "numFmtId")).toBe(0);
      expect(fonts[attribute(xf, "fontId")]).not.toContain("<b/>");
    }
  });

  it("formats hourly buckets with the time of day", async () => {
    const reports = new ReportGenerator();
    const report = reports.generateReport(
      "Hourly",
      ["m"],
      { start: SEPTEMBER_1, end: SEPTEMBER_1 + 3 * 3_600_000 },
      "excel",
      {
        rows: [{ metric: "m", timestamp: SEPTEMBER_1 + 3_600_000, value: 4 }],
        interval: "hour",
      },
    );
    const data = readWorkbook((await reports.exportReport(report.id)).content).Sheets.Data;
    expect(cell(data, "A3")).toMatchObject({ t: "d", v: new Date(SEPTEMBER_1 + 3_600_000), z: "yyyy-mm-dd hh:mm" });
    expect(cell(data, "D3")).toMatchObject({ t: "n", v: 1 });
  });

  it("stores a crafted formula as inert text, never as a formula", async () => {
    const reports = new ReportGenerator();
    const crafted = '=HYPERLINK("http://attacker.example/","Click")';
    const report = reports.generateReport(crafted, [crafted], GUIDE_PERIOD, "excel", {
      rows: [{ metric: crafted, timestamp: SEPTEMBER_1, value: 1 }],
    });
    const workbook = readWorkbook((await reports.exportReport(report.id)).content);
    for (const [sheet, address] of [
      ["Data", "C2"],
      ["Summary", "A1"],
      ["Summary", "A6"],
    ] as const) {
      const value = cell(workbook.Sheets[sheet], address);
      expect(value).toMatchObject({ t: "s", v: `'${crafted}` });
      expect(value?.f).toBeUndefined();
    }
    const unsafe = readWorkbook((await reports.exportReport(report.id, "excel", { escapeFormulas: false })).content);
    expect(cell(unsafe.Sheets.Data, "C2")).toMatchObject({ t: "s", v: crafted });
    expect(cell(unsafe.Sheets.Data, "C2")?.f).toBeUndefined();
  });

  it("continues on further sheets past the row limit, each with its header", async () => {
    const { reports, report } = sampleReport();
    const workbook = readWorkbook((await reports.exportReport(report.id, "excel", { maxRowsPerSheet: 25 })).content);
    const dataSheets = workbook.SheetNames.filter((name) => name.startsWith("Data"));
    // 60 rows + 2 totals = 62 rows, 24 per sheet under a header.
    expect(dataSheets).toEqual(["Data", "Data (2)", "Data (3)"]);
    const all = dataSheets.flatMap((name) => {
      const rows = XLSX.utils.sheet_to_json<unknown[]>(workbook.Sheets[name] as XLSX.WorkSheet, { header: 1 });
      expect(rows[0]).toEqual(HEADER);
      expect(rows.length).toBeLessThanOrEqual(25);
      return rows.slice(1);
    });
    expect(all).toHaveLength(62);
    expect(all.map((row) => row[2]).slice(0, 60)).toEqual(report.rows.map((row) => row.metric));
  });

  it("streams into a file that appears only when complete", async () => {
    const { reports, report } = sampleReport();
    const directory = await mkdtemp(join(tmpdir(), "pelbiot-xlsx-"));
    directories.push(directory);
    const path = join(directory, "report.xlsx");
    const written = await reports.writeReport(report.id, "excel", path);

    const content = await readFile(path);
    expect(written.bytes).toBe(content.length);
    expect(written.filename).toBe("monatsbericht-strasse-lodz_2025-09-01_2025-09-30.xlsx");
    expect(readWorkbook(content).SheetNames).toEqual(["Summary", "Data"]);
    expect(await readdir(directory)).toEqual(["report.xlsx"]);
  });
});
