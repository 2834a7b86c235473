import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine } from "../../src/anomaly/anomaly-detection-engine";
import { closeIntervals, MAX_FILLED_INTERVALS } from "../../src/anomaly/event-rate";
import { createRandom } from "../../src/random/create-random";

const MINUTE = 60_000;
const start = Date.UTC(2026, 0, 1);

/** Tracks `counts[i]` events spread over minute i, through the engine's clock. */
function trackMinutes(
  engine: AnomalyDetectionEngine,
  clock: ReturnType<typeof createManualClock>,
  counts: readonly number[],
) {
  const found = [];
  for (const [minute, count] of counts.entries()) {
    for (let event = 0; event < count; event += 1) {
      clock.setTime(start + minute * MINUTE + Math.floor(((event + 0.5) / count) * MINUTE));
      found.push(...engine.trackEvent("notification_failure", { code: "unavailable" }));
    }
  }
  return found;
}

/** About `mean` events a minute (Poisson by inversion), reproducible. */
function steadyCounts(minutes: number, mean: number, seed: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: minutes }, () => {
    let count = 0;
    let p = Math.exp(-mean);
    let cumulative = p;
    const u = random.next();
    while (u > cumulative) {
      count += 1;
      p *= mean / count;
      cumulative += p;
    }
    return count;
  });
}

describe("AnomalyDetectionEngine.trackEvent (the guide's event-rate pattern)", () => {
  it("reports a burst of failures as an anomaly once its minute is over, and nothing in the steady stream", () => {
    const clock = createManualClock(start);
    // Two hours of warm-up: the likelihood's long-run statistics of a Poisson-like count need more than 50 points.
    const engine = new AnomalyDetectionEngine({ clock, minTrainingPoints: 120 });
    const counts = [...steadyCounts(300, 6, 7), 90, ...steadyCounts(5, 6, 8)];
    const found = trackMinutes(engine, clock, counts);
    expect(found.length).toBeGreaterThanOrEqual(1);
    expect(found[0]?.timestamp).toBe(start + 300 * MINUTE);
    expect(found[0]?.value).toBe(90);
    expect(found.every((anomaly) => anomaly.timestamp >= start + 300 * MINUTE)).toBe(true);
    expect(engine.getAnomalies("notification_failure")[0]?.timestamp).toBe(start + 300 * MINUTE);
  });

  it("reports a burst after an exactly regular rate (zero residual variance once scored every point 0)", () => {
    const clock = createManualClock(start);
    const engine = new AnomalyDetectionEngine({ clock });
    const counts = [...Array.from({ length: 120 }, (_, minute) => 4 + (minute % 3)), 80];
    trackMinutes(engine, clock, counts);
    const [burst] = engine.closeEventIntervals(start + counts.length * MINUTE);
    expect(burst?.value).toBe(80);
    expect(burst?.severity).toBe("critical");
  });

  it("counts events per interval, fills silent intervals with zero and closes intervals on demand", () => {
    const clock = createManualClock(start);
    const engine = new AnomalyDetectionEngine({ clock, minTrainingPoints: 5, eventIntervalMs: MINUTE });
    trackMinutes(engine, clock, [3, 0, 0, 2]);
    // Minutes 0–2 are closed (3, 0, 0); minute 3 is open.
    expect(engine.hasModel("notification_failure")).toBe(false);
    engine.closeEventIntervals(start + 5 * MINUTE);
    // 3, 0, 0, 2, 0 make the five warm-up points of the model.
    expect(engine.hasModel("notification_failure")).toBe(true);
    expect(engine.getModel("notification_failure").pointsSeen).toBe(5);
  });

  it("counts an event older than the open interval in the open interval", () => {
    const clock = createManualClock(start);
    const engine = new AnomalyDetectionEngine({ clock, minTrainingPoints: 2 });
    engine.trackEvent("late", undefined, start + 2 * MINUTE);
    engine.trackEvent("late", undefined, start);
    engine.closeEventIntervals(start + 4 * MINUTE);
    expect(engine.getModel("late").pointsSeen).toBe(2);
  });

  it("rejects a bad name or timestamp and leaves the counters unchanged", () => {
    const engine = new AnomalyDetectionEngine({ minTrainingPoints: 2 });
    expect(captureValidationIssues(() => engine.trackEvent("", {}))).toEqual([expect.stringMatching(/^name:/)]);
    expect(captureValidationIssues(() => engine.trackEvent("x", {}, "yesterday"))).toEqual([
      expect.stringMatching(/^timestamp:/),
    ]);
    expect(captureValidationIssues(() => engine.closeEventIntervals(Number.NaN))).toEqual([
      expect.stringMatching(/^timestamp:/),
    ]);
    expect(captureValidationIssues(() => new AnomalyDetectionEngine({ eventIntervalMs: 0 }))).toEqual([
      expect.stringMatching(/^options\.eventIntervalMs:/),
    ]);
  });

  it("keeps the clock out of the snapshot and takes a new one on restore", () => {
    const clock = createManualClock(start);
    const engine = new AnomalyDetectionEngine({ clock, eventIntervalMs: 30_000 });
    const json = engine.toJSON();
    expect(json.options).not.toHaveProperty("clock");
    expect(json.options.eventIntervalMs).toBe(30_000);
    const restored = AnomalyDetectionEngine.fromJSON(JSON.parse(JSON.stringify(json)), { clock });
    expect(restored.options.clock).toBe(clock);
  });
});

describe("closeIntervals", () => {
  it("closes the open interval and one zero per silent interval, in time order", () => {
    const counter = { start: 0, count: 4 };
    expect(closeIntervals(counter, 3 * MINUTE + 5, MINUTE)).toEqual([
      { timestamp: 0, value: 4 },
      { timestamp: MINUTE, value: 0 },
      { timestamp: 2 * MINUTE, value: 0 },
    ]);
    expect(counter).toEqual({ start: 3 * MINUTE, count: 0 });
    expect(closeIntervals(counter, 3 * MINUTE + 59_999, MINUTE)).toEqual([]);
  });

  it("fills at most the last MAX_FILLED_INTERVALS silent intervals after a long silence", () => {
    const counter = { start: 0, count: 1 };
    const points = closeIntervals(counter, (MAX_FILLED_INTERVALS + 100) * MINUTE, MINUTE);
    expect(points).toHaveLength(MAX_FILLED_INTERVALS + 1);
    expect(points.at(-1)?.timestamp).toBe((MAX_FILLED_INTERVALS + 99) * MINUTE);
    expect(points[1]?.timestamp).toBe(100 * MINUTE);
  });
});
