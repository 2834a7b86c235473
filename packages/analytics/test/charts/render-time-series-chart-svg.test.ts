import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderTimeSeriesChartSvg, type TimeSeriesChartSeries } from "../../src/charts/render-time-series-chart-svg";

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1);

function hourly(values: readonly number[]) {
  return values.map((value, index) => ({ timestamp: start + index * HOUR, value }));
}

/** Every `<circle>` as { cx, cy, fill }. */
function circles(svg: string) {
  return [...svg.matchAll(/<circle cx="(-?[\d.]+)" cy="(-?[\d.]+)" r="3" fill="([^"]+)"\/>/g)].map((match) => ({
    cx: Number(match[1]),
    cy: Number(match[2]),
    fill: match[3],
  }));
}

/** Every series `<path>` with its stroke and whether it is dashed. */
function paths(svg: string) {
  return [...svg.matchAll(/<path d="([^"]*)" fill="none" stroke="([^"]+)"[^>]*?( stroke-dasharray="[^"]+")?>/g)].map(
    (match) => ({ d: match[1] ?? "", stroke: match[2], dashed: match[3] !== undefined }),
  );
}

describe("renderTimeSeriesChartSvg", () => {
  it("draws a solid line, a dashed line and markers, each in its colour, with a legend entry per series", () => {
    const svg = renderTimeSeriesChartSvg(
      [
        { name: "observed", points: hourly([40, 42, 45, 43, 41]) },
        { name: "upper bound", points: hourly([50, 52, 55, 53, 51]), style: "dashed", color: "#999999" },
        {
          name: "anomalies",
          points: [
            { timestamp: start + HOUR, value: 42 },
            { timestamp: start + 3 * HOUR, value: 43 },
          ],
          style: "points",
          color: "#D55E00",
        },
      ],
      { title: "CPU", width: 600, height: 300 },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"')).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    const drawn = paths(svg);
    expect(drawn).toHaveLength(2);
    expect(drawn[0]?.dashed).toBe(false);
    expect(drawn[1]).toMatchObject({ stroke: "#999999", dashed: true });
    // Two anomaly markers plus the round legend marker of the "points" series, all in its colour.
    const markers = circles(svg).filter((circle) => circle.fill === "#D55E00");
    expect(markers).toHaveLength(3);
    // The markers sit on the observed line's vertices at the same times.
    const vertices = [...(drawn[0]?.d ?? "").matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((match) => [
      Number(match[1]),
      Number(match[2]),
    ]);
    expect([markers[0]?.cx, markers[0]?.cy]).toEqual(vertices[1]);
    expect([markers[1]?.cx, markers[1]?.cy]).toEqual(vertices[3]);
    for (const name of ["observed", "upper bound", "anomalies"]) expect(svg).toContain(`>${name}</text>`);
  });

  it("reads Date, epoch-millisecond and ISO-8601 timestamps alike, in any order", () => {
    const values = [3, 1, 4, 1, 5];
    const asNumbers = hourly(values);
    const asDates = asNumbers.map((point) => ({ timestamp: new Date(point.timestamp), value: point.value }));
    const asStrings = asNumbers
      .map((point) => ({ timestamp: new Date(point.timestamp).toISOString(), value: point.value }))
      .reverse();
    const render = (points: TimeSeriesChartSeries["points"]) =>
      renderTimeSeriesChartSvg([{ name: "s", points }], { title: "t" });
    expect(render(asDates)).toBe(render(asNumbers));
    expect(render(asStrings)).toBe(render(asNumbers));
  });

  it("ignores extra keys on points, so forecast points can be passed as they are", () => {
    const forecastPoints = hourly([10, 12, 11]).map((point, index) => ({
      ...point,
      step: index + 1,
      intervals: [{ level: 95, lower: point.value - 2, upper: point.value + 2 }],
    }));
    const plain = renderTimeSeriesChartSvg([{ name: "forecast", points: hourly([10, 12, 11]) }], { title: "f" });
    expect(renderTimeSeriesChartSvg([{ name: "forecast", points: forecastPoints }], { title: "f" })).toBe(plain);
  });

  it("escapes the title and the series names", () => {
    const svg = renderTimeSeriesChartSvg(
      [
        { name: "<script>x</script>", points: hourly([1, 2]) },
        { name: "a & b", points: hourly([2, 1]) },
      ],
      { title: `"CPU" <€>` },
    );
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(svg).toContain("a &amp; b");
    expect(svg).toContain("<title>&quot;CPU&quot; &lt;€&gt;</title>");
  });

  it("draws a frame saying there is no data when given no series", () => {
    const svg = renderTimeSeriesChartSvg([], { title: "Empty", legend: false });
    expect(svg).toContain(">No data</text>");
    expect(paths(svg)).toHaveLength(0);
  });

  it("reports every malformed series, point and option with its path, and what is accepted", () => {
    const issues = captureValidationIssues(() =>
      renderTimeSeriesChartSvg(
        [
          { name: "ok", points: [{ timestamp: "yesterday", value: Number.NaN }] },
          { name: "", points: hourly([1]), style: "bars" as never, color: "red" },
          { name: "x", points: hourly([1]), colour: "#000000" } as never,
        ],
        { title: "t", widths: 300, tickCount: 1 } as never,
      ),
    );
    expect(issues).toEqual([
      'series.0.points.0.timestamp: must be a Date, epoch milliseconds or an ISO-8601 string, got string "yesterday"',
      "series.0.points.0.value: must be a finite number, got number NaN",
      "series.1.name: must be a non-empty string",
      'series.1.style: must be one of "line", "dashed", "points", got string "bars"',
      "series.1.color: must be a #rrggbb colour",
      'series.2.colour: "colour" is not a known option (did you mean "color"?); accepted: name, points, style, color',
      'options.widths: "widths" is not a known option (did you mean "width"?); accepted: title, width, height, tickCount, includeZero, legend',
      "options.tickCount: must be at least 2, got 1",
    ]);
  });

  it("names the function in its error and refuses more series than it can tell apart", () => {
    const error = expectPelbiotError(
      () =>
        renderTimeSeriesChartSvg(
          Array.from({ length: 17 }, (_, index) => ({ name: `s${index}`, points: hourly([index]) })),
          { title: "t" },
        ),
      "VALIDATION_ERROR",
    );
    expect(error.message).toContain("renderTimeSeriesChartSvg");
    expect(error.message).toContain("series: must hold at most 16 item(s), got 17");
    expectPelbiotError(() => renderTimeSeriesChartSvg([], undefined as never), "VALIDATION_ERROR");
  });

  it("keeps every marker inside the chart and draws one per point, for any finite data", () => {
    const point = fc.record({
      timestamp: fc.integer({ min: start, max: start + 365 * 24 * HOUR }),
      value: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(point, { maxLength: 40 }),
        fc.array(point, { maxLength: 40 }),
        fc.integer({ min: 100, max: 1200 }),
        fc.integer({ min: 80, max: 800 }),
        (line, markers, width, height) => {
          const svg = renderTimeSeriesChartSvg(
            [
              { name: "line", points: line },
              { name: "markers", points: markers, style: "points", color: "#123456" },
            ],
            { title: "p", width, height, legend: false },
          );
          const drawn = circles(svg).filter((circle) => circle.fill === "#123456");
          expect(drawn).toHaveLength(markers.length);
          for (const circle of drawn) {
            expect(circle.cx).toBeGreaterThanOrEqual(0);
            expect(circle.cx).toBeLessThanOrEqual(width);
            expect(circle.cy).toBeGreaterThanOrEqual(0);
            expect(circle.cy).toBeLessThanOrEqual(height);
          }
          expect(svg).not.toContain("NaN");
        },
      ),
      { numRuns: 60 },
    );
  });
});
