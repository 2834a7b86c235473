import type { Writable } from "node:stream";
import { drawLineChartPdf } from "../charts/draw-line-chart-pdf";
import { layoutLineChart } from "../charts/line-chart-layout";
import { loadReportFonts, type ReportFonts } from "./report-fonts";
import type { Report, ReportRow, ReportStatistic, ReportStats } from "./report-generator-types";

/** The checked PDF options of one export. */
export interface PdfWriteOptions {
  /** Bucket rows drawn in the detail table at most. */
  readonly maxPdfRows: number;
  /** The statistic each metric's chart draws. */
  readonly chartStatistic: (metric: string) => ReportStatistic;
}

type PdfDocument = PDFKit.PDFDocument;
type PdfKitModule = { new (options?: PDFKit.PDFDocumentOptions): PdfDocument };

const MARGIN = 50;
const ROW_HEIGHT = 16;
const CHART_HEIGHT = 170;
const REGULAR = "PelbiotSans";
const BOLD = "PelbiotSans-Bold";
const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const STATISTIC_LABELS: Readonly<Record<ReportStatistic, string>> = {
  count: "count",
  sum: "sum",
  mean: "mean",
  min: "minimum",
  max: "maximum",
  p50: "median",
  p95: "95th percentile",
};

/** A table column: its header, width in points, and how a row shows in it. */
interface Column<Row> {
  readonly header: string;
  readonly width: number;
  readonly align: "left" | "right";
  readonly cell: (row: Row) => string;
}

/**
 * Streams the report as a PDF into `destination`: title, period, a totals table, a line chart per metric (sum per
 * bucket, drawn as vector paths from the shared chart layout) and the bucket rows in a table that breaks across
 * pages and repeats its header. Text is set in an embedded DejaVu Sans, so accented Latin (é, ß, ł) and € render.
 */
export async function writePdfReport(report: Report, destination: Writable, options: PdfWriteOptions): Promise<void> {
  const [PDFDocument, fonts] = await Promise.all([loadPdfKit(), loadReportFonts()]);
  const document = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    info: { Title: clean(report.title), Creator: "@pelbiot/analytics", CreationDate: new Date(report.generatedAt) },
  });
  document.pipe(destination);
  registerFonts(document, fonts);
  drawHeading(document, report);
  drawTable(document, "Totals", totalsColumns(), report.totals);
  drawCharts(document, report, options);
  const shown = report.rows.slice(0, options.maxPdfRows);
  drawTable(document, report.interval === "day" ? "Daily rows" : "Hourly rows", rowColumns(report), shown);
  if (shown.length < report.rows.length) {
    document
      .font(REGULAR)
      .fontSize(8)
      .text(`${report.rows.length - shown.length} more rows are in the CSV and Excel exports.`, MARGIN);
  }
  const finished = new Promise<void>((resolve, reject) => {
    document.once("end", resolve);
    document.once("error", reject);
  });
  document.end();
  await finished;
}

function registerFonts(document: PdfDocument, fonts: ReportFonts): void {
  document.registerFont(REGULAR, fonts.regular);
  document.registerFont(BOLD, fonts.bold);
}

function drawHeading(document: PdfDocument, report: Report): void {
  const width = contentWidth(document);
  document.font(BOLD).fontSize(18).fillColor("#000000").text(clean(report.title), MARGIN, MARGIN, { width });
  document.moveDown(0.3);
  document.font(REGULAR).fontSize(10).text(`Period: ${report.period.label}`, { width });
  document.text(`Metrics: ${report.metrics.map(clean).join(", ")}`, { width });
  document.fillColor("#6b7280").text(`Generated ${report.generatedAt.slice(0, 19).replace("T", " ")} UTC`, { width });
  document.fillColor("#000000").moveDown(1);
}

function totalsColumns(): Column<ReportStats & { metric: string }>[] {
  return [{ header: "Metric", width: 125, align: "left", cell: (row) => clean(row.metric) }, ...statColumns()];
}

function rowColumns(report: Report): Column<ReportRow>[] {
  const bucket = report.interval === "day" ? (row: ReportRow) => row.start.slice(0, 10) : hourLabel;
  return [
    { header: report.interval === "day" ? "Day" : "Hour (UTC)", width: 70, align: "left", cell: bucket },
    { header: "Metric", width: 90, align: "left", cell: (row) => clean(row.metric) },
    ...statColumns().filter((column) => column.header !== "P50"),
  ];
}

function statColumns(): Column<ReportStats>[] {
  const stat = (header: string, key: keyof ReportStats, width: number): Column<ReportStats> => ({
    header,
    width,
    align: "right",
    cell: (row) => formatNumber(row[key]),
  });
  return [
    stat("Count", "count", 50),
    stat("Sum", "sum", 60),
    stat("Mean", "mean", 50),
    stat("Min", "min", 45),
    stat("Max", "max", 45),
    stat("P50", "p50", 45),
    stat("P95", "p95", 50),
  ];
}

/** Draws a titled table; a row that would cross the bottom margin starts a new page that repeats the header. */
function drawTable<Row>(document: PdfDocument, title: string, columns: readonly Column<Row>[], rows: readonly Row[]) {
  const bottom = () => document.page.height - MARGIN;
  if (document.y + 3 * ROW_HEIGHT > bottom()) document.addPage();
  document.font(BOLD).fontSize(12).fillColor("#000000").text(title, MARGIN, document.y);
  let y = document.y + 4;
  y = drawRow(document, columns, y, (column) => column.header, true);
  for (const row of rows) {
    if (y + ROW_HEIGHT > bottom()) {
      document.addPage();
      y = drawRow(document, columns, MARGIN, (column) => column.header, true);
    }
    y = drawRow(document, columns, y, (column) => column.cell(row), false);
  }
  document.x = MARGIN;
  document.y = y + ROW_HEIGHT;
}

function drawRow<Row>(
  document: PdfDocument,
  columns: readonly Column<Row>[],
  y: number,
  text: (column: Column<Row>) => string,
  header: boolean,
): number {
  const width = columns.reduce((total, column) => total + column.width, 0);
  if (header) document.rect(MARGIN, y, width, ROW_HEIGHT).fillColor("#e5e7eb").fill();
  document
    .font(header ? BOLD : REGULAR)
    .fontSize(8)
    .fillColor("#000000");
  let x = MARGIN;
  for (const column of columns) {
    document.text(text(column), x + 3, y + 4, {
      width: column.width - 6,
      height: ROW_HEIGHT - 4,
      align: column.align,
      lineBreak: false,
      ellipsis: true,
    });
    x += column.width;
  }
  document
    .moveTo(MARGIN, y + ROW_HEIGHT)
    .lineTo(MARGIN + width, y + ROW_HEIGHT)
    .lineWidth(0.3)
    .strokeColor("#d1d5db")
    .stroke();
  return y + ROW_HEIGHT;
}

function drawCharts(document: PdfDocument, report: Report, options: PdfWriteOptions): void {
  const width = contentWidth(document);
  const unit = report.interval === "day" ? "day" : "hour";
  for (const metric of report.metrics) {
    const statistic = options.chartStatistic(metric);
    if (document.y + CHART_HEIGHT + 24 > document.page.height - MARGIN) document.addPage();
    document
      .font(BOLD)
      .fontSize(11)
      .fillColor("#000000")
      .text(`${clean(metric)}: ${STATISTIC_LABELS[statistic]} per ${unit}`, MARGIN, document.y, { width });
    const points = report.rows.flatMap((row) => {
      const value = row.metric === metric ? row[statistic] : null;
      return value === null ? [] : [{ t: Date.parse(row.start), value }];
    });
    const layout = layoutLineChart([{ name: metric, points }], { width, height: CHART_HEIGHT, includeZero: true });
    const top = document.y + 4;
    drawLineChartPdf(document, layout, { x: MARGIN, y: top, font: REGULAR });
    document.x = MARGIN;
    document.y = top + CHART_HEIGHT + 12;
  }
}

function contentWidth(document: PdfDocument): number {
  return document.page.width - 2 * MARGIN;
}

function hourLabel(row: ReportRow): string {
  return row.start.slice(0, 16).replace("T", " ");
}

function formatNumber(value: number | null): string {
  return value === null ? "–" : numberFormat.format(value);
}

/** Line breaks and tabs in user text would break table rows; PDF shows them as spaces. */
function clean(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ");
}

let pdfKitModule: Promise<PdfKitModule> | undefined;

/** pdfkit is loaded on the first PDF export only: importing the package stays light. */
function loadPdfKit(): Promise<PdfKitModule> {
  pdfKitModule ??= import("pdfkit").then(
    (module) => ((module as { default?: PdfKitModule }).default ?? module) as PdfKitModule,
  );
  return pdfKitModule;
}
