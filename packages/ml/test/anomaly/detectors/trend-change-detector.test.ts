import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine } from "../../../src/anomaly/anomaly-detection-engine";
import { TrendChangeDetector } from "../../../src/anomaly/detectors/trend-change-detector";
import { createRandom } from "../../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;

const toPoints = (series: readonly number[], offset = 0) =>
  series.map((value, index) => ({ timestamp: START + (index + offset) * MINUTE, value }));

/** A line with slope `before` up to `changeAt`, then slope `after`, continuous, plus seeded Gaussian noise. */
function bentLine(length: number, changeAt: number, before: number, after: number, seed = 1): number[] {
  const random = createRandom(seed);
  return Array.from({ length }, (_, index) => {
    const clean = index < changeAt ? before * index : before * changeAt + after * (index - changeAt);
    return 20 + clean + random.normal();
  });
}

/** The slope-difference t statistic computed directly by least squares over the last 2H values. */
function directScore(window: readonly number[], half: number): number {
  const fitLine = (segment: readonly number[]) => {
    const meanX = (half - 1) / 2;
    const meanY = segment.reduce((sum, value) => sum + value, 0) / half;
    let sxy = 0;
    let sxx = 0;
    for (const [index, value] of segment.entries()) {
      sxy += (index - meanX) * (value - meanY);
      sxx += (index - meanX) ** 2;
    }
    const slope = sxy / sxx;
    const residual = segment.reduce((sum, value, index) => sum + (value - meanY - slope * (index - meanX)) ** 2, 0);
    return { slope, residual, sxx };
  };
  const older = fitLine(window.slice(0, half));
  const newer = fitLine(window.slice(half));
  const sigma = Math.sqrt((older.residual + newer.residual) / (2 * half - 4));
  return Math.abs(newer.slope - older.slope) / (sigma * Math.sqrt(2 / older.sxx));
}

describe('"trend" detector (two-segment regression)', () => {
  it("flags a change of slope soon after it happens, as a trend change, and not the steady slope before", () => {
    const series = bentLine(1000, 700, 0.05, 0.4);
    const engine = new AnomalyDetectionEngine({ detector: "trend" });
    engine.trainModel("m", toPoints(series.slice(0, 300)));
    const detected = engine.detectAnomalies("m", toPoints(series.slice(300), 300));
    expect(detected.length).toBeGreaterThan(0);
    const first = detected[0];
    const row = ((first?.timestamp ?? 0) - START) / MINUTE;
    expect(row).toBeGreaterThan(700);
    expect(row).toBeLessThan(700 + 48);
    expect(first?.kind).toBe("trend-change");
    // The expected value is the old trend extended: well below the bent series.
    expect(first?.expected).toBeLessThan(first?.value ?? Number.NEGATIVE_INFINITY);
  });

  it("ignores a single outlier however large and a level shift at the segment boundary", () => {
    const series = bentLine(800, 10_000, 0.05, 0.05, 2);
    series[500] = (series[500] as number) + 1e6;
    const engine = new AnomalyDetectionEngine({ detector: "trend", sensitivityThreshold: 3.5 });
    engine.trainModel("m", toPoints(series.slice(0, 300)));
    expect(engine.detectAnomalies("m", toPoints(series.slice(300), 300))).toEqual([]);
    // A clean step between the two segments: separate intercepts absorb it.
    const steps = Float64Array.from(
      { length: 19 },
      (_, index) => (index < 10 ? index : index + 50) + 0.1 * (index % 3),
    );
    const detector = TrendChangeDetector.train(steps, 10);
    const assessment = { score: 0, expected: 0, scale: 0 };
    detector.assess(69, assessment);
    expect(assessment.score).toBeLessThan(1);
  });

  it("sliding sums agree with a direct least-squares computation at every point (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        // Millesimal values up to ±1000, and runs of repeats: magnitudes whose squares underflow are out of scope.
        fc.array(
          fc.oneof(
            fc.integer({ min: -1e6, max: 1e6 }).map((value) => value / 1000),
            fc.constantFrom(0, 1, 5),
          ),
          { minLength: 30, maxLength: 120 },
        ),
        (half, values) => {
          const detector = TrendChangeDetector.train(Float64Array.from(values.slice(0, 5)), half);
          const assessment = { score: 0, expected: 0, scale: 0 };
          const seen = values.slice(0, 5);
          for (const value of values.slice(5)) {
            detector.assess(value, assessment);
            seen.push(value);
            if (seen.length < 2 * half) {
              expect(assessment.score).toBe(0);
              continue;
            }
            const direct = directScore(seen.slice(-2 * half), half);
            if (Number.isFinite(direct) && direct < 1e5) {
              expect(Math.abs(assessment.score - direct)).toBeLessThanOrEqual(1e-6 * Math.max(1, direct));
            }
          }
        },
      ),
      { seed: 20260301, numRuns: 100 },
    );
  });

  it("round-trips through JSON mid-stream and validates its window", () => {
    const series = bentLine(600, 450, 0.1, -0.3, 3);
    const engine = new AnomalyDetectionEngine({ detector: "trend", window: 40, cooldown: 0 });
    engine.trainModel("m", toPoints(series.slice(0, 200)));
    engine.detectAnomalies("m", toPoints(series.slice(200, 333), 200));
    const json = engine.toJSON();
    const copy = AnomalyDetectionEngine.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(copy.toJSON()).toEqual(json);
    const rest = toPoints(series.slice(333), 333);
    const detected = engine.detectAnomalies("m", rest);
    expect(copy.detectAnomalies("m", rest)).toEqual(detected);
    expect(detected.some((anomaly) => anomaly.kind === "trend-change")).toBe(true);
    expect(() => new AnomalyDetectionEngine({ detector: "trend", window: 4 })).toThrow(/options\.window.*at least 6/);
    const corrupted = JSON.parse(JSON.stringify(json));
    corrupted.models.m.detector.head = 99;
    expect(() => AnomalyDetectionEngine.fromJSON(corrupted)).toThrow(/json\.models\.m\.detector/);
  });

  it("labels CUSUM detections as level shifts and the others as outliers", () => {
    const random = createRandom(4);
    const flat = Array.from({ length: 400 }, () => 10 + random.normal());
    const shifted = flat.map((value, index) => (index >= 300 ? value + 8 : value));
    for (const [detector, kind] of [
      ["cusum", "level-shift"],
      ["robust-zscore", "outlier"],
      ["auto", "outlier"],
    ] as const) {
      const engine = new AnomalyDetectionEngine({ detector });
      engine.trainModel("m", toPoints(shifted.slice(0, 200)));
      const detected = engine.detectAnomalies("m", toPoints(shifted.slice(200), 200));
      expect(detected.length, detector).toBeGreaterThan(0);
      expect(
        detected.every((anomaly) => anomaly.kind === kind),
        detector,
      ).toBe(true);
    }
  });
});
