/**
 * Draws a {@link LineChartLayout} into a PDF page with pdfkit, as vector graphics: the same path data, ticks and
 * colours that {@link renderLineChartSvg} puts into dashboards, so a report's chart and a dashboard's chart of the
 * same series look the same.
 */
import type { LineChartLayout } from "./line-chart-layout";

const AXIS_COLOR = "#6b7280";
const GRID_COLOR = "#e5e7eb";
const LABEL_SIZE = 7;

/** Where the chart goes on the page, and the font its labels use (one registered with the document). */
export interface PdfChartPlacement {
  readonly x: number;
  readonly y: number;
  readonly font: string;
}

/**
 * Draws the layout with its top-left corner at `placement`. The layout should be computed in PDF points
 * (`layoutLineChart(series, { width, height })` with the box's size), so no scaling distorts the line widths.
 */
export function drawLineChartPdf(
  document: PDFKit.PDFDocument,
  layout: LineChartLayout,
  placement: PdfChartPlacement,
): void {
  const { plot } = layout;
  const bottom = plot.y + plot.height;
  document.save();
  document.translate(placement.x, placement.y);
  document.font(placement.font).fontSize(LABEL_SIZE).lineWidth(0.5);
  for (const tick of layout.yTicks) {
    document
      .moveTo(plot.x, tick.position)
      .lineTo(plot.x + plot.width, tick.position)
      .strokeColor(GRID_COLOR)
      .stroke();
    document
      .fillColor(AXIS_COLOR)
      .text(tick.label, 0, tick.position - LABEL_SIZE / 2, { width: plot.x - 4, align: "right", lineBreak: false });
  }
  for (const tick of layout.xTicks) {
    document
      .moveTo(tick.position, bottom)
      .lineTo(tick.position, bottom + 3)
      .strokeColor(AXIS_COLOR)
      .stroke();
    document
      .fillColor(AXIS_COLOR)
      .text(tick.label, tick.position - 30, bottom + 6, { width: 60, align: "center", lineBreak: false });
  }
  document
    .moveTo(plot.x, plot.y)
    .lineTo(plot.x, bottom)
    .lineTo(plot.x + plot.width, bottom)
    .strokeColor(AXIS_COLOR)
    .stroke();
  document.lineWidth(1.5).lineJoin("round");
  for (const series of layout.series) {
    if (series.path !== "") {
      if (series.style === "dashed") document.dash(4, { space: 3 });
      document.path(series.path).strokeColor(series.color).stroke();
      document.undash();
    }
    for (const dot of series.dots) document.circle(dot.x, dot.y, 2.5).fillColor(series.color).fill();
  }
  if (layout.empty) {
    document
      .fillColor(AXIS_COLOR)
      .text("No data", plot.x, plot.y + plot.height / 2 - LABEL_SIZE / 2, { width: plot.width, align: "center" });
  }
  document.restore();
  document.fillColor("#000000").strokeColor("#000000");
}
