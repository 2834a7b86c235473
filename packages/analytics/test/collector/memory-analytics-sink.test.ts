import { createManualClock } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";
import { createMemoryAnalyticsSink } from "../../src/collector/memory-analytics-sink";

describe("createMemoryAnalyticsSink", () => {
  it("keeps every batch of events and metric points in order, until cleared", async () => {
    const sink = createMemoryAnalyticsSink("local");
    const collector = new AnalyticsDataCollector({ clock: createManualClock(0), sinks: [sink], batchSize: 2 });
    collector.trackEvent("signup", { plan: "free" }, "user-1", { id: "e-1" });
    collector.recordMetric("latency", 12, { route: "/" });
    collector.recordMetric("latency", 14, { route: "/" });
    await collector.shutdown();
    expect(sink.name).toBe("local");
    expect(sink.batches).toEqual([
      {
        events: [{ id: "e-1", name: "signup", properties: { plan: "free" }, userId: "user-1", timestamp: 0 }],
        metrics: [{ name: "latency", value: 12, tags: { route: "/" }, timestamp: 0 }],
      },
      { events: [], metrics: [{ name: "latency", value: 14, tags: { route: "/" }, timestamp: 0 }] },
    ]);
    sink.clear();
    expect(sink.batches).toEqual([]);
  });
});
