import type { Writable } from "node:stream";
import type { Row, Worksheet } from "exceljs";
import { escapeFormula } from "./formula-escape";
import { REPORT_COLUMNS, STAT_KEYS } from "./report-columns";
import type { Report, ReportStats } from "./report-generator-types";

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
 * `Data (2)`, `Data (3)`, …; rows are committed as they are written, so memory stays flat.
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
  const text = options.escapeFormulas ? escapeFormula : (value: string) => value;
  const dateFormat = report.interval === "day" ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm";

  writeSummarySheet(workbook.addWorksheet("Summary"), report, text);

  let sheetNumber = 0;
  let sheet: Worksheet | undefined;
  let rowsInSheet = 0;
  const nextRow = (values: unknown[]): Row => {
    if (sheet === undefined || rowsInSheet >= options.maxRowsPerSheet) {
      sheet?.commit();
      sheetNumber += 1;
      sheet = addDataSheet(workbook.addWorksheet(sheetNumber === 1 ? "Data" : `Data (${sheetNumber})`, FROZEN_HEADER));
      rowsInSheet = 1;
    }
    rowsInSheet += 1;
    return sheet.addRow(values);
  };
  for (const row of report.rows) {
    // Date formats go on the two date cells only: a column style is merged into every cell of the row by exceljs,
    // and styling the number cells too cost over a third of the export's CPU time (General shows them in full).
    const dataRow = nextRow([
      new Date(row.start),
      new Date(row.end),
      text(row.metric),
      ...STAT_KEYS.map((key) => row[key]),
    ]);
    dataRow.getCell(1).numFmt = dateFormat;
    dataRow.getCell(2).numFmt = dateFormat;
    dataRow.commit();
  }
  const periodStart = new Date(report.period.start);
  const periodEnd = new Date(report.period.end);
  for (const total of report.totals) {
    const totalRow = nextRow([periodStart, periodEnd, text(total.metric), ...statValues(total)]);
    totalRow.getCell(1).numFmt = dateFormat;
    totalRow.getCell(2).numFmt = dateFormat;
    totalRow.font = { bold: true };
    totalRow.border = { top: { style: "thin", color: { argb: "FF6B7280" } } };
    totalRow.commit();
  }
  // A report without rows still gets its (empty) data sheet with the header.
  if (sheet === undefined) addDataSheet(workbook.addWorksheet("Data", FROZEN_HEADER)).commit();
  else sheet.commit();
  await workbook.commit();
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
