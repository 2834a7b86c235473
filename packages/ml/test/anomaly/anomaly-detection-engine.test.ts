import { PelbiotError, type PelbiotValidationError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import {
  AnomalyDetectionEngine,
  type AnomalyDetectorKind,
  severityOf,
} from "../../src/anomaly/anomaly-detection-engine";
import { createRandom } from "../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;

/** A noisy daily-ish cycle (period 24) with Gaussian noise, seeded. */
function series(length: number, seed = 7, offset = 0) {
  const random = createRandom(seed);
  return Array.from({ length }, (_, index) => ({
    timestamp: START + (index + offset) * MINUTE,
    value: 50 + 10 * Math.sin((2 * Math.PI * (index + offset)) / 24) + random.normal(),
  }));
}

const DETECTORS: AnomalyDetectorKind[] = ["auto", "zscore", "robust-zscore", "seasonal", "cusum", "holt-winters"];

describe("AnomalyDetectionEngine: the guide's contract", () => {
  it("runs the guide's calls as written and flags an obvious spike with every field", () => {
    const anomalies = new AnomalyDetectionEngine({ sensitivityThreshold: 2.5, minTrainingPoints: 50 });
    const trainingData = series(500);
    anomalies.trainModel("cpu_monitoring", trainingData);
    const dataPoints = series(60, 8, 500);
    const spike = dataPoints[30];
    if (spike) spike.value += 60;
    const detected = anomalies.detectAnomalies("cpu_monitoring", dataPoints);
    const hit = detected.find((anomaly) => anomaly.timestamp === spike?.timestamp);
    expect(hit).toBeDefined();
    expect(hit?.value).toBe(spike?.value);
    expect(hit?.score).toBeGreaterThan(2.5);
    expect(hit?.lower).toBeLessThanOrEqual(hit?.expected ?? Number.NaN);
    expect(hit?.expected).toBeLessThanOrEqual(hit?.upper ?? Number.NaN);
    expect(hit?.value).toBeGreaterThan(hit?.upper ?? Number.POSITIVE_INFINITY);
    expect(hit?.severity).toBe(severityOf(hit?.score ?? 0, 2.5));
    const list = anomalies.getAnomalies("cpu_monitoring", 100);
    expect(list).toEqual([...detected].reverse());
    expect(anomalies.getAnomalies("cpu_monitoring", 1)).toEqual(detected.slice(-1));
  });

  it("throws MODEL_NOT_FOUND with the guide's message for an untrained model", () => {
    const engine = new AnomalyDetectionEngine();
    const attempt = () => engine.detectAnomalies("model-1", series(3));
    expect(attempt).toThrow(/^Model not found: model-1/);
    try {
      attempt();
    } catch (error) {
      expect(PelbiotError.is(error, "MODEL_NOT_FOUND")).toBe(true);
    }
    expect(() => engine.getAnomalies("model-1", 10)).toThrow(/Model not found/);
  });

  it('throws INSUFFICIENT_DATA "Insufficient training data: got N, need at least M"', () => {
    const engine = new AnomalyDetectionEngine({ minTrainingPoints: 50 });
    let caught: unknown;
    try {
      engine.trainModel("model-1", series(49));
    } catch (error) {
      caught = error;
    }
    expect(PelbiotError.is(caught, "INSUFFICIENT_DATA")).toBe(true);
    expect((caught as Error).message).toBe("Insufficient training data: got 49, need at least 50");
    expect(engine.hasModel("model-1")).toBe(false);
  });

  it("documents severity bands relative to the threshold", () => {
    expect(severityOf(3.1, 3)).toBe("low");
    expect(severityOf(4.5, 3)).toBe("medium");
    expect(severityOf(6, 3)).toBe("high");
    expect(severityOf(9, 3)).toBe("critical");
  });

  it("accepts ISO-8601 timestamps and Dates and reports epoch milliseconds", () => {
    const engine = new AnomalyDetectionEngine({ detector: "zscore", sensitivityThreshold: 3 });
    engine.trainModel(
      "iso",
      series(100).map((point) => ({ ...point, timestamp: new Date(point.timestamp).toISOString() })),
    );
    const when = new Date(START + 200 * MINUTE);
    const [anomaly] = engine.detectAnomalies("iso", [{ timestamp: when, value: 1000 }]);
    expect(anomaly?.timestamp).toBe(when.getTime());
    expect(anomaly?.severity).toBe("critical");
  });
});

describe("AnomalyDetectionEngine: bad input", () => {
  it("names every bad option", () => {
    const attempt = () =>
      new AnomalyDetectionEngine({
        sensitivityThreshold: -1,
        detector: "magic" as AnomalyDetectorKind,
        window: 1,
        minTrainingPoints: 1.5,
        // @ts-expect-error an unknown option must be reported, not ignored
        threshold: 3,
      });
    expect(attempt).toThrow(PelbiotError);
    try {
      attempt();
    } catch (error) {
      const paths = (error as PelbiotValidationError).issues.map((issue) => issue.path);
      expect(paths).toEqual([
        "options.sensitivityThreshold",
        "options.minTrainingPoints",
        "options.detector",
        "options.window",
        "options.threshold",
      ]);
    }
  });

  it("rejects NaN, Infinity, non-numbers, unsorted and duplicate timestamps, naming the index, and stores nothing", () => {
    // "reject" is the strict policy; the default keeps streams with repeated timestamps running (tested below).
    const engine = new AnomalyDetectionEngine({ minTrainingPoints: 5, outOfOrder: "reject" });
    const good = series(10);
    const cases: [unknown[], RegExp][] = [
      [[...good.slice(0, 9), { timestamp: START + 99 * MINUTE, value: Number.NaN }], /trainingData\.9\.value/],
      [[...good.slice(0, 9), { timestamp: START + 99 * MINUTE, value: Number.POSITIVE_INFINITY }], /trainingData\.9/],
      [[...good.slice(0, 9), { timestamp: START + 99 * MINUTE, value: "7" }], /trainingData\.9\.value/],
      [[...good.slice(0, 9), { timestamp: START, value: 1 }], /trainingData\.9\.timestamp/],
      [[...good.slice(0, 9), { timestamp: good[8]?.timestamp, value: 1 }], /trainingData\.9\.timestamp: duplicates/],
      [[...good.slice(0, 9), { timestamp: "yesterday", value: 1 }], /trainingData\.9\.timestamp/],
    ];
    for (const [points, message] of cases) {
      expect(() => engine.trainModel("m", points as never)).toThrow(message);
      expect(engine.hasModel("m")).toBe(false);
    }
    expect(() => engine.trainModel("", good)).toThrow(/name/);
    expect(() => engine.trainModel("m", [])).toThrow(/Insufficient training data: got 0, need at least 5/);
    engine.trainModel("m", good);
    expect(() => engine.detectAnomalies("m", [])).toThrow(/dataPoints: must hold at least 1 item/);
    expect(() => engine.detectAnomalies("unknown", good)).toThrow(/Model not found: unknown/);
    engine.deleteModel("m");
    expect(() => engine.trainModel("m", "nope" as never)).toThrow(/trainingData: must be an array/);
  });

  it("leaves a model unchanged when detectAnomalies, update or getAnomalies rejects the input", () => {
    for (const detector of DETECTORS) {
      const engine = new AnomalyDetectionEngine({
        detector,
        minTrainingPoints: 20,
        window: detector === "zscore" ? 30 : 0,
        outOfOrder: "reject",
      });
      engine.trainModel("m", series(200));
      engine.detectAnomalies("m", [{ timestamp: START + 300 * MINUTE, value: 500 }]);
      const before = JSON.stringify(engine.toJSON());
      const later = START + 400 * MINUTE;
      const bad: unknown[][] = [
        [
          { timestamp: later, value: 1 },
          { timestamp: later + MINUTE, value: Number.NaN },
        ],
        [
          { timestamp: later, value: 1 },
          { timestamp: later, value: 2 },
        ],
        [{ timestamp: START + 100 * MINUTE, value: 1 }],
        [{ timestamp: later, value: 1 }, null],
      ];
      for (const points of bad) expect(() => engine.detectAnomalies("m", points as never)).toThrow(PelbiotError);
      expect(() => engine.update("m", { timestamp: START, value: 1 })).toThrow(/later than the model's last point/);
      expect(() => engine.update("m", { timestamp: later, value: Number.NaN })).toThrow(/point\.value/);
      expect(() => engine.getAnomalies("m", -1)).toThrow(/limit/);
      expect(JSON.stringify(engine.toJSON()), detector).toBe(before);
    }
  });
});

describe("AnomalyDetectionEngine: detectors", () => {
  it("every detector flags a large spike and a level shift, and stays quiet on its own noise", () => {
    for (const detector of DETECTORS) {
      const engine = new AnomalyDetectionEngine({ detector, sensitivityThreshold: 4, cooldown: 0 });
      engine.trainModel("m", series(600));
      const quiet = engine.detectAnomalies("m", series(200, 11, 600));
      expect(quiet.length, `${detector} false positives`).toBeLessThanOrEqual(2);
      const shifted = series(100, 12, 800).map((point, index) => ({
        ...point,
        value: point.value + (index === 10 ? 80 : index >= 50 ? 40 : 0),
      }));
      const found = engine.detectAnomalies("m", shifted).map((anomaly) => (anomaly.timestamp - START) / MINUTE);
      // CUSUM accumulates sustained shifts; a single spike is the other detectors' job.
      if (detector !== "cusum")
        expect(
          found.some((row) => row >= 810 && row <= 812),
          `${detector} spike`,
        ).toBe(true);
      expect(
        found.some((row) => row >= 850 && row <= 860),
        `${detector} shift`,
      ).toBe(true);
    }
  });

  it("detects the season from the autocorrelation and removes it from the residuals", () => {
    // A strong period-24 cycle with little noise: a point at the usual level but the wrong phase is anomalous.
    const engine = new AnomalyDetectionEngine({ detector: "seasonal", sensitivityThreshold: 4, cooldown: 0 });
    engine.trainModel("m", series(24 * 20));
    const json = engine.toJSON();
    expect(json.models.m?.detector.profile).toHaveLength(24);
    // Detectors go by the order of points: six normal points, then phase 6 where the cycle peaks at 60; 40 is within
    // the series' range but far from this phase's expectation.
    const next = [...series(6, 5, 24 * 20), { timestamp: START + (24 * 20 + 6) * MINUTE, value: 40 }];
    const detected = engine.detectAnomalies("m", next);
    expect(detected).toHaveLength(1);
    expect(detected[0]?.expected).toBeCloseTo(60, 0);
    const plain = new AnomalyDetectionEngine({ detector: "zscore", sensitivityThreshold: 4 });
    plain.trainModel("m", series(24 * 20));
    expect(plain.detectAnomalies("m", next)).toEqual([]);
  });

  it("honours the cooldown: one alert per incident", () => {
    const engine = new AnomalyDetectionEngine({ detector: "zscore", sensitivityThreshold: 3, cooldown: 5 });
    engine.trainModel("m", series(100));
    const burst = Array.from({ length: 8 }, (_, index) => ({ timestamp: START + (200 + index) * MINUTE, value: 500 }));
    expect(engine.detectAnomalies("m", burst).map((anomaly) => anomaly.timestamp)).toEqual([
      START + 200 * MINUTE,
      START + 206 * MINUTE,
    ]);
  });
});

describe("AnomalyDetectionEngine: streaming and persistence", () => {
  it("update() warms up on the first minTrainingPoints points, then scores like detectAnomalies", () => {
    const points = series(400);
    const streaming = new AnomalyDetectionEngine({ minTrainingPoints: 100 });
    const batch = new AnomalyDetectionEngine({ minTrainingPoints: 100 });
    for (const point of points.slice(0, 100)) expect(streaming.update("s", point)).toBeNull();
    expect(streaming.hasModel("s")).toBe(true);
    batch.trainModel("s", points.slice(0, 100));
    const spiked = points.slice(100).map((point, index) => (index === 150 ? { ...point, value: 200 } : point));
    const fromUpdates = spiked.map((point) => streaming.update("s", point)).filter((anomaly) => anomaly !== null);
    expect(fromUpdates).toEqual(batch.detectAnomalies("s", spiked));
    expect(fromUpdates.length).toBeGreaterThan(0);
  });

  it("update() point by point makes the same decisions as one detectAnomalies call, for every detector", () => {
    const all: AnomalyDetectorKind[] = [...DETECTORS, "trend"];
    for (const detector of all) {
      const streaming = new AnomalyDetectionEngine({ detector, cooldown: 5, sensitivityThreshold: 3 });
      const batch = new AnomalyDetectionEngine({ detector, cooldown: 5, sensitivityThreshold: 3 });
      const points = series(700, 21).map((point, index) => ({
        ...point,
        value: point.value + (index === 450 ? 60 : 0) + (index >= 550 ? 0.5 * (index - 550) : 0),
      }));
      streaming.trainModel("s", points.slice(0, 300));
      batch.trainModel("s", points.slice(0, 300));
      const fromUpdates = points.slice(300).flatMap((point) => streaming.update("s", point) ?? []);
      expect(fromUpdates, detector).toEqual(batch.detectAnomalies("s", points.slice(300)));
      expect(fromUpdates.length, detector).toBeGreaterThan(0);
    }
  });

  it("toJSON/fromJSON round-trips exactly, through JSON text, and the copy behaves identically", () => {
    for (const detector of DETECTORS) {
      const engine = new AnomalyDetectionEngine({ detector, window: detector === "robust-zscore" ? 40 : 0 });
      engine.trainModel("m", series(300));
      engine.detectAnomalies("m", series(50, 3, 300));
      const json = engine.toJSON();
      const copy = AnomalyDetectionEngine.fromJSON(JSON.parse(JSON.stringify(json)));
      expect(copy.toJSON()).toEqual(json);
      const next = series(100, 4, 350).map((point, index) => (index % 40 === 0 ? { ...point, value: 300 } : point));
      expect(copy.detectAnomalies("m", next), detector).toEqual(engine.detectAnomalies("m", next));
      expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(engine.toJSON()));
    }
  });

  it("fromJSON rejects foreign or corrupted state with VALIDATION_ERROR", () => {
    const engine = new AnomalyDetectionEngine();
    engine.trainModel("m", series(100));
    const json = JSON.parse(JSON.stringify(engine.toJSON()));
    expect(() => AnomalyDetectionEngine.fromJSON({ ...json, format: "other" })).toThrow(/json\.format/);
    const withBadAnomaly = JSON.parse(JSON.stringify(json));
    withBadAnomaly.models.m.anomalies = [{ timestamp: 1, value: 2, score: 9, expected: 0, lower: -1, upper: 1 }];
    expect(() => AnomalyDetectionEngine.fromJSON(withBadAnomaly)).toThrow(/json\.models\.m\.anomalies\.0\.severity/);
    json.models.m.detector.recent = [1, 2];
    expect(() => AnomalyDetectionEngine.fromJSON(json)).toThrow(/json\.models\.m\.detector/);
  });
});
