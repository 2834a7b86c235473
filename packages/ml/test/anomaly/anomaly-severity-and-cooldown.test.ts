import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine, type AnomalySeverity } from "../../src/anomaly/anomaly-detection-engine";
import { createRandom } from "../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;
const RANK: Record<AnomalySeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** The guide's example data: a noisy period-24 cycle with Gaussian noise, seeded. */
function series(length: number, seed = 7, offset = 0) {
  const random = createRandom(seed);
  return Array.from({ length }, (_, index) => ({
    timestamp: START + (index + offset) * MINUTE,
    value: 50 + 10 * Math.sin((2 * Math.PI * (index + offset)) / 24) + random.normal(),
  }));
}

/** The README tour's CPU readings: a daily cycle in minutes with a saw-tooth wobble, and a spike to 98 at minute 60. */
function tourReadings() {
  const start = Date.UTC(2026, 0, 1);
  const cpu = (index: number) => 40 + 15 * Math.sin((2 * Math.PI * index) / 1440) + ((index * 7919) % 11) - 5;
  const trainingData = Array.from({ length: 1440 }, (_, index) => ({
    timestamp: start + index * MINUTE,
    value: cpu(index),
  }));
  const live = Array.from({ length: 120 }, (_, offset) => ({
    timestamp: start + (1440 + offset) * MINUTE,
    value: offset === 60 ? 98 : cpu(1440 + offset),
  }));
  return { trainingData, live, spikeAt: start + 1500 * MINUTE };
}

describe("AnomalyDetectionEngine: severity and cooldown", () => {
  it("reports the guide's injected spike as the most severe anomaly after a borderline point started the cooldown", () => {
    for (const bump of [10, 11]) {
      // "auto"'s 400-point cooldown ("resonance", the default, has none: every report stands on its own).
      const engine = new AnomalyDetectionEngine({ detector: "auto", sensitivityThreshold: 2.5, minTrainingPoints: 50 });
      engine.trainModel("cpu_monitoring", series(500));
      const dataPoints = series(60, 8, 500);
      const borderline = dataPoints[27] as { timestamp: number; value: number };
      const spike = dataPoints[30] as { timestamp: number; value: number };
      borderline.value += bump;
      spike.value += 60;
      const detected = engine.detectAnomalies("cpu_monitoring", dataPoints);
      // The borderline point (or its neighbour) starts the default 400-point cooldown three points before the spike.
      expect(detected.length, `bump ${bump}`).toBeGreaterThanOrEqual(2);
      expect(detected[0]?.timestamp).toBeLessThan(spike.timestamp);
      const hit = detected.find((anomaly) => anomaly.timestamp === spike.timestamp);
      expect(hit, `bump ${bump}`).toBeDefined();
      expect(hit?.severity).toBe("critical");
      for (const anomaly of detected) expect(anomaly.score).toBeLessThanOrEqual(hit?.score ?? 0);
    }
  });

  it("rates the tour's spike (98 against 40.7 expected) critical, at the guide's and the default threshold", () => {
    for (const sensitivityThreshold of [2.5, 3.5]) {
      const { trainingData, live, spikeAt } = tourReadings();
      const engine = new AnomalyDetectionEngine({ sensitivityThreshold, minTrainingPoints: 50 });
      engine.trainModel("cpu_monitoring", trainingData);
      const detected = engine.detectAnomalies("cpu_monitoring", live);
      expect(detected.map((anomaly) => anomaly.timestamp)).toEqual([spikeAt]);
      expect(detected[0]?.severity).toBe("critical");
      expect(detected[0]?.value).toBeGreaterThan(detected[0]?.upper ?? Number.POSITIVE_INFINITY);
    }
  });

  it("with cooldown 0 does not rate the ordinary points after a spike as severe", () => {
    const engine = new AnomalyDetectionEngine({ sensitivityThreshold: 2.5, minTrainingPoints: 50, cooldown: 0 });
    engine.trainModel("cpu_monitoring", series(500));
    const dataPoints = series(60, 8, 500);
    const spike = dataPoints[30] as { timestamp: number; value: number };
    spike.value += 60;
    const detected = engine.detectAnomalies("cpu_monitoring", dataPoints);
    const [first, ...after] = detected;
    expect(first?.timestamp).toBe(spike.timestamp);
    expect(first?.severity).toBe("critical");
    // The spike keeps the recent error high for ten points; the points themselves are ordinary.
    for (const anomaly of after) expect(RANK[anomaly.severity]).toBe(RANK.low);
    expect(after.length).toBeLessThan(10);
  });

  it("inside a cooldown reports only more severe anomalies, and each starts a new cooldown", () => {
    const engine = new AnomalyDetectionEngine({ detector: "zscore", sensitivityThreshold: 3, cooldown: 10 });
    engine.trainModel("m", series(500));
    const base = series(12, 9, 500).map((point) => ({ ...point, value: 50 }));
    const values = [50, 50 + 35, 50 + 30, 50 + 70, 50 + 60, 50 + 200];
    const points = base.slice(0, values.length).map((point, index) => ({ ...point, value: values[index] as number }));
    const detected = engine.detectAnomalies("m", points).map((anomaly) => anomaly.value - 50);
    // 35 starts the cooldown, 30 is not worse, 70 is (twice the deviation), 60 is not, 200 is.
    expect(detected).toEqual([35, 70, 200]);
  });
});
