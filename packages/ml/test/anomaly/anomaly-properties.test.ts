import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine, type AnomalyDetectorKind } from "../../src/anomaly/anomaly-detection-engine";
import { scoreThreshold } from "../../src/anomaly/anomaly-model";

const START = Date.parse("2026-01-01T00:00:00Z");
const DETECTORS: AnomalyDetectorKind[] = [
  "auto",
  "resonance",
  "zscore",
  "robust-zscore",
  "seasonal",
  "cusum",
  "holt-winters",
  "trend",
];

// Values from several regimes: bounded noise, large magnitudes, and many repeats (zero MAD / zero variance).
const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(0),
);
const seriesArbitrary = fc.array(value, { minLength: 60, maxLength: 160 });
const optionsArbitrary = fc.record({
  detector: fc.constantFrom(...DETECTORS),
  sensitivityThreshold: fc.double({ min: 0.5, max: 8, noNaN: true }),
  window: fc.constantFrom(0, 6, 30),
  cooldown: fc.integer({ min: 0, max: 10 }),
});

const toPoints = (values: readonly number[], offset = 0) =>
  values.map((item, index) => ({ timestamp: START + (index + offset) * 1000, value: item }));

describe("AnomalyDetectionEngine properties", () => {
  it("detections are finite, bounds ordered lower ≤ expected ≤ upper, scores above the detector's threshold", () => {
    fc.assert(
      fc.property(optionsArbitrary, seriesArbitrary, (options, values) => {
        const engine = new AnomalyDetectionEngine({ ...options, minTrainingPoints: 40 });
        engine.trainModel("m", toPoints(values.slice(0, 40)));
        const detected = engine.detectAnomalies("m", toPoints(values.slice(40), 40));
        for (const anomaly of detected) {
          for (const field of [anomaly.score, anomaly.expected, anomaly.lower, anomaly.upper, anomaly.value]) {
            expect(Number.isFinite(field)).toBe(true);
          }
          expect(anomaly.lower).toBeLessThanOrEqual(anomaly.expected);
          expect(anomaly.expected).toBeLessThanOrEqual(anomaly.upper);
          expect(anomaly.score).toBeGreaterThan(scoreThreshold(engine.options));
        }
      }),
      { seed: 20260101, numRuns: 150 },
    );
  });

  it("toJSON/fromJSON round-trips exactly and the copy makes the same decisions", () => {
    fc.assert(
      fc.property(optionsArbitrary, seriesArbitrary, (options, values) => {
        const engine = new AnomalyDetectionEngine({ ...options, minTrainingPoints: 40 });
        engine.trainModel("m", toPoints(values.slice(0, 40)));
        engine.detectAnomalies("m", toPoints(values.slice(40, 50), 40));
        const copy = AnomalyDetectionEngine.fromJSON(JSON.parse(JSON.stringify(engine.toJSON())));
        expect(copy.toJSON()).toEqual(engine.toJSON());
        const rest = toPoints(values.slice(50), 50);
        expect(copy.detectAnomalies("m", rest)).toEqual(engine.detectAnomalies("m", rest));
      }),
      { seed: 20260102, numRuns: 100 },
    );
  });

  it("a rejected call leaves the engine unchanged", () => {
    fc.assert(
      fc.property(
        optionsArbitrary,
        seriesArbitrary,
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, "1", null),
        (options, values, badIndex, badValue) => {
          const engine = new AnomalyDetectionEngine({ ...options, minTrainingPoints: 40 });
          engine.trainModel("m", toPoints(values.slice(0, 40)));
          const before = JSON.stringify(engine.toJSON());
          const batch: { timestamp: number; value: unknown }[] = toPoints(values.slice(40, 50), 40);
          batch[badIndex] = { timestamp: START + (40 + badIndex) * 1000, value: badValue };
          expect(() => engine.detectAnomalies("m", batch as never)).toThrow(new RegExp(`dataPoints\\.${badIndex}`));
          expect(() => engine.trainModel("m", batch as never)).toThrow();
          expect(JSON.stringify(engine.toJSON())).toBe(before);
        },
      ),
      { seed: 20260103, numRuns: 100 },
    );
  });
});
