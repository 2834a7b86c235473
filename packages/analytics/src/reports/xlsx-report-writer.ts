import type { Writable } from "node:stream";
import type { Row, Style, Worksheet } from "exceljs";
import { formulaEscaper } from "./formula-escape";
import { REPORT_COLUMNS, STAT_KEYS } from "./report-columns";
import type { Report, ReportStats } from "./report-generator-types";
import { type EntryStream, isGone, needsDrain, sheetEntryStream, whenWritable } from "./xlsx-backpressure";

/** The checked Excel options of one export. */
export interface XlsxWriteOptions {
  readonly escapeFormulas: boolean;
  /** Rows per data sheet, header included. */
  readonly maxRowsPerSheet: number;
}

/** Excel's row limit per worksheet. */
export const EXCEL_MAX_ROWS = 1_048_576;

const HEADER_FILL = { type: "pattern", pattern: "solid", fgColor: { argb: "FFE5E7EB" } } as const;
const HEADER_BORDER = { bottom: { style: "thin", color: { argb: "FF6B7280" } } } as const;
const NUMBER_FORMAT = "#,##0.####";
// The streaming writer takes views only when the sheet is added.
const FROZEN_HEADER = { views: [{ state: "frozen" as const, xSplit: 0, ySplit: 1 }] };
const COLUMN_WIDTHS = [18, 18, 28, 12, 16, 16, 14, 14, 14, 14];

type ExcelModule = typeof import("exceljs");

/**
 * Streams the report as an `.xlsx` workbook into `destination` with exceljs's streaming writer: a `Summary` sheet
 * (title, period, totals per metric) and `Data` sheets with a styled, frozen header row, dates as Excel dates,
 * numbers as numbers, and a totals row per metric at the end. Beyond `maxRowsPerSheet` the rows continue on
 * `Data (2)`, `Data (3)`, …. Rows are committed as they are written and the writer waits whenever the archive is
 * behind (exceljs has no backpressure of its own), so memory stays flat whatever the number of rows.
 */
export async function writeXlsxReport(report: Report, destination: Writable, options: XlsxWriteOptions): Promise<void> {
  const excel = await loadExcel();
  const workbook = new excel.stream.xlsx.WorkbookWriter({
    stream: destination,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = "@pelbiot/analytics";
  workbook.created = new Date(report.generatedAt);
  const text = formulaEscaper(options.escapeFormulas);
  const dateFormat = report.interval === "day" ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm";

  writeSummarySheet(workbook.addWorksheet("Summary"), report, text);

  let sheetNumber = 0;
  let sheet: Worksheet | undefined;
  let entry: EntryStream | undefined;
  let rowsInSheet = 0;
  // Returns the archive's entry stream when the archive is behind and the caller must wait for it (exceljs has no
  // backpressure of its own); synchronous otherwise, so rows cost no promise each.
  const addRow = (values: unknown[], styles: readonly Partial<Style>[]): EntryStream | undefined => {
    if (sheet === undefined || rowsInSheet >= options.maxRowsPerSheet) {
      sheet?.commit();
      sheetNumber += 1;
      sheet = addDataSheet(workbook.addWorksheet(sheetNumber === 1 ? "Data" : `Data (${sheetNumber})`, FROZEN_HEADER));
      entry = sheetEntryStream(sheet);
      rowsInSheet = 1;
    }
    rowsInSheet += 1;
    const row = sheet.addRow(values);
    shareStyles(row, styles);
    row.commit();
    return entry !== undefined && needsDrain(entry) ? entry : undefined;
  };
  const styles = dataStyles(dateFormat);
  for (const row of report.rows) {
    const behind = addRow(
      [new Date(row.start), new Date(row.end), text(row.metric), ...STAT_KEYS.map((key) => row[key])],
      styles.row,
    );
    // Waiting while the archive is behind holds a few buffers of XML at a time instead of the whole sheet.
    if (behind !== undefined) await waitForArchive(behind, destination);
  }
  const periodStart = new Date(report.period.start);
  const periodEnd = new Date(report.period.end);
  for (const total of report.totals) {
    const behind = addRow([periodStart, periodEnd, text(total.metric), ...statValues(total)], styles.total);
    if (behind !== undefined) await waitForArchive(behind, destination);
  }
  // A report without rows still gets its (empty) data sheet with the header.
  if (sheet === undefined) addDataSheet(workbook.addWorksheet("Data", FROZEN_HEADER)).commit();
  else sheet.commit();
  await workbook.commit();
}

/** Waits while the archive is behind; fails when the destination is gone, as no row written now would arrive. */
async function waitForArchive(entry: EntryStream, destination: Writable): Promise<void> {
  await whenWritable(entry, destination);
  if (isGone(destination)) throw new Error("the destination closed before the workbook was complete");
}

/** The styles of the cells of one data row, by column (1-based: index 0 is unused), and of one totals row. */
interface DataStyles {
  readonly row: readonly Partial<Style>[];
  readonly total: readonly Partial<Style>[];
}

// One style object per kind of cell, shared by every cell of that kind. exceljs gives each new cell a style object
// of its own and, for a style object it has not seen before, renders the style to XML to look up its id: that cost
// about half of the export's CPU time with 100,000 rows. A style object it has seen is found by identity at once.
// Dates get their format; numbers and text keep Excel's General format (numbers show in full).
function dataStyles(dateFormat: string): DataStyles {
  const date: Partial<Style> = { numFmt: dateFormat };
  const plain: Partial<Style> = {};
  const font = { bold: true };
  const border = { top: { style: "thin" as const, color: { argb: "FF6B7280" } } };
  const totalDate: Partial<Style> = { numFmt: dateFormat, font, border };
  const totalPlain: Partial<Style> = { font, border };
  return {
    row: [plain, date, date, ...REPORT_COLUMNS.slice(2).map(() => plain)],
    total: [totalPlain, totalDate, totalDate, ...REPORT_COLUMNS.slice(2).map(() => totalPlain)],
  };
}

/** Gives each cell of `row` that holds a value the shared style of its column (empty cells stay unwritten). */
function shareStyles(row: Row, styles: readonly Partial<Style>[]): void {
  row.eachCell((cell, column) => {
    cell.style = styles[column] as Partial<Style>;
  });
}

function addDataSheet(sheet: Worksheet): Worksheet {
  sheet.columns = REPORT_COLUMNS.map((header, index) => ({
    header,
    key: header,
    width: COLUMN_WIDTHS[index] ?? 14,
  }));
  const header = sheet.getRow(1);
  styleHeader(header);
  header.commit();
  return sheet;
}

function writeSummarySheet(sheet: Worksheet, report: Report, text: (value: string) => string): void {
  sheet.columns = [{ width: 28 }, ...STAT_KEYS.map(() => ({ width: 14 }))];
  const title = sheet.addRow([text(report.title)]);
  title.font = { bold: true, size: 16 };
  title.commit();
  sheet.addRow(["Period", report.period.label]).commit();
  const generated = sheet.addRow(["Generated", new Date(report.generatedAt)]);
  generated.getCell(2).numFmt = "yyyy-mm-dd hh:mm:ss";
  generated.commit();
  sheet.addRow([]).commit();
  const header = sheet.addRow(["metric", ...STAT_KEYS]);
  styleHeader(header);
  header.commit();
  for (const total of report.totals) {
    const row = sheet.addRow([text(total.metric), ...statValues(total)]);
    for (let column = 2; column <= STAT_KEYS.length + 1; column += 1) row.getCell(column).numFmt = NUMBER_FORMAT;
    row.commit();
  }
  sheet.commit();
}

function styleHeader(row: Row): void {
  row.font = { bold: true };
  row.fill = HEADER_FILL;
  row.border = HEADER_BORDER;
}

function statValues(stats: ReportStats): (number | null)[] {
  return STAT_KEYS.map((key) => stats[key]);
}

let excelModule: Promise<ExcelModule> | undefined;

/** exceljs is loaded on the first Excel export only: importing the package stays light. */
function loadExcel(): Promise<ExcelModule> {
  excelModule ??= import("exceljs").then((module) => (module as { default?: ExcelModule }).default ?? module);
  return excelModule;
}
