import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layoutLineChart } from "../../src/charts/line-chart-layout";
import { escapeXml, renderLineChartSvg } from "../../src/charts/render-line-chart-svg";

const DAY = 86_400_000;
const start = Date.UTC(2025, 8, 1);

function daily(values: readonly number[]) {
  return values.map((value, index) => ({ t: start + index * DAY, value }));
}

/** The numbers of an `M x,y L x,y …` path, as [x, y] pairs. */
function pathPoints(path: string): [number, number][] {
  return [...path.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((match) => [Number(match[1]), Number(match[2])]);
}

describe("layoutLineChart", () => {
  it("maps the earliest point to the left edge, the latest to the right, and larger values higher up", () => {
    const layout = layoutLineChart([{ name: "revenue", points: daily([10, 30, 20]) }], { width: 400, height: 200 });
    const points = pathPoints(layout.series[0]?.path ?? "");
    expect(points).toHaveLength(3);
    expect(points[0]?.[0]).toBe(layout.plot.x);
    expect(points[2]?.[0]).toBe(layout.plot.x + layout.plot.width);
    // SVG y grows downwards: 30 is drawn above 20, which is above 10.
    expect(points[1]?.[1]).toBeLessThan(points[2]?.[1] ?? 0);
    expect(points[2]?.[1]).toBeLessThan(points[0]?.[1] ?? 0);
    expect(layout.empty).toBe(false);
  });

  it("sorts points by time and leaves non-finite ones out", () => {
    const points = [
      { t: start + 2 * DAY, value: 3 },
      { t: start, value: 1 },
      { t: start + DAY, value: Number.NaN },
    ];
    const layout = layoutLineChart([{ name: "a", points }], { width: 300, height: 150 });
    const drawn = pathPoints(layout.series[0]?.path ?? "");
    expect(drawn).toHaveLength(2);
    expect(drawn[0]?.[0]).toBeLessThan(drawn[1]?.[0] ?? 0);
  });

  it("labels the axes with round values and UTC dates inside the plot", () => {
    const layout = layoutLineChart([{ name: "a", points: daily([0, 950, 400, 1000]) }], { width: 400, height: 200 });
    expect(layout.yTicks.map((tick) => tick.label)).toEqual(["0", "200", "400", "600", "800", "1,000"]);
    for (const tick of layout.xTicks) {
      expect(tick.position).toBeGreaterThanOrEqual(layout.plot.x);
      expect(tick.position).toBeLessThanOrEqual(layout.plot.x + layout.plot.width);
    }
    expect(layout.xTicks.map((tick) => tick.label)).toContain("Tue 02");
  });

  it("draws a lone point as a dot and reports an empty chart", () => {
    const single = layoutLineChart([{ name: "a", points: daily([5]) }], { width: 200, height: 100 });
    expect(single.series[0]?.path).toBe("");
    expect(single.series[0]?.dots).toHaveLength(1);
    const none = layoutLineChart([{ name: "a", points: [] }], { width: 200, height: 100 });
    expect(none.empty).toBe(true);
    expect(none.xTicks).toEqual([]);
  });

  it("lays out a points series as one dot per point and no line, in its own colour when given", () => {
    const layout = layoutLineChart(
      [
        { name: "line", points: daily([1, 2, 3]) },
        { name: "marks", points: daily([3, 1]), style: "points", color: "#123456" },
        { name: "bound", points: daily([2, 2, 2]), style: "dashed" },
      ],
      { width: 300, height: 150 },
    );
    const [line, marks, bound] = layout.series;
    expect(line).toMatchObject({ style: "line", color: "#0072B2", dots: [] });
    expect(marks).toMatchObject({ style: "points", color: "#123456", path: "" });
    expect(marks?.dots.map((dot) => dot.x)).toEqual(
      pathPoints(line?.path ?? "")
        .slice(0, 2)
        .map(([x]) => x),
    );
    // A dashed series is a line like any other; only the renderers dash it. It keeps its place in the palette.
    expect(bound?.path).not.toBe("");
    expect(bound?.color).toBe("#009E73");
  });

  it("draws a flat series of subnormal values inside the plot (regression: the scale divided by zero)", () => {
    for (const value of [-5e-323, 5e-324, 0, 1e-300]) {
      const layout = layoutLineChart([{ name: "a", points: daily([value, value]) }], { width: 200, height: 100 });
      const path = layout.series[0]?.path ?? "";
      expect(path).not.toContain("NaN");
      expect(pathPoints(path)).toHaveLength(2);
      for (const [x, y] of pathPoints(path)) {
        expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
        expect(y).toBeGreaterThanOrEqual(layout.plot.y);
        expect(y).toBeLessThanOrEqual(layout.plot.y + layout.plot.height);
      }
    }
  });

  it("keeps every drawn point inside the plot area for any finite data", () => {
    const point = fc.record({
      t: fc.integer({ min: start, max: start + 365 * DAY }),
      value: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(point, { maxLength: 30 }), { minLength: 1, maxLength: 4 }), (seriesPoints) => {
        const layout = layoutLineChart(
          seriesPoints.map((points, index) => ({ name: `s${index}`, points })),
          { width: 500, height: 240 },
        );
        const { plot } = layout;
        for (const series of layout.series) {
          for (const [x, y] of [...pathPoints(series.path), ...series.dots.map((dot) => [dot.x, dot.y] as const)]) {
            expect(x).toBeGreaterThanOrEqual(plot.x - 0.01);
            expect(x).toBeLessThanOrEqual(plot.x + plot.width + 0.01);
            expect(y).toBeGreaterThanOrEqual(plot.y - 0.01);
            expect(y).toBeLessThanOrEqual(plot.y + plot.height + 0.01);
          }
        }
      }),
    );
  });
});

describe("renderLineChartSvg", () => {
  it("escapes every piece of text and contains no script", () => {
    const layout = layoutLineChart(
      [
        { name: '<script>alert("x")</script>', points: daily([1, 2]) },
        { name: "b & c", points: daily([2, 1]) },
      ],
      { width: 400, height: 200 },
    );
    const svg = renderLineChartSvg(layout, { title: "Revenue <€> 'ß'" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain("b &amp; c");
    expect(svg).toContain("<title>Revenue &lt;€&gt; &#39;ß&#39;</title>");
    expect(svg.match(/<path /g)).toHaveLength(2);
  });

  it("says so when there is no data", () => {
    const svg = renderLineChartSvg(layoutLineChart([], { width: 200, height: 100 }), { title: "Empty" });
    expect(svg).toContain(">No data</text>");
  });

  it("escapes the five XML special characters", () => {
    expect(escapeXml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});
