import { readFileSync } from "node:fs";
import { PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine, type AnomalyModelJson } from "../../src/anomaly/anomaly-detection-engine";
import { combineNabScores, type NabScore } from "../../src/anomaly/score-nab";
import { createRandom } from "../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;
// Written by the previous release's toJSON(): threshold 3, cooldown 20, one anomaly, 11 cooldown points left.
const previousRelease = readFileSync(new URL("./fixtures/anomaly-detection-engine-v1.json", import.meta.url), "utf8");

function series(length: number, seed = 7, offset = 0) {
  const random = createRandom(seed);
  return Array.from({ length }, (_, index) => ({
    timestamp: START + (index + offset) * MINUTE,
    value: 50 + 10 * Math.sin((2 * Math.PI * (index + offset)) / 24) + random.normal(),
  }));
}

/** The validation issues of a trained "cpu" model's snapshot whose detector state has `detector`'s fields changed. */
function corrupt(detector: Record<string, unknown>): string[] {
  const engine = new AnomalyDetectionEngine();
  engine.trainModel("cpu", series(200));
  const json = engine.toJSON();
  const model = json.models.cpu as AnomalyModelJson;
  return captureValidationIssues(() =>
    AnomalyDetectionEngine.fromJSON({
      ...json,
      models: { cpu: { ...model, detector: { ...model.detector, ...detector } } },
    }),
  );
}

describe("AnomalyDetectionEngine snapshots", () => {
  it('writes { format: "pelbiot.ml.AnomalyDetectionEngine", version: 6 } and reads it back from an object or JSON text', () => {
    const engine = new AnomalyDetectionEngine({ detector: "auto", sensitivityThreshold: 3, cooldown: 20 });
    engine.trainModel("cpu", series(200));
    engine.detectAnomalies("cpu", [{ timestamp: START + 300 * MINUTE, value: 500 }]);
    const json = engine.toJSON();
    expect(json).toMatchObject({ format: "pelbiot.ml.AnomalyDetectionEngine", version: 6 });
    expect(json.models.cpu).toMatchObject({ cooldownRemaining: 20, cooldownSeverity: "critical", droppedPoints: 0 });
    expect(json.models.cpu?.detector).toMatchObject({ kind: "auto", maximum: 500, rangePoints: 201 });
    expect(AnomalyDetectionEngine.fromJSON(JSON.stringify(json)).toJSON()).toEqual(json);
    expect(AnomalyDetectionEngine.fromJSON(json).toJSON()).toEqual(json);
  });

  it("reads a snapshot written by the previous release and carries on where it stopped", () => {
    const engine = AnomalyDetectionEngine.fromJSON(previousRelease);
    const old = JSON.parse(previousRelease);
    // The "auto" threshold 3 of the old release becomes 3 / 1.2: the same likelihood threshold as before.
    expect(engine.options).toMatchObject({ ...old.options, sensitivityThreshold: 2.5, outOfOrder: "accept" });
    expect(engine.getModel("cpu")).toMatchObject({ pointsSeen: old.models.cpu.pointsSeen, droppedPoints: 0 });
    expect(engine.getAnomalies("cpu", 10)).toEqual([...old.models.cpu.anomalies].reverse());
    // The cooldown goes on (its severity derived from the stored anomaly), and a far worse spike inside it is still reported and starts a new one.
    expect(engine.toJSON().models.cpu).toMatchObject({ cooldownRemaining: 11, cooldownSeverity: "high" });
    const last = old.models.cpu.lastTimestamp as number;
    const [spike] = engine.detectAnomalies("cpu", [{ timestamp: last + MINUTE, value: 5000 }]);
    expect(spike?.severity).toBe("critical");
    expect(engine.toJSON().models.cpu).toMatchObject({ cooldownRemaining: 20 });
    expect(engine.toJSON()).toMatchObject({ format: "pelbiot.ml.AnomalyDetectionEngine", version: 6 });
  });

  it('reads a snapshot before version 6 whose options leave the detector out as "auto", the default then', () => {
    const engine = new AnomalyDetectionEngine({ detector: "auto", cooldown: 0 });
    engine.trainModel("cpu", series(200));
    const current = engine.toJSON();
    const { detector: _detector, ...options } = current.options;
    for (const old of [
      { ...current, version: 5, options },
      { format: current.format, version: 5, models: current.models },
    ]) {
      const restored = AnomalyDetectionEngine.fromJSON(old);
      expect(restored.options.detector).toBe("auto");
      expect(restored.toJSON().models).toEqual(current.models);
    }
    // From version 6 on, options without a detector take today's default.
    expect(AnomalyDetectionEngine.fromJSON({ ...current, options: {}, models: {} }).options.detector).toBe("resonance");
  });

  it('holds the context gate in an "auto" model\'s state, and the copy goes on deciding exactly as the original', () => {
    const engine = new AnomalyDetectionEngine({ detector: "auto", cooldown: 0 });
    engine.trainModel("cpu", series(400));
    const detector = (engine.toJSON().models.cpu as AnomalyModelJson).detector;
    expect(detector.contextTags).toHaveLength(4096);
    expect(detector.contextStamps).toHaveLength(4096);
    expect(detector.contextClock).toBe(400);
    // The 400 training points made at most 6 transitions each; most recur (a daily wave of eight levels).
    const held = (detector.contextTags as number[]).filter((tag) => tag !== 0).length;
    expect(held).toBeGreaterThan(6);
    expect(held).toBeLessThan(6 * 400);
    const copy = AnomalyDetectionEngine.fromJSON(JSON.stringify(engine.toJSON()));
    const next = series(300, 11, 400).map((point, index) => ({
      ...point,
      value: point.value + (index % 37 === 5 ? 25 : 0) + (index > 200 ? 15 : 0),
    }));
    expect(copy.detectAnomalies("cpu", next)).toEqual(engine.detectAnomalies("cpu", next));
    expect(copy.toJSON()).toEqual(engine.toJSON());
  });

  it('reads a version 3 snapshot: its "auto" model runs without the context gate and reports as it did', () => {
    // Bursts of three points on a flat series, then a quiet spell (the likelihood forgets them), then bursts again.
    const random = createRandom(1);
    const points: { timestamp: number; value: number }[] = [];
    let burst = 40;
    for (let index = 0; index < 3500; index += 1) {
      let value = 10 + 0.05 * random.normal();
      if (index >= burst && (index < 1000 || index >= 3000)) {
        value += 10;
        if (index >= burst + 2) burst = index + 30 + Math.floor(40 * random.next());
      }
      points.push({ timestamp: START + index * MINUTE, value });
    }
    const engine = new AnomalyDetectionEngine({ detector: "auto", cooldown: 0 });
    engine.trainModel("cpu", points.slice(0, 3000));
    const current = engine.toJSON();
    const model = current.models.cpu as AnomalyModelJson;
    const oldState = Object.fromEntries(
      Object.entries(model.detector).filter(([field]) => !field.startsWith("context") && !field.startsWith("gate")),
    ) as AnomalyModelJson["detector"];
    const version3 = { ...current, version: 3, models: { cpu: { ...model, detector: oldState } } };
    const restored = AnomalyDetectionEngine.fromJSON(version3);
    expect(restored.toJSON().models.cpu?.detector).toEqual(oldState);
    expect(restored.toJSON()).toMatchObject({ version: 6 });
    // The returning bursts surprise the likelihood, which reports them without the gate; with it, they follow
    // paths of levels the series took in training, so the current model stays quiet.
    const ungated = restored.detectAnomalies("cpu", points.slice(3000));
    const gated = engine.detectAnomalies("cpu", points.slice(3000));
    expect(ungated.length).toBeGreaterThanOrEqual(10);
    expect(gated).toEqual([]);
  });

  it("reads a version 2 snapshot: same likelihood threshold, and the range rule starts after 500 new points", () => {
    const engine = new AnomalyDetectionEngine({ detector: "auto", sensitivityThreshold: 3, cooldown: 0 });
    engine.trainModel("cpu", series(200));
    const current = engine.toJSON();
    const model = current.models.cpu as AnomalyModelJson;
    const { minimum: _minimum, maximum: _maximum, rangePoints: _rangePoints, ...oldState } = model.detector;
    const version2 = {
      ...current,
      version: 2,
      options: { ...current.options, sensitivityThreshold: 3.6 },
      models: { cpu: { ...model, detector: oldState } },
    };
    const restored = AnomalyDetectionEngine.fromJSON(version2);
    expect(restored.options.sensitivityThreshold).toBeCloseTo(3, 12);
    expect(restored.toJSON().models.cpu?.detector).toMatchObject({ rangePoints: 0 });
    // Without a range yet, a spike is still reported by the likelihood (a score above 1.2 × 3).
    const [spike] = restored.detectAnomalies("cpu", [{ timestamp: START + 300 * MINUTE, value: 500 }]);
    expect(spike?.score).toBeGreaterThan(3.6);
    expect(restored.toJSON().models.cpu?.detector).toMatchObject({ rangePoints: 1, minimum: 500, maximum: 500 });
  });

  it('reads a version 4 snapshot (the previous release) of an "auto" engine, which decides exactly as before', () => {
    const engine = new AnomalyDetectionEngine({ cooldown: 0 });
    engine.trainModel("cpu", series(300));
    const version4 = { ...engine.toJSON(), version: 4 };
    const restored = AnomalyDetectionEngine.fromJSON(JSON.stringify(version4));
    expect(restored.toJSON()).toEqual(engine.toJSON());
    const later = series(200, 9, 300);
    for (let index = 50; index < 55; index += 1) (later[index] as { value: number }).value += 40;
    expect(restored.detectAnomalies("cpu", later)).toEqual(engine.detectAnomalies("cpu", later));
  });

  it("rejects a foreign format with VALIDATION_ERROR and a newer version with UNSUPPORTED", () => {
    const json = new AnomalyDetectionEngine().toJSON();
    expectPelbiotError(
      () => AnomalyDetectionEngine.fromJSON({ ...json, format: "pelbiot.ml.Other" }),
      "VALIDATION_ERROR",
    );
    expectPelbiotError(() => AnomalyDetectionEngine.fromJSON("not json"), "VALIDATION_ERROR");
    const newer = expectPelbiotError(() => AnomalyDetectionEngine.fromJSON({ ...json, version: 7 }), "UNSUPPORTED");
    expect(newer.message).toContain("AnomalyDetectionEngine.fromJSON");
  });

  it("reports a corrupted detector state as a VALIDATION_ERROR at its path, never a plain Error", () => {
    const old = JSON.parse(previousRelease);
    old.models.cpu.detector.profile = "broken";
    expect(captureValidationIssues(() => AnomalyDetectionEngine.fromJSON(old))).toEqual([
      'json.models.cpu.detector: field "profile" must be an array of finite numbers',
    ]);
  });

  it("reports a corrupted range of the new-territory rule as a VALIDATION_ERROR at the detector's path", () => {
    const message = 'json.models.cpu.detector: fields "minimum", "maximum" and "rangePoints" must describe a range';
    expect(corrupt({ rangePoints: 501 })).toEqual([message]);
    expect(corrupt({ minimum: 10, maximum: 5 })).toEqual([message]);
    expect(corrupt({ rangePoints: 2.5 })).toEqual([
      'json.models.cpu.detector: field "rangePoints" must be a finite integer',
    ]);
    expect(corrupt({ maximum: "high" })).toEqual(['json.models.cpu.detector: field "maximum" must be a finite number']);
  });

  it("reports a corrupted context gate as a VALIDATION_ERROR naming the field", () => {
    const at = "json.models.cpu.detector: ";
    expect(corrupt({ contextTags: [1, 2, 3] })).toEqual([`${at}field "contextTags" must hold 4096 numbers, got 3`]);
    expect(corrupt({ contextTags: Array(4096).fill(2 ** 40) })).toEqual([
      `${at}fields "contextTags" and "contextHistory" must hold 32-bit integers`,
    ]);
    expect(corrupt({ contextStep: 0 })).toEqual([
      `${at}fields "contextStep", "contextClock", "contextHead" and "contextFilled" must be in range`,
    ]);
    expect(corrupt({ contextHead: 6 })).toEqual([
      `${at}fields "contextStep", "contextClock", "contextHead" and "contextFilled" must be in range`,
    ]);
    expect(corrupt({ gateRecent: Array(10).fill(2) })).toEqual([
      `${at}fields "gateRecent" (zeros and ones) and "gateHead" must be in range`,
    ]);
    expect(corrupt({ contextOrigin: "low" })).toEqual([`${at}field "contextOrigin" must be a finite number`]);
    expect(corrupt({ contextStamps: Array(4096).fill(1e9) })).toEqual([
      `${at}field "contextStamps" must hold integers from 0 to "contextClock"`,
    ]);
  });
});

describe("AnomalyDetectionEngine options and errors", () => {
  it("rejects a misspelt option naming the nearest accepted one", () => {
    const issues = captureValidationIssues(() => new AnomalyDetectionEngine({ cooldwn: 5 } as never));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      /^options\.cooldwn: "cooldwn" is not a known option \(did you mean "cooldown"\?\); accepted: /,
    );
    expect(issues[0]).toContain("outOfOrder");
    expectPelbiotError(() => new AnomalyDetectionEngine({ outOfOrder: "sometimes" } as never), "VALIDATION_ERROR");
  });

  it('defaults sensitivityThreshold to the guide\'s 2.5 for "auto" (its likelihood threshold 3) and 3.5 otherwise', () => {
    expect(new AnomalyDetectionEngine().options).toMatchObject({ detector: "resonance", sensitivityThreshold: 2.5 });
    expect(new AnomalyDetectionEngine({ detector: "auto" }).options.sensitivityThreshold).toBe(2.5);
    expect(new AnomalyDetectionEngine({ detector: "zscore" }).options.sensitivityThreshold).toBe(3.5);
    expect(new AnomalyDetectionEngine({ detector: "seasonal" }).options.sensitivityThreshold).toBe(3.5);
  });

  it("reports INSUFFICIENT_DATA with details { got, need }", () => {
    const error = expectPelbiotError(
      () => new AnomalyDetectionEngine({ minTrainingPoints: 50 }).trainModel("cpu", series(10)),
      "INSUFFICIENT_DATA",
    );
    expect(error.details).toMatchObject({ got: 10, need: 50 });
  });

  it("combineNabScores reports malformed scores as VALIDATION_ERROR with their paths instead of a TypeError", () => {
    const error = expectPelbiotError(() => combineNabScores([{} as NabScore]), "VALIDATION_ERROR");
    expect(PelbiotError.is(error)).toBe(true);
    expect(captureValidationIssues(() => combineNabScores([{ profiles: { standard: {} } } as never]))[0]).toBe(
      "scores.0.profiles.standard.raw: must be a finite number, got undefined",
    );
  });
});
