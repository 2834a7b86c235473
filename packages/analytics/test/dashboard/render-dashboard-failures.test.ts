// A widget whose data cannot be computed gets an inline error panel; the rest of the page renders as usual.
import { createLogger, createManualClock, type LogRecord } from "@pelbiot/core";
import { expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { escapeXml } from "../../src/charts/render-line-chart-svg";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";
import type { DashboardDataSource, WidgetType } from "../../src/dashboard/dashboard-manager-types";
import { NOW } from "./dashboard-fixture";

const collectors: AnalyticsDataCollector[] = [];

afterEach(async () => {
  for (const collector of collectors.splice(0)) await collector.shutdown();
});

function collectorWithShortNames(): AnalyticsDataCollector {
  const collector = new AnalyticsDataCollector({
    clock: createManualClock(NOW),
    trackingIntervalMs: 0,
    autoCleanupIntervalMs: 0,
    maxNameLength: 20,
  });
  collectors.push(collector);
  collector.recordMetric("orders", 3, {}, { timestamp: NOW - 60_000 });
  return collector;
}

/** The `<section>` of one widget in the page. */
function sectionOf(page: string, widgetId: string): string {
  const start = page.indexOf(`<section class="widget" data-widget-id="${widgetId}"`);
  expect(start).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf("</section>", start) + "</section>".length);
}

describe("DashboardManager.renderDashboard with a widget that cannot be computed", () => {
  it("shows the collector's rejection in that widget's panel and renders the others", async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "debug" });
    const clock = createManualClock(NOW);
    const dashboards = new DashboardManager({ clock, collector: collectorWithShortNames(), logger });
    const { id } = await dashboards.createDashboard("Partly broken");
    const good = await dashboards.addWidgetToDashboard(id, "stat", {
      title: "Orders",
      metric: "orders",
      timeRange: "1h",
    });
    const longName = "a_metric_name_longer_than_the_collector_accepts";
    const bad = await dashboards.addWidgetToDashboard(id, "chart", {
      title: "Too long",
      metric: longName,
      timeRange: "1h",
    });
    const table = await dashboards.addWidgetToDashboard(id, "table", {
      title: "By region",
      metric: "orders",
      timeRange: "1h",
      groupBy: ["region"],
    });

    const page = await dashboards.renderDashboard(id);

    const failed = sectionOf(page, bad.id);
    expect(failed).toContain('data-widget-error="VALIDATION_ERROR"');
    expect(failed).toContain("<h2>Too long</h2>");
    expect(failed).toContain('role="alert"');
    expect(failed).toContain("AnalyticsDataCollector.getMetricStats");
    expect(failed).toContain("must be at most 20 characters");
    expect(failed).not.toContain("<svg");
    expect(sectionOf(page, good.id)).toContain('<div class="stat"');
    expect(sectionOf(page, good.id)).toContain(">3</div>");
    expect(sectionOf(page, table.id)).not.toContain("data-widget-error");
    expect(page.match(/data-widget-error=/g)).toHaveLength(1);
    expect(records).toEqual([
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ dashboardId: id, widgetId: bad.id, code: "VALIDATION_ERROR" }),
      }),
    ]);

    // The per-widget call still fails loudly for the broken widget, and works for the others.
    await expectPelbiotErrorAsync(() => dashboards.getWidgetData(id, bad.id), "VALIDATION_ERROR");
    expect(await dashboards.getWidgetData(id, good.id)).toMatchObject({ type: "stat", value: 3 });
  });

  it("escapes a throwing source's message: no markup from it reaches the page", async () => {
    const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> & more`;
    const collector = collectorWithShortNames();
    const source: DashboardDataSource = {
      getMetricStats(name, query) {
        if (name === "broken") throw new Error(hostile);
        return collector.getMetricStats(name, query);
      },
    };
    const dashboards = new DashboardManager({ clock: createManualClock(NOW), collector: source });
    const { id } = await dashboards.createDashboard("Hostile source");
    const broken = await dashboards.addWidgetToDashboard(id, "gauge", {
      title: "Broken gauge",
      metric: "broken",
      timeRange: "1h",
      max: 10,
    });
    const fine = await dashboards.addWidgetToDashboard(id, "chart", {
      title: "Fine",
      metric: "orders",
      timeRange: "1h",
    });

    const page = await dashboards.renderDashboard(id);

    expect(page).not.toMatch(/<script|<img/i);
    const failed = sectionOf(page, broken.id);
    expect(failed).toContain(escapeXml(hostile));
    expect(failed).toContain('data-widget-error="INTERNAL_ERROR"');
    expect(sectionOf(page, fine.id)).toContain("<svg ");
    const error = await expectPelbiotErrorAsync(() => dashboards.getWidgetData(id, broken.id), "INTERNAL_ERROR");
    expect(error.message).toContain("alert");
  });

  it("cuts a huge message short", async () => {
    const source: DashboardDataSource = {
      getMetricStats() {
        throw new Error("x".repeat(50_000));
      },
    };
    const dashboards = new DashboardManager({ clock: createManualClock(NOW), collector: source });
    const { id } = await dashboards.createDashboard("Huge");
    await dashboards.addWidgetToDashboard(id, "stat", { title: "S", metric: "m", timeRange: "1h" });
    const page = await dashboards.renderDashboard(id);
    expect(page.length).toBeLessThan(10_000);
    expect(page).toContain("x…</p>");
  });
});

describe("DashboardManager.renderDashboard failure isolation (property)", () => {
  it("draws every widget once, with an error panel exactly for those whose source fails", async () => {
    const widgetArbitrary = fc.record({
      type: fc.constantFrom<WidgetType>("chart", "stat", "table", "gauge"),
      fails: fc.boolean(),
      message: fc.string({ maxLength: 40 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(widgetArbitrary, { minLength: 1, maxLength: 6 }), async (specs) => {
        const collector = collectorWithShortNames();
        const source: DashboardDataSource = {
          getMetricStats(name, query) {
            const spec = specs[Number(name?.slice(1))];
            if (spec?.fails) throw new Error(spec.message);
            return collector.getMetricStats("orders", query);
          },
        };
        const dashboards = new DashboardManager({ clock: createManualClock(NOW), collector: source });
        const { id } = await dashboards.createDashboard("Random");
        const ids: string[] = [];
        for (const [index, spec] of specs.entries()) {
          const common = { title: `W${index}`, metric: `m${index}`, timeRange: "1h" };
          const config =
            spec.type === "table"
              ? { ...common, groupBy: ["region"] }
              : spec.type === "gauge"
                ? { ...common, max: 10 }
                : common;
          ids.push((await dashboards.addWidgetToDashboard(id, spec.type, config as never)).id);
        }
        const page = await dashboards.renderDashboard(id);
        expect(page).not.toMatch(/<script/i);
        expect(page.match(/<section /g)).toHaveLength(specs.length);
        for (const [index, spec] of specs.entries()) {
          const section = sectionOf(page, ids[index] as string);
          expect(section.includes("data-widget-error=")).toBe(spec.fails);
          // An empty message falls back to the error's name.
          if (spec.fails) expect(section).toContain(`<p>${escapeXml(spec.message || "Error")}</p>`);
        }
      }),
      { numRuns: 40 },
    );
  });
});
