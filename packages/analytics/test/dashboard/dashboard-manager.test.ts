import { createManualClock, createMemoryStorage, type ManualClock, PelbiotError } from "@pelbiot/core";
import { captureValidationIssuesAsync, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { DashboardManager, type DashboardManagerOptions } from "../../src/dashboard/dashboard-manager";

const START = Date.UTC(2026, 0, 1, 12);
const collectors: AnalyticsDataCollector[] = [];

afterEach(async () => {
  for (const collector of collectors.splice(0)) await collector.shutdown();
});

function setup(options: DashboardManagerOptions = {}): { dashboards: DashboardManager; clock: ManualClock } {
  const clock = createManualClock(START);
  return { dashboards: new DashboardManager({ clock, ...options }), clock };
}

const REVENUE = { title: "Revenue", metric: "total_revenue", timeRange: "24h" } as const;

// Generous limits: the 100-dashboard case runs 120 writes on a machine shared by many test workers.
describe("DashboardManager: the guide's contract", { timeout: 60_000 }, () => {
  it("runs the guide's lines with await", async () => {
    const dashboards = new DashboardManager();
    const dashboard = await dashboards.createDashboard("Sales Dashboard", "Real-time sales metrics", "user-1");
    await dashboards.addWidgetToDashboard(dashboard.id, "chart", {
      title: "Revenue",
      metric: "total_revenue",
      timeRange: "24h",
    });
    const retrieved = await dashboards.getDashboard(dashboard.id);

    expect(retrieved).toMatchObject({
      id: dashboard.id,
      tenant: "default",
      name: "Sales Dashboard",
      description: "Real-time sales metrics",
      owner: "user-1",
      version: 2,
    });
    expect(retrieved.widgets).toHaveLength(1);
    expect(retrieved.widgets[0]).toMatchObject({
      type: "chart",
      config: { title: "Revenue", metric: "total_revenue", timeRange: "24h", aggregation: "mean", interval: "30m" },
    });
  });

  it("keeps the guide's limits by default: 100 dashboards, 20 widgets", async () => {
    const { dashboards } = setup();
    for (let index = 0; index < 100; index += 1) await dashboards.createDashboard(`d${index}`);
    const error = await expectPelbiotErrorAsync(dashboards.createDashboard("one more"), "LIMIT_EXCEEDED");
    expect(error.details).toEqual({ limit: 100, got: 101 });
    expect(error.message).toContain("maxDashboards");
    expect(await dashboards.listDashboards()).toHaveLength(100);

    const [first] = await dashboards.listDashboards();
    for (let index = 0; index < 20; index += 1) {
      await dashboards.addWidgetToDashboard(first!.id, "stat", { ...REVENUE, title: `w${index}` });
    }
    const widgetError = await expectPelbiotErrorAsync(
      dashboards.addWidgetToDashboard(first!.id, "stat", REVENUE),
      "LIMIT_EXCEEDED",
    );
    expect(widgetError.details).toEqual({ limit: 20, got: 21 });
    expect((await dashboards.getDashboard(first!.id)).widgets).toHaveLength(20);
  });
});

describe("DashboardManager: dashboards", () => {
  it("creates with defaults, lists oldest first, filters by owner and stamps times from the clock", async () => {
    const { dashboards, clock } = setup();
    const a = await dashboards.createDashboard("A");
    clock.advance(1000);
    const b = await dashboards.createDashboard("B", "second", "user-2");
    expect(a).toMatchObject({ description: "", owner: null, version: 1, createdAt: START, updatedAt: START });
    expect(b.createdAt).toBe(START + 1000);
    expect((await dashboards.listDashboards()).map((dashboard) => dashboard.name)).toEqual(["A", "B"]);
    expect((await dashboards.listDashboards({ owner: "user-2" })).map((dashboard) => dashboard.id)).toEqual([b.id]);
  });

  it("updates with the expected version and refuses a stale one with CONFLICT, unchanged", async () => {
    const { dashboards, clock } = setup();
    const created = await dashboards.createDashboard("Sales", "old", "user-1");
    clock.advance(500);
    const renamed = await dashboards.updateDashboard(created.id, { name: "Revenue" }, { expectedVersion: 1 });
    expect(renamed).toMatchObject({ name: "Revenue", description: "old", owner: "user-1", version: 2 });
    expect(renamed.updatedAt).toBe(START + 500);

    const error = await expectPelbiotErrorAsync(
      dashboards.updateDashboard(created.id, { name: "Lost update" }, { expectedVersion: 1 }),
      "CONFLICT",
    );
    expect(error.details).toMatchObject({ id: created.id, expectedVersion: 1, actualVersion: 2 });
    expect(await dashboards.getDashboard(created.id)).toEqual(renamed);

    const cleared = await dashboards.updateDashboard(created.id, { owner: null }, { expectedVersion: 2 });
    expect(cleared.owner).toBeNull();
    // No changes still counts as an edit of the version read (e.g. a "touch").
    const touched = await dashboards.updateDashboard(created.id, undefined as never, { expectedVersion: 3 });
    expect(touched).toMatchObject({ name: "Revenue", version: 4 });
  });

  it("requires the expected version on updateDashboard", async () => {
    const { dashboards } = setup();
    const created = await dashboards.createDashboard("Sales");
    expect(await captureValidationIssuesAsync(() => dashboards.updateDashboard(created.id, {}, {} as never))).toEqual([
      "options.expectedVersion: must be a finite number, got undefined",
    ]);
  });

  it("checks the version on widget writes and deletes when one is given", async () => {
    const { dashboards } = setup();
    const created = await dashboards.createDashboard("Sales");
    await dashboards.addWidgetToDashboard(created.id, "stat", REVENUE, { expectedVersion: 1 });
    await expectPelbiotErrorAsync(
      dashboards.addWidgetToDashboard(created.id, "stat", REVENUE, { expectedVersion: 1 }),
      "CONFLICT",
    );
    await expectPelbiotErrorAsync(dashboards.deleteDashboard(created.id, { expectedVersion: 1 }), "CONFLICT");
    expect((await dashboards.getDashboard(created.id)).widgets).toHaveLength(1);
    await dashboards.deleteDashboard(created.id, { expectedVersion: 2 });
    await expectPelbiotErrorAsync(dashboards.getDashboard(created.id), "NOT_FOUND");
  });

  it("lets exactly one of two concurrent editors of the same version win", async () => {
    const { dashboards } = setup();
    const created = await dashboards.createDashboard("Sales");
    const results = await Promise.allSettled([
      dashboards.updateDashboard(created.id, { name: "one" }, { expectedVersion: 1 }),
      dashboards.updateDashboard(created.id, { name: "two" }, { expectedVersion: 1 }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected");
    expect(PelbiotError.is(rejected?.reason, "CONFLICT")).toBe(true);
    expect((await dashboards.getDashboard(created.id)).version).toBe(2);
  });

  it("keeps the dashboards in the given storage, for another manager over it", async () => {
    const storage = createMemoryStorage();
    const first = new DashboardManager({ storage });
    const created = await first.createDashboard("Shared");
    await first.addWidgetToDashboard(created.id, "gauge", { ...REVENUE, max: 100 });
    const second = new DashboardManager({ storage });
    expect(await second.getDashboard(created.id)).toEqual(await first.getDashboard(created.id));
    expect(await storage.keys()).toEqual(["analytics:dashboards:tenants:default"]);
  });
});

describe("DashboardManager: widgets", () => {
  it("resolves each type's defaults", async () => {
    const { dashboards } = setup();
    const { id } = await dashboards.createDashboard("All");
    const chart = await dashboards.addWidgetToDashboard(id, "chart", { ...REVENUE, timeRange: "7d" });
    const stat = await dashboards.addWidgetToDashboard(id, "stat", REVENUE);
    const table = await dashboards.addWidgetToDashboard(id, "table", { ...REVENUE, groupBy: ["region"] });
    const gauge = await dashboards.addWidgetToDashboard(id, "gauge", {
      ...REVENUE,
      max: 500,
      thresholds: { warning: 300, critical: 450 },
    });
    expect(chart.config).toEqual({
      ...REVENUE,
      timeRange: "7d",
      tags: {},
      aggregation: "mean",
      interval: "3h",
      groupBy: null,
    });
    expect(stat.config).toEqual({ ...REVENUE, tags: {}, aggregation: "sum", unit: "", decimals: 2, thresholds: null });
    expect(table.config).toEqual({
      ...REVENUE,
      tags: {},
      groupBy: ["region"],
      columns: ["count", "mean", "p95"],
      limit: 10,
    });
    expect(gauge.config).toMatchObject({
      min: 0,
      max: 500,
      aggregation: "mean",
      thresholds: { warning: 300, critical: 450, direction: "above" },
    });
    expect((await dashboards.getDashboard(id)).widgets.map((widget) => widget.id)).toEqual([
      chart.id,
      stat.id,
      table.id,
      gauge.id,
    ]);
  });

  it("updates a widget by merging and re-checking, and resets a chart's interval with its time range", async () => {
    const { dashboards } = setup();
    const { id } = await dashboards.createDashboard("All");
    const chart = await dashboards.addWidgetToDashboard(id, "chart", { ...REVENUE, interval: "1h" });
    const updated = await dashboards.updateWidget(id, chart.id, { timeRange: "15m" });
    expect(updated.config).toMatchObject({ title: "Revenue", timeRange: "15m", interval: "1m" });
    const issues = await captureValidationIssuesAsync(() =>
      dashboards.updateWidget(id, chart.id, { interval: "1d" } as never),
    );
    expect(issues).toEqual([
      'changes.interval: must be at most the time range and give at most 500 points, got "1d" for 1 points',
    ]);
    expect((await dashboards.getDashboard(id)).widgets[0]?.config).toEqual(updated.config);
  });

  it("removes widgets, and names unknown dashboards and widgets with NOT_FOUND", async () => {
    const { dashboards } = setup();
    const { id } = await dashboards.createDashboard("All");
    const widget = await dashboards.addWidgetToDashboard(id, "stat", REVENUE);
    const after = await dashboards.removeWidgetFromDashboard(id, widget.id);
    expect(after).toMatchObject({ version: 3, widgets: [] });
    const missingWidget = await expectPelbiotErrorAsync(
      dashboards.removeWidgetFromDashboard(id, widget.id),
      "NOT_FOUND",
    );
    expect(missingWidget.details).toMatchObject({ id: widget.id });
    const missing = await expectPelbiotErrorAsync(dashboards.getDashboard("nope"), "NOT_FOUND");
    expect(missing.details).toEqual({ id: "nope" });
    expect(missing.message).toBe('DashboardManager.getDashboard: no dashboard has id "nope".');
    await expectPelbiotErrorAsync(dashboards.addWidgetToDashboard("nope", "stat", REVENUE), "NOT_FOUND");
    await expectPelbiotErrorAsync(dashboards.updateWidget(id, "nope", { title: "x" }), "NOT_FOUND");
  });
});

describe("DashboardManager: bad input leaves state unchanged", () => {
  it("names each malformed config field with what is accepted", async () => {
    const { dashboards } = setup();
    const { id } = await dashboards.createDashboard("Bad");
    const before = await dashboards.getDashboard(id);
    expect(
      await captureValidationIssuesAsync(() =>
        dashboards.addWidgetToDashboard(id, "chart", { title: "", metric: "m", timeRange: "24 hours" }),
      ),
    ).toEqual([
      "config.title: must be a non-empty string",
      'config.timeRange: must be a whole number and a unit m, h, d or w, from "1m" to "366d" (e.g. "15m", "24h", "7d"), got "24 hours"',
    ]);
    expect(
      await captureValidationIssuesAsync(() =>
        dashboards.addWidgetToDashboard(id, "gauge", {
          ...REVENUE,
          min: 10,
          max: 5,
          aggregation: "median" as never,
          thresholds: { warning: 9, critical: 3 },
        }),
      ),
    ).toEqual([
      'config.aggregation: must be one of "count", "sum", "min", "max", "mean", "p50", "p90", "p95", "p99", got string "median"',
      "config.max: must be greater than min (10), got 5",
      'config.thresholds.warning: must be at most critical (3) when direction is "above"',
      "config.thresholds.warning: must lie between min (10) and max (5), got 9",
      "config.thresholds.critical: must lie between min (10) and max (5), got 3",
    ]);
    expect(
      await captureValidationIssuesAsync(() =>
        dashboards.addWidgetToDashboard(id, "table", { ...REVENUE, groupBy: [], colums: ["p50"] } as never),
      ),
    ).toEqual([
      expect.stringContaining('config.colums: "colums" is not a known option (did you mean "columns"?)'),
      "config.groupBy: must hold at least 1 item(s), got 0",
    ]);
    expect(
      await captureValidationIssuesAsync(() => dashboards.addWidgetToDashboard(id, "pie" as never, REVENUE as never)),
    ).toEqual(['type: must be one of "chart", "stat", "table", "gauge", got string "pie"']);
    for (const timeRange of ["0m", "15s", "367d", "-1h", "1.5h", "", "24H"]) {
      await expectPelbiotErrorAsync(
        dashboards.addWidgetToDashboard(id, "stat", { ...REVENUE, timeRange }),
        "VALIDATION_ERROR",
      );
    }
    expect(await dashboards.getDashboard(id)).toEqual(before);
  });

  it("rejects malformed ids, names, options and misspelt option keys", async () => {
    const { dashboards } = setup();
    expect(await captureValidationIssuesAsync(() => dashboards.createDashboard("", 7 as never, 3 as never))).toEqual([
      "name: must be a non-empty string",
      "description: must be a string, got number 7",
      "owner: must be a string, got number 3",
    ]);
    expect(await captureValidationIssuesAsync(() => dashboards.getDashboard(42 as never))).toEqual([
      "dashboardId: must be a string, got number 42",
    ]);
    const issues = await captureValidationIssuesAsync(() =>
      dashboards.deleteDashboard("x", { expectedVerison: 1 } as never),
    );
    expect(issues[0]).toContain('did you mean "expectedVersion"?');
    expect(await captureValidationIssuesAsync(() => dashboards.createDashboard("a\u0000b"))).toEqual([
      "name: must be free of control characters",
    ]);
    expect(await dashboards.listDashboards()).toEqual([]);
    expect(() => new DashboardManager({ maxDashboards: 0 })).toThrow(/options.maxDashboards: must be at least 1/);
    expect(() => new DashboardManager({ collector: {} as never })).toThrow(/options.collector.getMetricStats/);
  });

  it("wraps a failing storage adapter's error as STORAGE_ERROR", async () => {
    const storage = createMemoryStorage();
    const failing = { ...storage, name: "failing", getEntry: () => Promise.reject(new Error("disk on fire")) };
    const dashboards = new DashboardManager({ storage: failing });
    const error = await expectPelbiotErrorAsync(dashboards.createDashboard("x"), "STORAGE_ERROR");
    expect(error.message).toContain("disk on fire");
  });

  it("without a collector, data calls say how to configure one", async () => {
    const { dashboards } = setup();
    const { id } = await dashboards.createDashboard("No data");
    const widget = await dashboards.addWidgetToDashboard(id, "stat", REVENUE);
    const error = await expectPelbiotErrorAsync(dashboards.getWidgetData(id, widget.id), "CONFIGURATION_ERROR");
    expect(error.message).toContain("{ collector }");
    await expectPelbiotErrorAsync(dashboards.renderDashboard(id), "CONFIGURATION_ERROR");
  });

  it("reads numbers from a collector given as option", async () => {
    const clock = createManualClock(START);
    const collector = new AnalyticsDataCollector({ clock, trackingIntervalMs: 0, autoCleanupIntervalMs: 0 });
    collectors.push(collector);
    collector.recordMetric("total_revenue", 40);
    collector.recordMetric("total_revenue", 60);
    const dashboards = new DashboardManager({ clock, collector });
    const { id } = await dashboards.createDashboard("Sales");
    const stat = await dashboards.addWidgetToDashboard(id, "stat", REVENUE);
    clock.advance(60_000);
    expect(await dashboards.getWidgetData(id, stat.id)).toMatchObject({ type: "stat", value: 100, status: "ok" });
  });
});
