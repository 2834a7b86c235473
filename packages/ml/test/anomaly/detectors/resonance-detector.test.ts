import { createManualClock } from "@pelbiot/core";
import { captureValidationIssues } from "@pelbiot/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AnomalyDetectionEngine,
  type AnomalyModelJson,
  severityOf,
} from "../../../src/anomaly/anomaly-detection-engine";
import { resolveAnomalyDetectionEngineOptions } from "../../../src/anomaly/anomaly-detection-engine-options";
import {
  createAnomalyModel,
  LIKELIHOOD_THRESHOLD_FACTOR,
  RESONANCE_THRESHOLD_FACTOR,
  stepAnomalyModel,
} from "../../../src/anomaly/anomaly-model";
import type { Assessment, Detector } from "../../../src/anomaly/detectors/detector";
import {
  AUTO_COOLDOWN,
  AUTO_SCORE_FACTOR,
  CONFIDENCE_SCORE,
  ResonanceDetector,
} from "../../../src/anomaly/detectors/resonance-detector";
import { SurpriseDetector } from "../../../src/anomaly/detectors/surprise-detector";
import {
  decodeFloat64,
  decodeFloat64Table,
  encodeFloat64,
  encodeFloat64Table,
} from "../../../src/internal/float64-text";
import { createRandom } from "../../../src/random/create-random";

const START = Date.parse("2026-01-01T00:00:00Z");
const MINUTE = 60_000;

/** A noisy cycle of period 24, seeded. */
function wave(length: number, seed = 7, offset = 0): number[] {
  const random = createRandom(seed);
  return Array.from(
    { length },
    (_, index) => 50 + 10 * Math.sin((2 * Math.PI * (index + offset)) / 24) + random.normal(),
  );
}

const toPoints = (values: readonly number[], offset = 0) =>
  values.map((value, index) => ({ timestamp: START + (index + offset) * MINUTE, value }));

/** The `"auto"` detector's assessment of one value. */
function assessAuto(detector: SurpriseDetector, value: number): Assessment {
  const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
  detector.assess(value, assessment);
  return assessment;
}

/** Scores `values` in order; returns every score and whether it was about the shape. */
function scores(detector: ResonanceDetector, values: readonly number[]): [number, boolean][] {
  const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
  return values.map((value) => {
    assessment.shape = false;
    detector.assess(value, assessment);
    return [assessment.score, assessment.shape];
  });
}

// Values from several regimes: a cycle with noise, large magnitudes, and long runs of repeats.
const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(0),
);
const values = fc.array(value, { minLength: 60, maxLength: 240 });

describe("ResonanceDetector (the ARTime-style ensemble)", () => {
  it("scores finite numbers from 0 to 10 × the largest confidence (1), whatever the series", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 2, max: 59 }), (series, training) => {
        const detector = ResonanceDetector.train(Float64Array.from(series.slice(0, training)), 0);
        for (const [score] of scores(detector, series.slice(training))) {
          expect(Number.isFinite(score)).toBe(true);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(CONFIDENCE_SCORE);
        }
      }),
      { seed: 20261203, numRuns: 60 },
    );
  });

  it("restores from its state (through JSON text) to a copy that scores every later point identically", () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 2, max: 59 }), fc.nat(), (series, training, cut) => {
        const detector = ResonanceDetector.train(Float64Array.from(series.slice(0, training)), 0);
        const middle = training + (cut % (series.length - training));
        scores(detector, series.slice(training, middle));
        const state = JSON.parse(JSON.stringify(detector.toState()));
        const copy = ResonanceDetector.restore(state);
        expect(JSON.parse(JSON.stringify(copy.toState()))).toEqual(state);
        expect(scores(copy, series.slice(middle))).toEqual(scores(detector, series.slice(middle)));
      }),
      { seed: 20261204, numRuns: 60 },
    );
  });

  it("scores a new shape inside the known range (a flat stretch at the cycle's mean), and not the cycle", () => {
    const detector = ResonanceDetector.train(Float64Array.from(wave(750)), 0);
    const later = wave(400, 8, 750);
    // Every value of the stretch is ordinary; its shape is not.
    for (let index = 200; index < 260; index += 1) later[index] = 50;
    const scored = scores(detector, later);
    expect(scored.slice(0, 200).filter(([score]) => score > 1.8)).toEqual([]);
    expect(scored.slice(200, 260).filter(([score]) => score > 1.8).length).toBeGreaterThanOrEqual(1);
  });
});

describe('AnomalyDetectionEngine with detector "resonance"', () => {
  it("reports the new shape with the likelihood detector's band, and nothing in the ordinary cycle", () => {
    const engine = new AnomalyDetectionEngine({ detector: "resonance" });
    expect(engine.options).toMatchObject({ sensitivityThreshold: 2.5, cooldown: 0 });
    engine.trainModel("cpu", toPoints(wave(750)));
    const later = wave(400, 8, 750);
    for (let index = 200; index < 260; index += 1) later[index] = 50;
    const detected = engine.detectAnomalies("cpu", toPoints(later, 750));
    expect(detected.length).toBeGreaterThanOrEqual(1);
    for (const anomaly of detected) {
      expect(anomaly.timestamp).toBeGreaterThanOrEqual(START + 950 * MINUTE);
      expect(anomaly.timestamp).toBeLessThan(START + 1010 * MINUTE);
      expect(anomaly.score).toBeGreaterThan(0.72 * 2.5);
      expect(anomaly.lower).toBeLessThan(anomaly.expected);
      expect(anomaly.expected).toBeLessThan(anomaly.upper);
    }
  });

  it("grades a report about the shape by its score, kind pattern when its point is inside the band", () => {
    const options = resolveAnomalyDetectionEngineOptions({ detector: "resonance" });
    // A detector that says: a shape scored 4, expected 50 with a band of ±1.8 × 2 (the threshold is 0.72 × 2.5).
    const shape = (score: number, flag: boolean): Detector => ({
      assess(_value: number, assessment: Assessment) {
        assessment.score = score;
        assessment.expected = 50;
        assessment.scale = 2;
        assessment.shape = flag;
      },
      toState: () => ({ kind: "resonance" }),
    });
    const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
    const inside = stepAnomalyModel(createAnomalyModel(shape(4, true), 0, 50, 0), 1, 51, options, assessment);
    expect(inside).toMatchObject({ kind: "pattern", score: 4, severity: severityOf(4, 1.8), lower: 46.4, upper: 53.6 });
    const outside = stepAnomalyModel(createAnomalyModel(shape(4, true), 0, 50, 0), 1, 60, options, assessment);
    expect(outside).toMatchObject({ kind: "outlier", severity: severityOf(4, 1.8) });
    // Not about the shape: the point check of "auto" applies (deviation 0.5 is under 1.8 / 2), severity by deviation.
    expect(stepAnomalyModel(createAnomalyModel(shape(4, false), 0, 50, 0), 1, 51, options, assessment)).toBeNull();
    const point = stepAnomalyModel(createAnomalyModel(shape(4, false), 0, 50, 0), 1, 60, options, assessment);
    expect(point).toMatchObject({ kind: "outlier", severity: severityOf(5, 1.8) });
  });

  it('reports a spike beyond the training range right after training, as "auto" would, though the models are silent', () => {
    // The guide's set-up: 300 points of training (steps of 3 points), a spike 10 points later, inside the models'
    // first mask (at least 12 steps).
    const training = wave(300);
    const later = wave(36, 8, 300);
    later[10] = 98;
    const found: Record<string, unknown[]> = {};
    for (const detector of ["auto", "resonance"] as const) {
      const engine = new AnomalyDetectionEngine({ detector, sensitivityThreshold: 2.5, minTrainingPoints: 50 });
      engine.trainModel("cpu", toPoints(training));
      found[detector] = engine.detectAnomalies("cpu", toPoints(later, 300));
    }
    const [spike] = found.resonance as { score: number; severity: string; lower: number; upper: number }[];
    const [auto] = found.auto as { score: number; severity: string; lower: number; upper: number }[];
    expect(found.resonance).toHaveLength(1);
    expect(found.auto).toHaveLength(1);
    // The same decision, severity and band as "auto"'s, on the "resonance" scale of scores.
    expect(spike).toMatchObject({ timestamp: START + 310 * MINUTE, value: 98, severity: "critical" });
    expect(spike?.severity).toBe(auto?.severity);
    expect(spike?.score).toBeCloseTo((auto?.score ?? 0) * AUTO_SCORE_FACTOR, 9);
    expect(spike?.lower).toBeCloseTo(auto?.lower ?? 0, 9);
    expect(spike?.upper).toBeCloseTo(auto?.upper ?? 0, 9);
  });

  it('leaves a value beyond the range seen so far that the models do not report to "auto", rescaled', () => {
    expect(AUTO_SCORE_FACTOR).toBe(RESONANCE_THRESHOLD_FACTOR / LIKELIHOOD_THRESHOLD_FACTOR);
    const training = Float64Array.from(wave(300));
    const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
    const assess = (detector: ResonanceDetector, value: number) => {
      assessment.shape = false;
      assessment.cooldown = 0;
      detector.assess(value, assessment);
      return { ...assessment };
    };
    // Inside the range (the cycle's mean, far from its expected value there): the silent models decide, and say
    // nothing.
    expect(assess(ResonanceDetector.train(training, 0), 50)).toMatchObject({ score: 0, cooldown: 0 });
    // Beyond it: "auto"'s score and band, rescaled, and a cooldown of one window of the models (8 steps of 3
    // points: 300 training points / 104, rounded), so the window holding the point is not reported again.
    const reference = assessAuto(SurpriseDetector.train(training, 0), 98);
    const beyond = assess(ResonanceDetector.train(training, 0), 98);
    expect(beyond.score).toBe(Math.min(reference.score * AUTO_SCORE_FACTOR, CONFIDENCE_SCORE));
    expect(reference.score * AUTO_SCORE_FACTOR).toBeGreaterThan(0.72 * 2.5);
    expect(beyond.scale).toBe(reference.scale / AUTO_SCORE_FACTOR);
    expect(beyond).toMatchObject({ cooldown: 24, shape: false });
    // Long after training too, whenever the models report nothing (here: mid-step, where they cannot).
    const later = ResonanceDetector.train(training, 0);
    for (const point of wave(121, 8, 300)) assess(later, point);
    const laterReference = SurpriseDetector.train(training, 0);
    for (const point of wave(121, 8, 300)) assessAuto(laterReference, point);
    expect(assess(later, 98).score).toBe(
      Math.min(assessAuto(laterReference, 98).score * AUTO_SCORE_FACTOR, CONFIDENCE_SCORE),
    );
    // The bench's warm-up variant: only while every model is silent after training, with "auto"'s cooldown.
    const warmUp = () =>
      ResonanceDetector.train(training, 0, undefined, { silence: "warm-up", aloneCooldown: AUTO_COOLDOWN });
    expect(assess(warmUp(), 98).cooldown).toBe(AUTO_COOLDOWN);
    const settled = warmUp();
    for (const point of wave(120, 8, 300)) assess(settled, point);
    expect(assess(settled, 98).cooldown).toBe(0);
  });

  it('starts "auto"\'s cooldown with a report "auto" decided alone', () => {
    const options = resolveAnomalyDetectionEngineOptions({ detector: "resonance" });
    const alone: Detector = {
      assess(_value: number, assessment: Assessment) {
        assessment.score = 10;
        assessment.expected = 50;
        assessment.scale = 1;
        assessment.cooldown = AUTO_COOLDOWN;
      },
      toState: () => ({ kind: "resonance" }),
    };
    const model = createAnomalyModel(alone, 0, 50, 0);
    const assessment: Assessment = { score: 0, expected: 0, scale: 0 };
    expect(stepAnomalyModel(model, 1, 60, options, assessment)).not.toBeNull();
    expect(model.cooldownRemaining).toBe(AUTO_COOLDOWN);
    // The engine resets the field before each point: a detector that leaves it alone asks for no cooldown.
    const silent: Detector = {
      assess(_value: number, into: Assessment) {
        into.score = 10;
        into.expected = 50;
        into.scale = 1;
      },
      toState: () => ({ kind: "resonance" }),
    };
    const other = createAnomalyModel(silent, 0, 50, 0);
    expect(stepAnomalyModel(other, 1, 60, options, assessment)).not.toBeNull();
    expect(other.cooldownRemaining).toBe(options.cooldown);
  });

  it("reports nothing in a steady event stream after a short warm-up (steps of at least 2 points), then the burst", () => {
    // About 6 events a minute (Poisson, by inversion) for 300 minutes, 120 of them the warm-up, then a burst of 90.
    for (const seed of [7, 1, 3, 5, 9]) {
      const random = createRandom(seed);
      const poisson = () => {
        let count = 0;
        let p = Math.exp(-6);
        let cumulative = p;
        const u = random.next();
        while (u > cumulative) {
          count += 1;
          p *= 6 / count;
          cumulative += p;
        }
        return count;
      };
      const counts = [...Array.from({ length: 300 }, poisson), 90, 6, 6, 6];
      const clock = createManualClock(START);
      const engine = new AnomalyDetectionEngine({ clock, detector: "resonance", minTrainingPoints: 120 });
      const found = [];
      for (const [minute, count] of counts.entries()) {
        for (let event = 0; event < count; event += 1) {
          clock.setTime(START + minute * MINUTE + Math.floor(((event + 0.5) / count) * MINUTE));
          found.push(...engine.trackEvent("notification_failure"));
        }
      }
      expect(found[0], `seed ${seed}`).toMatchObject({ timestamp: START + 300 * MINUTE, value: 90 });
      for (const anomaly of found)
        expect(anomaly.timestamp, `seed ${seed}`).toBeGreaterThanOrEqual(START + 300 * MINUTE);
    }
  });

  it("flags the guide's burst of notification failures through trackEvent", () => {
    const clock = createManualClock(START);
    const engine = new AnomalyDetectionEngine({ clock, detector: "resonance", minTrainingPoints: 120 });
    const random = createRandom(7);
    const counts = [...Array.from({ length: 300 }, () => 5 + Math.round(random.next() * 2)), 90, 6, 6, 6];
    const found = [];
    for (const [minute, count] of counts.entries()) {
      for (let event = 0; event < count; event += 1) {
        clock.setTime(START + minute * MINUTE + Math.floor(((event + 0.5) / count) * MINUTE));
        found.push(...engine.trackEvent("notification_failure", { code: "unavailable" }));
      }
    }
    expect(found.some((anomaly) => anomaly.timestamp === START + 300 * MINUTE && anomaly.value === 90)).toBe(true);
  });

  it("saves the categories as base64 text of their float64 bytes, and reads version 5's number arrays alike", () => {
    const engine = new AnomalyDetectionEngine({ detector: "resonance" });
    // A random walk fills the models' 256 categories each.
    const random = createRandom(11);
    let level = 50;
    const walk = Array.from({ length: 6000 }, () => {
      level += 3 * random.normal();
      return level;
    });
    engine.trainModel("walk", toPoints(walk.slice(0, 750)));
    engine.detectAnomalies("walk", toPoints(walk.slice(750), 750));
    const json = engine.toJSON();
    const state = json.models.walk?.detector as Record<string, unknown>;
    const numbers = (field: string) =>
      Array.from((field.endsWith("Weights") ? decodeFloat64Table : decodeFloat64)(state[field] as string) ?? []);
    // The old form: the same numbers as JSON arrays, under version 5.
    const old: Record<string, unknown> = { ...state };
    for (const field of Object.keys(state)) {
      if (/^art\d(Weights|Norms|HeadNorms)$/.test(field)) old[field] = numbers(field);
    }
    expect(numbers("art0Norms")).toHaveLength(256);
    const version5 = { ...json, version: 5, models: { walk: { ...json.models.walk, detector: old } } };
    const size = (value: unknown) => JSON.stringify(value).length;
    expect(size(json)).toBeLessThan(0.75 * size(version5));
    const restored = [AnomalyDetectionEngine.fromJSON(json), AnomalyDetectionEngine.fromJSON(JSON.stringify(version5))];
    for (const copy of restored) expect(copy.toJSON()).toEqual(json);
    const rest = toPoints(walk.map((value) => value + 5).slice(0, 500), 6000);
    const expected = engine.detectAnomalies("walk", rest);
    for (const copy of restored) expect(copy.detectAnomalies("walk", rest)).toEqual(expected);
  });

  it("saves every model's categories: the restored engine decides exactly as the original", () => {
    const engine = new AnomalyDetectionEngine({ detector: "resonance" });
    engine.trainModel("cpu", toPoints(wave(300)));
    engine.detectAnomalies("cpu", toPoints(wave(100, 8, 300), 300));
    const json = engine.toJSON();
    expect(json.version).toBe(6);
    expect(json.models.cpu?.detector).toMatchObject({ kind: "resonance", margins: [0.3, 0.6, 1.2, 2.4] });
    const copy = AnomalyDetectionEngine.fromJSON(JSON.stringify(json));
    expect(copy.toJSON()).toEqual(json);
    const later = wave(300, 9, 400);
    for (let index = 100; index < 140; index += 1) later[index] = 90;
    const rest = toPoints(later, 400);
    expect(copy.detectAnomalies("cpu", rest)).toEqual(engine.detectAnomalies("cpu", rest));
  });

  it("rejects a state whose models' fields cannot be, naming the field, and changes nothing", () => {
    const engine = new AnomalyDetectionEngine({ detector: "resonance" });
    engine.trainModel("cpu", toPoints(wave(200)));
    const json = engine.toJSON();
    const model = json.models.cpu as AnomalyModelJson;
    const issues = (change: Record<string, unknown>) =>
      captureValidationIssues(() =>
        AnomalyDetectionEngine.fromJSON({
          ...json,
          models: { cpu: { ...model, detector: { ...model.detector, ...change } } },
        }),
      );
    // Weights are written as a table of base64 float64 numbers and indices; version 5's number arrays are read too.
    const weights = Array.from(decodeFloat64Table(model.detector.art1Weights as string) ?? []);
    expect(weights.length).toBeGreaterThan(0);
    expect(issues({ art1Weights: [...weights.slice(1), 2] })).toEqual([
      'json.models.cpu.detector: field "art1Memory" must describe the categories of a resonance model',
    ]);
    expect(issues({ art0Weights: weights.slice(1) })).toEqual([
      'json.models.cpu.detector: field "art0Memory" must describe the categories of a resonance model',
    ]);
    const packed = model.detector.art1Weights as string;
    const bad = "must be base64 text of float64 numbers, all finite (or an array of finite numbers)";
    const badTable =
      "must be a table of base64 float64 numbers and base64 16-bit indices into it, all finite (or an array of finite numbers)";
    // One number short: read, but not the categories of a model.
    expect(issues({ art1Weights: encodeFloat64Table(weights.slice(1)) })).toEqual([
      `json.models.cpu.detector: field "art1Memory" must describe the categories of a resonance model`,
    ]);
    expect(issues({ art1Weights: packed.slice(1) })).toEqual([
      `json.models.cpu.detector: field "art1Weights" ${badTable}`,
    ]);
    // An index beyond the table.
    expect(issues({ art1Weights: `${encodeFloat64([0.5])}.AQA=` })).toEqual([
      `json.models.cpu.detector: field "art1Weights" ${badTable}`,
    ]);
    expect(issues({ art1Norms: encodeFloat64([Number.NaN]) })).toEqual([
      `json.models.cpu.detector: field "art1Norms" ${bad}`,
    ]);
    expect(issues({ art1HeadNorms: "AAAAAAAA8D8" })).toEqual([
      `json.models.cpu.detector: field "art1HeadNorms" ${bad}`,
    ]);
    expect(issues({ margins: [] })).toEqual([
      'json.models.cpu.detector: field "margins" must hold 1 to 8 non-negative numbers',
    ]);
    expect(issues({ art2Novelty: "x" })).toEqual([
      'json.models.cpu.detector: field "art2Novelty" must be an array of finite numbers',
    ]);
    expect(issues({ art3Levels: [2, 0, 0, 0, 0, 0, 0, 0] })).toEqual([
      'json.models.cpu.detector: field "art3Accumulators" must describe the feature stream of a resonance model',
    ]);
    expect(issues({ contextTags: undefined })[0]).toMatch(/json\.models\.cpu\.detector: field "contextTags"/);
    expect(JSON.stringify(engine.toJSON())).toBe(JSON.stringify(json));
  });
});
