import { createManualClock } from "@pelbiot/core";
import { captureValidationIssuesAsync } from "@pelbiot/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeXml } from "../../src/charts/render-line-chart-svg";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";
import { createDashboardFixture, type DashboardFixture, NOW, WIDGET_TITLES } from "./dashboard-fixture";

let fixture: DashboardFixture;
let html: string;

beforeAll(async () => {
  fixture = await createDashboardFixture();
  html = await fixture.dashboards.renderDashboard(fixture.dashboardId);
});

afterAll(async () => {
  await fixture.collector.shutdown();
});

describe("DashboardManager.renderDashboard", () => {
  it("is one self-contained page: no script, no external resource, a policy that forbids both", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(?:src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it("shows every widget, escaped, with its chart, number or table", async () => {
    for (const title of WIDGET_TITLES) expect(html).toContain(`<h2>${escapeXml(title)}</h2>`);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
    const dashboard = await fixture.dashboards.getDashboard(fixture.dashboardId);
    for (const widget of dashboard.widgets) expect(html).toContain(`data-widget-id="${widget.id}"`);
    // Two line charts and the gauge are SVG; the first chart is one line, the grouped one a line per region.
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html.match(/<path d="M[^"]+" fill="none"/g)).toHaveLength(4);
    expect(html).toContain("<th>endpoint</th><th>count</th><th>mean</th><th>p95</th>");
    expect(html).toContain("<td>/api/orders</td>");
    expect(html).toContain('data-status="ok"');
    expect(html).toContain(">—</div>"); // the stat of a metric never recorded
    expect(html).toContain(`Generated ${new Date(NOW).toISOString().slice(0, 16).replace("T", " ")} UTC`);
  });

  it("validates its options", async () => {
    const issues = await captureValidationIssuesAsync(() =>
      fixture.dashboards.renderDashboard(fixture.dashboardId, { chartWidth: 10, chartHieght: 5 } as never),
    );
    expect(issues).toEqual([
      expect.stringContaining('options.chartHieght: "chartHieght" is not a known option (did you mean "chartHeight"?)'),
      "options.chartWidth: must be at least 240, got 10",
    ]);
  });
});

describe("DashboardManager.renderDashboard with hostile data", () => {
  it("escapes tag values in table cells and chart legends", async () => {
    const clock = createManualClock(NOW);
    const collector = new AnalyticsDataCollector({ clock, trackingIntervalMs: 0, autoCleanupIntervalMs: 0 });
    const hostile = '<img src=x onerror="alert(1)">';
    collector.recordMetric("m", 1, { who: hostile }, { timestamp: NOW - 60_000 });
    collector.recordMetric("m", 2, { who: "plain" }, { timestamp: NOW - 60_000 });
    const dashboards = new DashboardManager({ clock, collector });
    const { id } = await dashboards.createDashboard("Hostile");
    await dashboards.addWidgetToDashboard(id, "table", { title: "T", metric: "m", timeRange: "1h", groupBy: ["who"] });
    await dashboards.addWidgetToDashboard(id, "chart", { title: "C", metric: "m", timeRange: "1h", groupBy: "who" });
    const page = await dashboards.renderDashboard(id);
    await collector.shutdown();
    expect(page).not.toContain("<img");
    expect(page).toContain(`<td>${escapeXml(hostile)}</td>`);
    expect(page).toContain(`>${escapeXml(hostile)}</text>`);
  });
});
