import { createManualClock, createMemoryStorage, type ManualClock, PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  AnalyticsDataCollector,
  type AnalyticsDataCollectorOptions,
  type ClosedWindow,
  type DropReason,
} from "../../src/collector/analytics-data-collector";
import { createMemoryAnalyticsSink } from "../../src/collector/memory-analytics-sink";

const START = Date.UTC(2026, 0, 1);
const collectors: AnalyticsDataCollector[] = [];

function setup(options: AnalyticsDataCollectorOptions = {}): { collector: AnalyticsDataCollector; clock: ManualClock } {
  const clock = createManualClock(START);
  const collector = new AnalyticsDataCollector({ clock, ...options });
  collectors.push(collector);
  return { collector, clock };
}

afterEach(async () => {
  for (const collector of collectors.splice(0)) await collector.shutdown();
});

describe("AnalyticsDataCollector: the guide's contract", () => {
  it("runs the guide's lines as written", async () => {
    const collector = new AnalyticsDataCollector();
    collectors.push(collector);
    collector.trackEvent("user_login", { platform: "web", duration: 1500 }, "user-1");
    collector.recordMetric("api_response_time", 45.2, { endpoint: "/api/users", method: "GET" });
    const eventStats = collector.getEventStats();
    const metricStats = collector.getMetricStats();
    const batch = { events: [{ name: "page_view", userId: "user-2" }], metrics: [{ name: "fps", value: 58 }] };
    await collector.recordBatch(batch);

    expect(eventStats.totalEvents).toBe(1);
    expect(eventStats.byName).toEqual([expect.objectContaining({ name: "user_login", count: 1, distinctUsers: 1 })]);
    expect(metricStats).toEqual([
      expect.objectContaining({ name: "api_response_time", count: 1, sum: 45.2, min: 45.2, max: 45.2, mean: 45.2 }),
    ]);
    expect(collector.getEventStats().totalEvents).toBe(2);
    expect(collector.getMetricStats("fps")[0]?.count).toBe(1);
  });

  it("accepts the guide's option names as aliases, and rejects both names at once", () => {
    const { collector } = setup({ aggregationWindow: 30_000, trackingInterval: 1000, autoCleanupInterval: 5000 });
    collector.recordMetric("m", 1);
    collector.recordMetric("m", 2, undefined, { timestamp: START + 30_000 });
    expect(collector.getMetricStats("m")[0]).toMatchObject({ count: 2, from: START, to: START + 60_000 });
    expect(
      captureValidationIssues(() => new AnalyticsDataCollector({ aggregationWindow: 1000, aggregationWindowMs: 1000 })),
    ).toEqual(["options.aggregationWindow: is the guide's name of aggregationWindowMs; give one of them, not both"]);
    const issues = captureValidationIssues(() => new AnalyticsDataCollector({ maxEvent: 3 } as never));
    expect(issues[0]).toContain("maxEvents");
  });

  it("records <name>_success, <name>_duration and <name>_error around an operation", async () => {
    const { collector, clock } = setup();
    const result = await collector.trackOperation(
      "load",
      async () => {
        clock.advance(120);
        return 7;
      },
      { service: "api" },
    );
    expect(result).toBe(7);
    await expect(
      collector.trackOperation("load", () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const stats = collector.getMetricStats();
    expect(stats.map((entry) => [entry.name, entry.count])).toEqual([
      ["load_duration", 2],
      ["load_error", 1],
      ["load_success", 1],
    ]);
    expect(collector.getMetricStats("load_duration", { tags: { service: "api" } })[0]?.max).toBe(120);
  });
});

describe("AnalyticsDataCollector: events", () => {
  it("drops and counts an event whose id is already kept", () => {
    const { collector } = setup();
    const dropped: DropReason[] = [];
    collector.on("dropped", (info) => dropped.push(info.reason));
    expect(collector.trackEvent("a", {}, "u", { id: "e-1" })).toEqual({ id: "e-1", accepted: true });
    expect(collector.trackEvent("a", {}, "u", { id: "e-1" })).toEqual({ id: "e-1", accepted: false });
    expect(collector.getEventStats().totalEvents).toBe(1);
    expect(collector.getDropCounters().duplicateEvents).toBe(1);
    expect(dropped).toEqual(["duplicate_event"]);
  });

  it("generates unique ids and keeps context", () => {
    const { collector } = setup();
    const first = collector.trackEvent("a");
    const second = collector.trackEvent("a", undefined, null, { context: { app: "1.2.0" } });
    expect(first.id).not.toBe(second.id);
    expect(collector.getEvents()[1]).toMatchObject({ userId: null, context: { app: "1.2.0" }, timestamp: START });
  });

  it("counts distinct users per event name within 5 % on 20,000 users", () => {
    const { collector } = setup({ maxEvents: 0 });
    for (let index = 0; index < 40_000; index += 1) collector.trackEvent("view", undefined, `user-${index % 20_000}`);
    const stats = collector.getEventStats("view");
    expect(stats.byName[0]?.count).toBe(40_000);
    expect(Math.abs((stats.byName[0]?.distinctUsers ?? 0) / 20_000 - 1)).toBeLessThan(0.05);
  });

  it("emits event_tracked and metric_recorded", () => {
    const { collector } = setup();
    const seen: string[] = [];
    collector.on("event_tracked", (event) => seen.push(`event:${event.name}`));
    collector.on("metric_recorded", (point) => seen.push(`metric:${point.name}=${point.value}`));
    collector.trackEvent("open");
    collector.recordMetric("latency", 3);
    expect(seen).toEqual(["event:open", "metric:latency=3"]);
  });
});

describe("AnalyticsDataCollector: bad input", () => {
  const cases: [string, (collector: AnalyticsDataCollector) => unknown, string][] = [
    [
      "an infinite value",
      (c) => c.recordMetric("m", Number.POSITIVE_INFINITY),
      "value: must be a finite number; got Infinity",
    ],
    ["NaN", (c) => c.recordMetric("m", Number.NaN), "value: must be a finite number; got NaN"],
    ["an empty name", (c) => c.recordMetric("", 1), "name"],
    ["an oversized name", (c) => c.trackEvent("x".repeat(201)), "name"],
    ["a function property", (c) => c.trackEvent("e", { run: (() => 1) as never }), "properties.run: is a function"],
    ["a bigint property", (c) => c.trackEvent("e", { big: 1n as never }), "properties.big: is a bigint"],
    ["a class instance", (c) => c.trackEvent("e", { when: new Date() as never }), "properties.when: is Date"],
    ["a non-string tag", (c) => c.recordMetric("m", 1, { code: 200 as never }), "tags.code"],
  ];
  it.each(cases)("rejects %s with a clear message and leaves state unchanged", (_label, action, message) => {
    const { collector } = setup();
    collector.trackEvent("e");
    collector.recordMetric("m", 1);
    const before = JSON.stringify(collector);
    const issues = captureValidationIssues(() => action(collector));
    expect(issues.join("\n")).toContain(message);
    expect(JSON.stringify(collector)).toBe(before);
  });

  it("rejects circular properties", () => {
    const { collector } = setup();
    const properties: Record<string, unknown> = { a: 1 };
    properties.self = properties;
    expect(captureValidationIssues(() => collector.trackEvent("e", properties as never))).toEqual([
      "properties.self: is circular (refers to an object that contains it); JSON values cannot be",
    ]);
    expect(collector.getEventStats().totalEvents).toBe(0);
  });

  it("checks context like properties, and rejects unknown per-call options", () => {
    const { collector } = setup();
    expect(captureValidationIssues(() => collector.trackEvent("e", {}, "u", { context: { at: Number.NaN } }))).toEqual([
      "options.context.at: is NaN; JSON numbers must be finite",
    ]);
    expect(captureValidationIssues(() => collector.trackEvent("e", {}, "u", { idd: "x" } as never))[0]).toContain(
      "options.idd",
    );
    expect(collector.getEventStats().totalEvents).toBe(0);
  });

  it("enforces property count and size limits", () => {
    const { collector } = setup({ maxProperties: 2, maxPropertyBytes: 30 });
    expect(captureValidationIssues(() => collector.trackEvent("e", { a: 1, b: 2, c: 3 }))[0]).toContain(
      "has 3 keys; at most 2 (maxProperties)",
    );
    expect(captureValidationIssues(() => collector.trackEvent("e", { a: "x".repeat(40) }))[0]).toContain(
      "at most 30 (maxPropertyBytes)",
    );
  });

  it("rejects a tag set past maxSeriesPerMetric with LIMIT_EXCEEDED", () => {
    const { collector } = setup({ maxSeriesPerMetric: 2 });
    collector.recordMetric("m", 1, { user: "a" });
    collector.recordMetric("m", 1, { user: "b" });
    const error = expectPelbiotError(() => collector.recordMetric("m", 1, { user: "c" }), "LIMIT_EXCEEDED");
    expect(error.details).toEqual({ limit: 2, got: 3 });
    collector.recordMetric("m", 5, { user: "a" });
    expect(collector.getMetricStats("m").map((entry) => entry.count)).toEqual([3]);
  });

  it("validates a whole batch before recording any of it", async () => {
    const { collector } = setup();
    const issues = await captureIssuesAsync(() =>
      collector.recordBatch({
        events: [{ name: "ok" }, { name: "" }],
        metrics: [
          { name: "m", value: 1 },
          { name: "m", value: Number.NaN },
        ],
      }),
    );
    expect(issues).toEqual([
      "batch.events.1.name: must be a non-empty string",
      "batch.metrics.1.value: must be a finite number; got NaN",
    ]);
    expect(collector.getEventStats().totalEvents).toBe(0);
    expect(collector.getMetricStats()).toEqual([]);
  });

  it("records the guide's array of events as a batch, validated as a whole with paths batch.<index>", async () => {
    const { collector } = setup();
    const result = await collector.recordBatch([
      { name: "page_view", userId: "user-1", properties: { path: "/home" } },
      { name: "page_view", userId: "user-2", id: "evt-2" },
      { name: "page_view", userId: "user-2", id: "evt-2" },
    ]);
    expect(result).toEqual({ events: 2, duplicates: 1, metrics: 0 });
    expect(collector.getEventStats("page_view")).toMatchObject({ totalEvents: 2, distinctUsers: 2 });

    const issues = await captureIssuesAsync(() =>
      collector.recordBatch([{ name: "ok" }, { name: "" }, { name: "x", colour: "red" } as never]),
    );
    expect(issues).toEqual([
      "batch.1.name: must be a non-empty string",
      expect.stringMatching(/^batch\.2\.colour: "colour" is not a known option/),
    ]);
    expect(collector.getEventStats().totalEvents).toBe(2);
  });

  it("stops its timers on shutdown", async () => {
    const { collector, clock } = setup({ trackingIntervalMs: 1000, autoCleanupIntervalMs: 5000 });
    expect(clock.pendingTimers).toBe(2);
    clock.advance(3000);
    expect(clock.pendingTimers).toBe(2);
    await collector.shutdown();
    expect(clock.pendingTimers).toBe(0);
  });

  it("refuses recording after shutdown", async () => {
    const { collector } = setup();
    await collector.shutdown();
    expectPelbiotError(() => collector.trackEvent("e"), "CONFLICT");
  });
});

async function captureIssuesAsync(action: () => Promise<unknown>): Promise<string[]> {
  try {
    await action();
  } catch (error) {
    if (PelbiotError.is(error, "VALIDATION_ERROR")) {
      return (error as unknown as { issues: { path: string; message: string }[] }).issues.map(
        (issue) => `${issue.path}: ${issue.message}`,
      );
    }
    throw error;
  }
  throw new Error("expected a VALIDATION_ERROR");
}

describe("AnalyticsDataCollector: windows and queries", () => {
  it("closes tumbling windows and reports each once", () => {
    const { collector, clock } = setup({ trackingIntervalMs: 0 });
    const closed: ClosedWindow[] = [];
    collector.on("window_closed", (window) => closed.push(window));
    collector.trackEvent("e");
    collector.recordMetric("m", 1);
    clock.advance(60_000);
    collector.recordMetric("m", 2);
    clock.advance(60_000);
    collector.recordMetric("m", 3);
    expect(closed).toEqual([
      { start: START, end: START + 60_000, events: 1, metrics: 1 },
      { start: START + 60_000, end: START + 120_000, events: 0, metrics: 1 },
    ]);
  });

  it("queries by range, tag filter and group-by", () => {
    const { collector, clock } = setup();
    collector.recordMetric("rt", 10, { endpoint: "/a", method: "GET" });
    collector.recordMetric("rt", 20, { endpoint: "/b", method: "GET" });
    clock.advance(60_000);
    collector.recordMetric("rt", 30, { endpoint: "/a", method: "POST" });
    expect(collector.getMetricStats("rt")[0]).toMatchObject({ count: 3, sum: 60, min: 10, max: 30, mean: 20 });
    expect(collector.getMetricStats("rt", { from: START + 60_000 })[0]).toMatchObject({ count: 1, sum: 30 });
    expect(collector.getMetricStats("rt", { to: new Date(START + 60_000) })[0]).toMatchObject({ count: 2 });
    expect(collector.getMetricStats("rt", { tags: { method: "GET" } })[0]).toMatchObject({ count: 2, sum: 30 });
    const grouped = collector.getMetricStats("rt", { groupBy: ["endpoint"] });
    expect(grouped.map((entry) => [entry.group, entry.count, entry.sum])).toEqual([
      [{ endpoint: "/a" }, 2, 40],
      [{ endpoint: "/b" }, 1, 20],
    ]);
  });

  it("reports empty results for no data", () => {
    const { collector } = setup();
    expect(collector.getMetricStats("none")).toEqual([]);
    expect(collector.getEventStats()).toEqual({ totalEvents: 0, distinctUsers: 0, byName: [] });
  });
});

describe("AnalyticsDataCollector: retention", () => {
  it("evicts raw events past maxEvents, counted and emitted", () => {
    const { collector } = setup({ maxEvents: 2 });
    const dropped: string[] = [];
    collector.on("dropped", (info) => dropped.push(`${info.reason}:${info.name}`));
    collector.trackEvent("a");
    collector.trackEvent("b");
    collector.trackEvent("c");
    expect(collector.getEvents().map((event) => event.name)).toEqual(["b", "c"]);
    expect(dropped).toEqual(["evicted_event:a"]);
    expect(collector.getEventStats().totalEvents).toBe(3);
  });

  it("evicts windows past maxWindowsPerSeries and by age", () => {
    const { collector, clock } = setup({ maxWindowsPerSeries: 2, dataRetentionDays: 1, autoCleanupIntervalMs: 0 });
    for (let index = 0; index < 3; index += 1) {
      collector.recordMetric("m", index);
      clock.advance(60_000);
    }
    expect(collector.getMetricStats("m")[0]).toMatchObject({ count: 2, min: 1 });
    expect(collector.getDropCounters().evictedWindows).toBe(1);
    clock.advance(24 * 60 * 60 * 1000);
    expect(collector.cleanup()).toEqual({ windows: 2, events: 0, metrics: 3 });
    expect(collector.getMetricStats()).toEqual([]);
  });

  it("runs the cleanup on its timer", () => {
    const { collector, clock } = setup({ dataRetentionDays: 1, autoCleanupIntervalMs: 60 * 60 * 1000 });
    collector.trackEvent("old");
    clock.advance(25 * 60 * 60 * 1000);
    expect(collector.getEventStats().totalEvents).toBe(0);
    expect(collector.getDropCounters().evictedEvents).toBe(1);
  });
});

describe("AnalyticsDataCollector: sinks", () => {
  it("sends batches by count and on the tracking interval", async () => {
    const sink = createMemoryAnalyticsSink();
    const { collector, clock } = setup({ sinks: [sink], batchSize: 2, trackingIntervalMs: 1000 });
    collector.trackEvent("a");
    collector.recordMetric("m", 1);
    collector.recordMetric("m", 2);
    await Promise.resolve();
    await Promise.resolve();
    expect(sink.batches.map((batch) => [batch.events.length, batch.metrics.length])).toEqual([[1, 1]]);
    await clock.advanceAsync(1000);
    expect(sink.batches.map((batch) => [batch.events.length, batch.metrics.length])).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });

  it("flush waits for in-flight batches and retries through the retry policy", async () => {
    let calls = 0;
    const received: number[] = [];
    const { collector, clock } = setup({
      trackingIntervalMs: 0,
      autoCleanupIntervalMs: 0,
      sinks: [
        {
          name: "flaky",
          send: async (batch) => {
            calls += 1;
            if (calls === 1) throw new Error("unavailable");
            received.push(batch.metrics.length);
          },
        },
      ],
      batchSize: 3,
      retry: { maxAttempts: 3, initialDelayMs: 0, jitter: "none" },
    });
    for (let index = 0; index < 4; index += 1) collector.recordMetric("m", index);
    const flushed = collector.flush();
    await clock.runAllAsync();
    expect(await flushed).toEqual({ delivered: 4, failed: 0 });
    expect(received).toEqual([3, 1]);
  });

  it("reports a batch that fails every retry, never silently", async () => {
    const { collector, clock } = setup({
      trackingIntervalMs: 0,
      autoCleanupIntervalMs: 0,
      sinks: [{ name: "down", send: () => Promise.reject(new Error("down")) }],
      retry: { maxAttempts: 2, initialDelayMs: 0, jitter: "none" },
    });
    const dropped: unknown[] = [];
    collector.on("dropped", (info) => dropped.push(info));
    collector.trackEvent("a");
    collector.recordMetric("m", 1);
    const flushed = collector.flush();
    await clock.runAllAsync();
    expect(await flushed).toEqual({ delivered: 0, failed: 2 });
    expect(dropped).toEqual([{ reason: "sink_failed", count: 2, sink: "down" }]);
    expect(collector.getDropCounters().sinkFailed).toBe(2);
  });

  it("drops past maxPendingItems while a sink is stuck, counted", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { collector } = setup({ sinks: [{ name: "slow", send: () => gate }], batchSize: 1, maxPendingItems: 2 });
    for (let index = 0; index < 5; index += 1) collector.recordMetric("m", index);
    expect(collector.getDropCounters().sinkBacklog).toBe(3);
    release();
    expect(await collector.flush()).toEqual({ delivered: 2, failed: 0 });
  });
});

describe("AnalyticsDataCollector: snapshot", () => {
  it("saves to a storage adapter and restores the same stats", async () => {
    const storage = createMemoryStorage();
    const { collector } = setup({ storage, keyPrefix: "app:", aggregationWindowMs: 10_000 });
    collector.trackEvent("login", { platform: "web" }, "user-1", { id: "e-1" });
    for (let index = 1; index <= 100; index += 1) collector.recordMetric("rt", index, { endpoint: "/a" });
    collector.recordMetric("rt", -3, { endpoint: "/b" });
    collector.recordMetric("rt", 0, { endpoint: "/b" });
    await collector.save();
    const restored = await AnalyticsDataCollector.restore({
      storage,
      keyPrefix: "app:",
      clock: createManualClock(START),
    });
    collectors.push(restored);
    expect(restored.getMetricStats("rt", { groupBy: ["endpoint"] })).toEqual(
      collector.getMetricStats("rt", { groupBy: ["endpoint"] }),
    );
    expect(restored.getEventStats()).toEqual(collector.getEventStats());
    expect(restored.trackEvent("login", {}, "user-1", { id: "e-1" }).accepted).toBe(false);
    expect(JSON.parse(JSON.stringify(restored.toJSON())).format).toBe("pelbiot.analytics.AnalyticsDataCollector");
  });

  it("keeps the snapshot's window length and refuses a different one", () => {
    const { collector } = setup({ aggregationWindowMs: 5000 });
    collector.recordMetric("m", 1);
    const json = JSON.stringify(collector);
    const copy = AnalyticsDataCollector.fromJSON(json, { clock: createManualClock(START) });
    collectors.push(copy);
    expect(copy.getMetricStats("m")[0]).toMatchObject({ from: START, to: START + 5000 });
    expect(captureValidationIssues(() => AnalyticsDataCollector.fromJSON(json, { aggregationWindow: 60_000 }))).toEqual(
      ["options.aggregationWindowMs: must be the snapshot's 5000 or absent"],
    );
  });

  it("reports a missing snapshot and a foreign format", async () => {
    await expectPelbiotErrorAsync(
      () => AnalyticsDataCollector.restore({ storage: createMemoryStorage() }),
      "NOT_FOUND",
    );
    expectPelbiotError(() => AnalyticsDataCollector.fromJSON({ format: "other", version: 1 }), "VALIDATION_ERROR");
    expectPelbiotError(
      () => AnalyticsDataCollector.fromJSON({ format: "pelbiot.analytics.AnalyticsDataCollector", version: 9 }),
      "UNSUPPORTED",
    );
  });
});
