import { createManualClock, type ManualClock } from "@pelbiot/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { DashboardManager } from "../../src/dashboard/dashboard-manager";
import { statusOf } from "../../src/dashboard/widget-data";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// 12:07 UTC: not on a 15-minute boundary, so alignment shows.
const NOW = Date.UTC(2026, 0, 1, 12, 7);
const collectors: AnalyticsDataCollector[] = [];

afterEach(async () => {
  for (const collector of collectors.splice(0)) await collector.shutdown();
});

async function setup(): Promise<{
  collector: AnalyticsDataCollector;
  dashboards: DashboardManager;
  dashboardId: string;
  clock: ManualClock;
}> {
  const clock = createManualClock(NOW);
  const collector = new AnalyticsDataCollector({ clock, trackingIntervalMs: 0, autoCleanupIntervalMs: 0 });
  collectors.push(collector);
  const dashboards = new DashboardManager({ clock, collector });
  const { id } = await dashboards.createDashboard("Ops");
  return { collector, dashboards, dashboardId: id, clock };
}

// Generous limits: CI shares two cores between many test workers.
describe("widget data: chart", { timeout: 60_000 }, () => {
  it("gives one point per interval on interval multiples, empty ones null (or 0 for count and sum)", async () => {
    const { collector, dashboards, dashboardId } = await setup();
    // Four points for 1h of 15m, the last one the current 12:00: 11:10 is before the first (11:15), 11:20 falls in
    // 11:15, 11:50 in 11:45, 12:05 in 12:00.
    for (const [minute, value] of [
      [-57, 10],
      [-47, 30],
      [-17, 5],
      [-2, 7],
    ] as const) {
      collector.recordMetric("latency", value, {}, { timestamp: NOW + minute * MINUTE });
    }
    const mean = await dashboards.addWidgetToDashboard(dashboardId, "chart", {
      title: "Latency",
      metric: "latency",
      timeRange: "1h",
      interval: "15m",
    });
    const data = await dashboards.getWidgetData(dashboardId, mean.id);
    const start = Date.UTC(2026, 0, 1, 11, 15);
    expect(data).toEqual({
      type: "chart",
      widgetId: mean.id,
      title: "Latency",
      aggregation: "mean",
      from: start,
      to: start + HOUR,
      intervalMs: 15 * MINUTE,
      series: [
        {
          name: "latency",
          points: [
            { t: start, value: 30 },
            { t: start + 15 * MINUTE, value: null },
            { t: start + 30 * MINUTE, value: 5 },
            { t: start + 45 * MINUTE, value: 7 },
          ],
        },
      ],
    });
    const count = await dashboards.addWidgetToDashboard(dashboardId, "chart", {
      title: "Requests",
      metric: "latency",
      timeRange: "1h",
      interval: "15m",
      aggregation: "count",
    });
    const counted = await dashboards.getWidgetData(dashboardId, count.id);
    expect(counted.type === "chart" && counted.series[0]?.points.map((point) => point.value)).toEqual([1, 0, 1, 1]);
  });

  it("draws one line per groupBy value, largest first, at most 8, and filters by tags", async () => {
    const { collector, dashboards, dashboardId } = await setup();
    for (let region = 0; region < 10; region += 1) {
      for (let repeat = 0; repeat <= region; repeat += 1) {
        collector.recordMetric("sales", 1, { region: `r${region}`, channel: "web" }, { timestamp: NOW - MINUTE });
      }
    }
    collector.recordMetric("sales", 100, { channel: "web" }, { timestamp: NOW - MINUTE });
    collector.recordMetric("sales", 1000, { region: "r9", channel: "shop" }, { timestamp: NOW - MINUTE });
    const widget = await dashboards.addWidgetToDashboard(dashboardId, "chart", {
      title: "Sales by region",
      metric: "sales",
      timeRange: "15m",
      aggregation: "sum",
      groupBy: "region",
      tags: { channel: "web" },
    });
    const data = await dashboards.getWidgetData(dashboardId, widget.id);
    if (data.type !== "chart") throw new Error("expected chart data");
    expect(data.series.map((line) => line.name)).toEqual(["r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2"]);
    expect(data.series[0]?.points.at(-2)?.value).toBe(10);
    expect(data.series[0]?.points).toHaveLength(15);
  });

  it("sums every bucket exactly as the recorded values do (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ minutesAgo: fc.integer({ min: 0, max: 359 }), value: fc.integer({ min: -1000, max: 1000 }) }),
          {
            maxLength: 60,
          },
        ),
        async (points) => {
          const { collector, dashboards, dashboardId } = await setup();
          for (const point of points) {
            collector.recordMetric("m", point.value, {}, { timestamp: NOW - point.minutesAgo * MINUTE });
          }
          const widget = await dashboards.addWidgetToDashboard(dashboardId, "chart", {
            title: "m",
            metric: "m",
            timeRange: "6h",
            interval: "30m",
            aggregation: "sum",
          });
          const data = await dashboards.getWidgetData(dashboardId, widget.id);
          if (data.type !== "chart") throw new Error("expected chart data");
          const line = data.series[0]!;
          expect(line.points).toHaveLength(12);
          for (const { t, value } of line.points) {
            const expected = points
              .map((point) => ({ at: NOW - point.minutesAgo * MINUTE, value: point.value }))
              .filter((point) => point.at >= t && point.at < t + 30 * MINUTE)
              .reduce((sum, point) => sum + point.value, 0);
            expect(value).toBe(expected);
          }
          await collector.shutdown();
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("widget data: stat, gauge, table", () => {
  it("aggregates a stat over its range and sets the status from its thresholds", async () => {
    const { collector, dashboards, dashboardId } = await setup();
    for (const value of [100, 200, 300]) collector.recordMetric("errors", value, {}, { timestamp: NOW - 5 * MINUTE });
    collector.recordMetric("errors", 9999, {}, { timestamp: NOW - 2 * HOUR });
    const widget = await dashboards.addWidgetToDashboard(dashboardId, "stat", {
      title: "Errors",
      metric: "errors",
      timeRange: "1h",
      thresholds: { warning: 500, critical: 1000 },
    });
    expect(await dashboards.getWidgetData(dashboardId, widget.id)).toEqual({
      type: "stat",
      widgetId: widget.id,
      title: "Errors",
      aggregation: "sum",
      from: NOW - HOUR,
      to: NOW,
      value: 600,
      status: "warning",
    });
    const max = await dashboards.addWidgetToDashboard(dashboardId, "stat", {
      title: "Worst",
      metric: "errors",
      timeRange: "1h",
      aggregation: "max",
    });
    expect(await dashboards.getWidgetData(dashboardId, max.id)).toMatchObject({ value: 300, status: "ok" });
    const none = await dashboards.addWidgetToDashboard(dashboardId, "stat", {
      title: "Nothing",
      metric: "unknown",
      timeRange: "1h",
      aggregation: "mean",
    });
    expect(await dashboards.getWidgetData(dashboardId, none.id)).toMatchObject({ value: null, status: "ok" });
  });

  it("includes the window that starts right now", async () => {
    const { collector, dashboards, dashboardId } = await setup();
    collector.recordMetric("fresh", 5, {}, { timestamp: NOW }); // NOW is on a minute boundary: its window starts now
    const widget = await dashboards.addWidgetToDashboard(dashboardId, "stat", {
      title: "F",
      metric: "fresh",
      timeRange: "15m",
    });
    expect(await dashboards.getWidgetData(dashboardId, widget.id)).toMatchObject({ value: 5, to: NOW });
  });

  it("puts a gauge's value on its dial, clamped, with a 'below' threshold", async () => {
    const { collector, dashboards, dashboardId, clock } = await setup();
    collector.recordMetric("disk_free", 15, {}, { timestamp: NOW - MINUTE });
    const widget = await dashboards.addWidgetToDashboard(dashboardId, "gauge", {
      title: "Free disk",
      metric: "disk_free",
      timeRange: "15m",
      min: 10,
      max: 110,
      unit: "%",
      thresholds: { warning: 30, critical: 10, direction: "below" },
    });
    expect(await dashboards.getWidgetData(dashboardId, widget.id)).toMatchObject({
      type: "gauge",
      value: 15,
      min: 10,
      max: 110,
      ratio: 0.05,
      status: "warning",
    });
    collector.recordMetric("disk_free", 500, {}, { timestamp: NOW });
    clock.advance(MINUTE);
    expect(await dashboards.getWidgetData(dashboardId, widget.id)).toMatchObject({ ratio: 1, status: "ok" });
  });

  it("lists a table's groups by count, limited, with one value per column", async () => {
    const { collector, dashboards, dashboardId } = await setup();
    const samples: [string, string, number][] = [
      ["/a", "GET", 10],
      ["/a", "GET", 30],
      ["/a", "GET", 20],
      ["/b", "GET", 5],
      ["/b", "POST", 7],
      ["/b", "POST", 9],
    ];
    for (const [endpoint, method, value] of samples) {
      collector.recordMetric("rt", value, { endpoint, method }, { timestamp: NOW - MINUTE });
    }
    const widget = await dashboards.addWidgetToDashboard(dashboardId, "table", {
      title: "By endpoint",
      metric: "rt",
      timeRange: "1h",
      groupBy: ["endpoint", "method"],
      columns: ["count", "min", "max"],
      limit: 2,
    });
    expect(await dashboards.getWidgetData(dashboardId, widget.id)).toMatchObject({
      type: "table",
      groupBy: ["endpoint", "method"],
      columns: ["count", "min", "max"],
      rows: [
        { group: { endpoint: "/a", method: "GET" }, values: [3, 10, 30] },
        { group: { endpoint: "/b", method: "POST" }, values: [2, 7, 9] },
      ],
    });
  });

  it("orders statuses: critical beats warning, thresholds are inclusive", () => {
    const above = { warning: 10, critical: 20, direction: "above" as const };
    expect([9, 10, 19, 20, 99].map((value) => statusOf(value, above))).toEqual([
      "ok",
      "warning",
      "warning",
      "critical",
      "critical",
    ]);
    const below = { warning: 10, critical: null, direction: "below" as const };
    expect([11, 10, -5].map((value) => statusOf(value, below))).toEqual(["ok", "warning", "warning"]);
    expect(statusOf(null, above)).toBe("ok");
    expect(statusOf(5, null)).toBe("ok");
  });
});
