import { createManualClock } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnalyticsDataCollector } from "../../src/collector/analytics-data-collector";

const START = Date.UTC(2026, 0, 1);

const operation = fc.oneof(
  fc.record({
    kind: fc.constant("event" as const),
    name: fc.constantFrom("a", "b", "c"),
    id: fc.option(fc.constantFrom("x", "y", "z")),
  }),
  fc.record({
    kind: fc.constant("metric" as const),
    name: fc.constantFrom("m", "n"),
    value: fc.integer({ min: -50, max: 50 }),
  }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 5 * 60_000 }) }),
);

describe("AnalyticsDataCollector retention", () => {
  it("never keeps more than its caps, and accounts for every event", () => {
    fc.assert(
      fc.property(
        fc.record({
          maxEvents: fc.integer({ min: 0, max: 5 }),
          maxMetrics: fc.integer({ min: 0, max: 5 }),
          maxWindows: fc.integer({ min: 1, max: 3 }),
        }),
        fc.array(operation, { maxLength: 80 }),
        (caps, operations) => {
          const clock = createManualClock(START);
          const collector = new AnalyticsDataCollector({
            clock,
            maxEvents: caps.maxEvents,
            maxMetrics: caps.maxMetrics,
            maxWindowsPerSeries: caps.maxWindows,
            trackingIntervalMs: 0,
            autoCleanupIntervalMs: 0,
          });
          let tracked = 0;
          let evictedEvents = 0;
          collector.on("dropped", (info) => {
            if (info.reason === "evicted_event") evictedEvents += info.count;
          });
          for (const step of operations) {
            if (step.kind === "event") {
              if (collector.trackEvent(step.name, {}, null, step.id === null ? {} : { id: step.id }).accepted)
                tracked += 1;
            } else if (step.kind === "metric") collector.recordMetric(step.name, step.value);
            else clock.advance(step.ms);
            expect(collector.getEvents().length).toBeLessThanOrEqual(caps.maxEvents);
            expect(collector.getMetrics().length).toBeLessThanOrEqual(caps.maxMetrics);
            const json = collector.toJSON();
            for (const series of json.series) expect(series.windows.length).toBeLessThanOrEqual(caps.maxWindows);
          }
          expect(collector.getEvents().length + evictedEvents).toBe(caps.maxEvents === 0 ? 0 : tracked);
          expect(collector.getDropCounters().evictedEvents).toBe(evictedEvents);
        },
      ),
      { numRuns: 100 },
    );
  });
});
