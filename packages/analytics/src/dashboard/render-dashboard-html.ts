/**
 * One self-contained HTML page for a dashboard: inline CSS, inline SVG charts from the shared chart code, no
 * script, no external resource (a Content-Security-Policy forbids both), every piece of user text escaped. It can
 * be e-mailed, saved or embedded as it is.
 */
import { layoutLineChart } from "../charts/line-chart-layout";
import { renderGaugeSvg } from "../charts/render-gauge-svg";
import { escapeXml, renderLineChartSvg } from "../charts/render-line-chart-svg";
import type {
  ChartWidgetData,
  Dashboard,
  GaugeWidgetData,
  StatWidgetData,
  TableWidgetData,
  Widget,
  WidgetData,
  WidgetStatus,
} from "./dashboard-manager-types";

/** A widget whose data could not be computed: the page shows its error in place of its content. */
export interface WidgetFailure {
  readonly widget: Widget;
  /** The error code, e.g. `VALIDATION_ERROR`. */
  readonly code: string;
  /** The error message, shown escaped. */
  readonly message: string;
}

/** The data of one widget, or why there is none. */
export type WidgetOutcome = { readonly ok: true; readonly data: WidgetData } | ({ readonly ok: false } & WidgetFailure);

/** What the page shows, besides the dashboard itself. */
export interface DashboardPageInput {
  readonly dashboard: Dashboard;
  /** The outcome of each widget, in the dashboard's widget order. */
  readonly widgets: readonly WidgetOutcome[];
  /** When the data was computed, epoch milliseconds. */
  readonly generatedAt: number;
  readonly chartWidth: number;
  readonly chartHeight: number;
}

const STATUS_COLOR: Record<WidgetStatus, string> = { ok: "#009E73", warning: "#E69F00", critical: "#D55E00" };
const STYLE = `
body{margin:0;padding:24px;background:#f3f4f6;color:#111827;font-family:system-ui,-apple-system,'Segoe UI',sans-serif}
header{margin-bottom:16px}h1{margin:0 0 4px;font-size:24px}header p{margin:0;color:#4b5563}
.meta{font-size:12px;color:#6b7280;margin-top:6px}
.grid{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.widget{background:#ffffff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;box-sizing:border-box}
.widget h2{margin:0 0 8px;font-size:15px}.widget .range{font-size:11px;color:#6b7280;margin-bottom:6px}
.stat{font-size:40px;font-weight:700;padding:8px 12px;border-radius:6px;color:#ffffff}
table{border-collapse:collapse;font-size:13px;min-width:260px}th,td{padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f9fafb}
.empty{color:#6b7280;font-style:italic}
.failure{max-width:520px;padding:8px 12px;border-left:4px solid #D55E00;background:#fef2f2;color:#7f1d1d;font-size:13px}
.failure p{margin:4px 0 0;overflow-wrap:anywhere;font-family:ui-monospace,monospace;font-size:12px}`;

// Long enough for any of our messages; a source's own error text may be huge.
const MAX_MESSAGE_LENGTH = 1_000;

/** Renders the page. */
export function renderDashboardHtml(input: DashboardPageInput): string {
  const { dashboard } = input;
  const widgets = input.widgets.map((outcome) => {
    if (!outcome.ok) return renderFailure(outcome);
    try {
      return renderWidget(outcome.data, input);
    } catch (error) {
      // Drawing one widget must not cost the others their place on the page.
      const widget = dashboard.widgets.find((entry) => entry.id === outcome.data.widgetId);
      if (widget === undefined) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return renderFailure({ widget, code: "INTERNAL_ERROR", message });
    }
  });
  const owner = dashboard.owner === null ? "" : ` · owner ${escapeXml(dashboard.owner)}`;
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(dashboard.name)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header><h1>${escapeXml(dashboard.name)}</h1>`,
    dashboard.description === "" ? "" : `<p>${escapeXml(dashboard.description)}</p>`,
    `<div class="meta">Generated ${formatTime(input.generatedAt)} UTC${owner} · version ${dashboard.version}</div>`,
    "</header>",
    `<main class="grid">${widgets.join("")}</main>`,
    dashboard.widgets.length === 0 ? '<p class="empty">This dashboard has no widgets yet.</p>' : "",
    "</body></html>",
  ].join("");
}

function renderWidget(data: WidgetData, input: DashboardPageInput): string {
  const body = widgetBody(data, input);
  const range = `${formatTime(data.from)} – ${formatTime(data.to)} UTC`;
  return (
    `<section class="widget" data-widget-id="${escapeXml(data.widgetId)}" data-widget-type="${data.type}">` +
    `<h2>${escapeXml(data.title)}</h2><div class="range">${range}</div>${body}</section>`
  );
}

/** A widget without data: its title and an inline error panel (escaped, no script). */
export function renderFailure(failure: WidgetFailure): string {
  const { widget } = failure;
  const message =
    failure.message.length > MAX_MESSAGE_LENGTH ? `${failure.message.slice(0, MAX_MESSAGE_LENGTH)}…` : failure.message;
  return (
    `<section class="widget" data-widget-id="${escapeXml(widget.id)}" data-widget-type="${widget.type}" ` +
    `data-widget-error="${escapeXml(failure.code)}"><h2>${escapeXml(widget.config.title)}</h2>` +
    `<div class="failure" role="alert"><strong>This widget's data could not be computed (${escapeXml(failure.code)}).</strong>` +
    `<p>${escapeXml(message)}</p></div></section>`
  );
}

function widgetBody(data: WidgetData, input: DashboardPageInput): string {
  switch (data.type) {
    case "chart":
      return chartBody(data, input);
    case "stat":
      return statBody(data, input);
    case "table":
      return tableBody(data);
    case "gauge":
      return gaugeBody(data, input);
  }
}

function chartBody(data: ChartWidgetData, input: DashboardPageInput): string {
  const series = data.series.map((line) => ({
    name: line.name,
    points: line.points.flatMap((point) => (point.value === null ? [] : [{ t: point.t, value: point.value }])),
  }));
  const layout = layoutLineChart(series, {
    width: input.chartWidth,
    height: input.chartHeight,
    includeZero: data.aggregation === "count" || data.aggregation === "sum",
  });
  return renderLineChartSvg(layout, { title: data.title });
}

function statBody(data: StatWidgetData, input: DashboardPageInput): string {
  const widget = input.dashboard.widgets.find((entry) => entry.id === data.widgetId);
  const config = widget?.type === "stat" ? widget.config : undefined;
  const text = formatValue(data.value, config?.decimals ?? 2, config?.unit ?? "");
  const color = data.value === null ? "#9ca3af" : STATUS_COLOR[data.status];
  return `<div class="stat" style="background:${color}" data-status="${data.status}">${escapeXml(text)}</div>`;
}

function gaugeBody(data: GaugeWidgetData, input: DashboardPageInput): string {
  const widget = input.dashboard.widgets.find((entry) => entry.id === data.widgetId);
  const unit = widget?.type === "gauge" ? widget.config.unit : "";
  return renderGaugeSvg({
    title: data.title,
    ratio: data.ratio,
    label: formatValue(data.value, 2, unit),
    color: STATUS_COLOR[data.status],
    width: Math.min(320, input.chartWidth),
  });
}

function tableBody(data: TableWidgetData): string {
  if (data.rows.length === 0) return '<p class="empty">No data in this period.</p>';
  const head = [...data.groupBy, ...data.columns].map((name) => `<th>${escapeXml(name)}</th>`).join("");
  const rows = data.rows.map((row) => {
    const groups = data.groupBy.map((key) => `<td>${escapeXml(row.group[key] || "(none)")}</td>`);
    const values = row.values.map((value) => `<td>${escapeXml(formatValue(value, 2, ""))}</td>`);
    return `<tr>${groups.join("")}${values.join("")}</tr>`;
  });
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const NUMBER_FORMATS = new Map<number, Intl.NumberFormat>();

/** A value with grouping and at most `decimals` fraction digits, e.g. `12,345.6 ms`; `—` for no value. */
export function formatValue(value: number | null, decimals: number, unit: string): string {
  if (value === null) return "—";
  let format = NUMBER_FORMATS.get(decimals);
  if (format === undefined) {
    format = new Intl.NumberFormat("en-US", { maximumFractionDigits: decimals });
    NUMBER_FORMATS.set(decimals, format);
  }
  return unit === "" ? format.format(value) : `${format.format(value)} ${unit}`;
}

function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace("T", " ");
}
