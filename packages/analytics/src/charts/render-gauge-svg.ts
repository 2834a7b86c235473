/**
 * A half-dial gauge as self-contained SVG, drawn with d3-shape's arc generator: a grey track from min to max, a
 * coloured arc up to the value, and the value's text. Like the line chart, it has no script and escapes all text.
 */
import { arc } from "d3-shape";
import { escapeXml } from "./render-line-chart-svg";

/** What {@link renderGaugeSvg} draws. */
export interface GaugeSvgInput {
  /** Accessible title (`<title>` and `aria-label`). */
  readonly title: string;
  /** Where the value sits between min (0) and max (1); `null` for no value (only the track is drawn). */
  readonly ratio: number | null;
  /** The value as text, shown under the arc. */
  readonly label: string;
  /** The arc's colour. */
  readonly color: string;
  /** Outer width in pixels; the height is half of it plus room for the label. */
  readonly width: number;
}

const TRACK_COLOR = "#e5e7eb";
const TEXT_COLOR = "#111827";
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\"";

/** Returns `<svg …>…</svg>` markup of a half-dial gauge. */
export function renderGaugeSvg(input: GaugeSvgInput): string {
  const radius = input.width / 2 - 8;
  const height = Math.round(radius + 40);
  const centerX = input.width / 2;
  const centerY = radius + 8;
  const band = arc<{ start: number; end: number }>()
    .innerRadius(radius * 0.68)
    .outerRadius(radius)
    .startAngle((part) => part.start)
    .endAngle((part) => part.end)
    .cornerRadius(2);
  // d3 measures angles clockwise from 12 o'clock: the dial runs from 9 o'clock (-π/2) to 3 o'clock (π/2).
  const start = -Math.PI / 2;
  const track = band({ start, end: Math.PI / 2 }) ?? "";
  const ratio = input.ratio === null ? null : Math.min(1, Math.max(0, input.ratio));
  const value = ratio === null || ratio === 0 ? "" : (band({ start, end: start + ratio * Math.PI }) ?? "");
  const title = escapeXml(input.title);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${input.width}" height="${height}" viewBox="0 0 ${input.width} ${height}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<g transform="translate(${centerX},${centerY})">`,
    `<path d="${track}" fill="${TRACK_COLOR}"/>`,
    value === "" ? "" : `<path d="${value}" fill="${escapeXml(input.color)}"/>`,
    "</g>",
    `<text x="${centerX}" y="${centerY + 24}" text-anchor="middle" fill="${TEXT_COLOR}" ${FONT} font-size="20" font-weight="600">${escapeXml(input.label)}</text>`,
    "</svg>",
  ].join("");
}
