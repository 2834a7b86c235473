/**
 * Draws a {@link LineChartLayout} as a self-contained SVG element: no script, no external font or stylesheet, every
 * piece of text escaped, so the markup can be inlined into an e-mail or a dashboard page.
 */
import type { LineChartLayout } from "./line-chart-layout";

export interface RenderLineChartSvgOptions {
  /** Accessible title (`<title>` and `aria-label`). */
  readonly title: string;
  /** Draw a legend under the plot when there is more than one series. Default true. */
  readonly legend?: boolean;
}

const AXIS_COLOR = "#6b7280";
const GRID_COLOR = "#e5e7eb";
const FONT = 'font-family="system-ui, -apple-system, \'Segoe UI\', sans-serif" font-size="10"';

/** Returns `<svg …>…</svg>` markup for the layout. */
export function renderLineChartSvg(layout: LineChartLayout, options: RenderLineChartSvgOptions): string {
  const { plot } = layout;
  const bottom = plot.y + plot.height;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="${escapeXml(options.title)}">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
  ];
  for (const tick of layout.yTicks) {
    parts.push(
      `<line x1="${plot.x}" x2="${plot.x + plot.width}" y1="${tick.position}" y2="${tick.position}" stroke="${GRID_COLOR}"/>`,
      `<text x="${plot.x - 6}" y="${tick.position}" text-anchor="end" dominant-baseline="middle" fill="${AXIS_COLOR}" ${FONT}>${escapeXml(tick.label)}</text>`,
    );
  }
  for (const tick of layout.xTicks) {
    parts.push(
      `<line x1="${tick.position}" x2="${tick.position}" y1="${bottom}" y2="${bottom + 4}" stroke="${AXIS_COLOR}"/>`,
      `<text x="${tick.position}" y="${bottom + 16}" text-anchor="middle" fill="${AXIS_COLOR}" ${FONT}>${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${plot.x}" x2="${plot.x + plot.width}" y1="${bottom}" y2="${bottom}" stroke="${AXIS_COLOR}"/>`,
    `<line x1="${plot.x}" x2="${plot.x}" y1="${plot.y}" y2="${bottom}" stroke="${AXIS_COLOR}"/>`,
  );
  for (const series of layout.series) {
    const color = escapeXml(series.color);
    if (series.path !== "") {
      const dash = series.style === "dashed" ? ' stroke-dasharray="5 4"' : "";
      parts.push(
        `<path d="${series.path}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${dash}><title>${escapeXml(series.name)}</title></path>`,
      );
    }
    for (const dot of series.dots) {
      parts.push(`<circle cx="${dot.x}" cy="${dot.y}" r="3" fill="${color}"/>`);
    }
  }
  if (layout.empty) {
    parts.push(
      `<text x="${plot.x + plot.width / 2}" y="${plot.y + plot.height / 2}" text-anchor="middle" fill="${AXIS_COLOR}" ${FONT}>No data</text>`,
    );
  }
  if ((options.legend ?? true) && layout.series.length > 1) {
    let x = plot.x;
    for (const series of layout.series) {
      const color = escapeXml(series.color);
      parts.push(
        series.style === "points"
          ? `<circle cx="${x + 5}" cy="${layout.height - 8.5}" r="3" fill="${color}"/>`
          : `<rect x="${x}" y="${layout.height - 10}" width="10" height="3" fill="${color}"/>`,
        `<text x="${x + 14}" y="${layout.height - 6}" fill="${AXIS_COLOR}" ${FONT}>${escapeXml(series.name)}</text>`,
      );
      x += 24 + series.name.length * 6;
    }
  }
  parts.push("</svg>");
  return parts.join("");
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ENTITIES[character] ?? character);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
