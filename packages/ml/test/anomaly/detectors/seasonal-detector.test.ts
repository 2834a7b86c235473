import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine } from "../../../src/anomaly/anomaly-detection-engine";
import { createRandom } from "../../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;
const PERIOD = 24;
const seasonAt = (index: number) => 10 * Math.sin((2 * Math.PI * index) / PERIOD);

describe('"seasonal" detector (robust STL)', () => {
  it("learns the seasonal profile and level from history polluted by outliers", () => {
    const random = createRandom(12);
    const history = Array.from({ length: 24 * 15 }, (_, index) => 50 + seasonAt(index) + 0.3 * random.normal());
    // Outliers of 200σ at scattered phases: a mean-based decomposition would shift each of those phases by 4.
    for (const index of [17, 100, 170, 250, 333]) history[index] = (history[index] as number) + 60;
    const engine = new AnomalyDetectionEngine({ detector: "seasonal", seasonalPeriod: PERIOD, cooldown: 0 });
    engine.trainModel(
      "m",
      history.map((value, index) => ({ timestamp: START + index * MINUTE, value })),
    );
    const state = engine.toJSON().models.m?.detector;
    const profile = state?.profile as number[];
    for (let phase = 0; phase < PERIOD; phase += 1) expect(profile[phase]).toBeCloseTo(seasonAt(phase), 0);
    expect(state?.level).toBeCloseTo(50, 0);
    // The scale is the remainder's robust spread, near the noise (0.3), not inflated by the outliers.
    expect(state?.scale).toBeLessThan(0.6);
    expect(state?.scale).toBeGreaterThan(0.15);
  });

  it("decomposes only the recent part of a long history and keeps the phases aligned", () => {
    const random = createRandom(14);
    // 7210 points: the decomposed suffix starts at a phase other than 0.
    const history = Array.from({ length: 7210 }, (_, index) => 50 + seasonAt(index) + 0.3 * random.normal());
    const engine = new AnomalyDetectionEngine({ detector: "seasonal", seasonalPeriod: PERIOD, cooldown: 0 });
    engine.trainModel(
      "m",
      history.map((value, index) => ({ timestamp: START + index * MINUTE, value })),
    );
    const profile = engine.toJSON().models.m?.detector.profile as number[];
    for (let phase = 0; phase < PERIOD; phase += 1) expect(profile[phase]).toBeCloseTo(seasonAt(phase), 0);
    const next = 50 + seasonAt(7210);
    const [anomaly] = engine.detectAnomalies("m", [{ timestamp: START + 7210 * MINUTE, value: next + 20 }]);
    expect(anomaly?.expected).toBeCloseTo(next, 0);
  });

  it("without a season falls back to the median and MAD", () => {
    const random = createRandom(13);
    const flat = Array.from({ length: 100 }, () => 7 + random.normal());
    const engine = new AnomalyDetectionEngine({ detector: "seasonal", seasonalPeriod: 1 });
    engine.trainModel(
      "m",
      flat.map((value, index) => ({ timestamp: START + index * MINUTE, value })),
    );
    const state = engine.toJSON().models.m?.detector;
    expect(state?.profile).toEqual([0]);
    expect(state?.scale).toBeGreaterThan(0.5);
    const [anomaly] = engine.detectAnomalies("m", [{ timestamp: START + 100 * MINUTE, value: 20 }]);
    expect(anomaly?.expected).toBeCloseTo(7, 0);
  });
});
