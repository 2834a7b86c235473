import { PelbiotError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import {
  loadNabFile,
  loadReferenceDetections,
  loadReferenceMetrics,
  NAB_FILES,
  runCausalProtocol,
  scoreRows,
  strictlyIncreasing,
} from "../../bench/anomaly/nab-data";
import { AnomalyDetectionEngine } from "../../src/anomaly/anomaly-detection-engine";
import { combineNabScores, NAB_PROFILES, nabProbationaryLength, scoreNab } from "../../src/anomaly/score-nab";

const HOUR = 3_600_000;
const hours = (count: number) => Array.from({ length: count }, (_, index) => index * HOUR);

describe("scoreNab", () => {
  it("uses NAB's profile weights", () => {
    expect(NAB_PROFILES.standard).toEqual({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 });
    expect(NAB_PROFILES.reward_low_FP_rate).toEqual({ tpWeight: 1, fpWeight: 0.22, fnWeight: 1 });
    expect(NAB_PROFILES.reward_low_FN_rate).toEqual({ tpWeight: 1, fpWeight: 0.11, fnWeight: 2 });
    expect(nabProbationaryLength(4032)).toBe(604);
    expect(nabProbationaryLength(22695)).toBe(750);
  });

  it("credits the earliest detection of a window with NAB's scaled sigmoid", () => {
    const timestamps = hours(20);
    const windows = [[10 * HOUR, 14 * HOUR]] as const;
    const options = { probationaryLength: 0 };
    // First row of the window: full credit A_TP.
    expect(scoreNab({ timestamps, windows, detections: [10 * HOUR] }, options).profiles.standard.raw).toBeCloseTo(
      1,
      12,
    );
    // Last row: y = −1/5, 2 / (1 + e^(5y)) − 1 = 2σ(1) − 1 = 0.4621172, divided by 2σ(5) − 1 = 0.9866143.
    const late = scoreNab({ timestamps, windows, detections: [14 * HOUR] }, options);
    expect(late.profiles.standard.raw).toBeCloseTo(0.4621172 / 0.9866143, 6);
    // A later detection in the same window adds nothing once an earlier one counted.
    const both = scoreNab({ timestamps, windows, detections: [10 * HOUR, 14 * HOUR] }, options);
    expect(both.profiles.standard.raw).toBeCloseTo(1, 12);
    expect(both.windowsDetected).toBe(1);
  });

  it("charges false positives by distance from the previous window and misses by A_FN", () => {
    const timestamps = hours(20);
    const windows = [[10 * HOUR, 14 * HOUR]] as const;
    // Row 2 is before any window: −A_FP. Row 15 is 1 row past a 5-row window: y = 1/4, 2/(1+e^1.25) − 1 = −0.554600.
    const score = scoreNab({ timestamps, windows, detections: [2 * HOUR, 15 * HOUR] }, { probationaryLength: 0 });
    expect(score.falsePositives).toBe(2);
    expect(score.profiles.standard.raw).toBeCloseTo(-1 - 0.11 - 0.11 * 0.5546, 4);
    expect(score.profiles.reward_low_FP_rate.raw).toBeCloseTo(-1 - 0.22 - 0.22 * 0.5546, 4);
    expect(score.profiles.reward_low_FN_rate.raw).toBeCloseTo(-2 - 0.11 - 0.11 * 0.5546, 4);
    expect(score.profiles.standard.null).toBe(-1);
    expect(score.profiles.standard.perfect).toBe(1);
  });

  it("ignores the probationary period and normalises to 100 × (raw − null) / (perfect − null)", () => {
    const timestamps = hours(100);
    const windows = [[50 * HOUR, 59 * HOUR]] as const;
    // Default probation for 100 rows is 15: the flag at row 3 is not scored.
    const score = scoreNab({ timestamps, windows, detections: [3 * HOUR, 50 * HOUR] });
    expect(score.probationaryLength).toBe(15);
    expect(score.detections).toBe(1);
    expect(score.profiles.standard.normalised).toBeCloseTo(100, 10);
    const none = scoreNab({ timestamps, windows, detections: [] });
    expect(none.profiles.standard.normalised).toBe(0);
    const combined = combineNabScores([score, none]);
    expect(combined.standard).toEqual({ raw: 0, null: -2, perfect: 2, normalised: 50 });
  });

  it("rejects detections that are not row timestamps, bad windows and unsorted rows, naming each", () => {
    const timestamps = hours(10);
    const attempt = () =>
      scoreNab({
        timestamps: [...timestamps.slice(0, 9), 0],
        windows: [
          [5 * HOUR, 2 * HOUR],
          [1, 2],
        ],
        detections: [HOUR / 2],
      });
    expect(attempt).toThrow(/input\.timestamps\.9/);
    expect(() => scoreNab({ timestamps, windows: [[5 * HOUR, 2 * HOUR]], detections: [] })).toThrow(
      /input\.windows\.0: must be a \[start, end\] pair/,
    );
    expect(() => scoreNab({ timestamps, windows: [], detections: [HOUR / 2] })).toThrow(/input\.detections\.0/);
    expect(() => scoreNab({ timestamps, windows: [], detections: [] }, { probationaryLength: -1 })).toThrow(
      PelbiotError,
    );
  });
});

describe("REFERENCE.md §4 z-score rows through the engine's causal protocol", () => {
  const reference = loadReferenceDetections();
  const metrics = loadReferenceMetrics();
  const detectors = [
    ["zscore_static", 0],
    ["zscore_rolling_50", 50],
    ["zscore_rolling_288", 288],
  ] as const;
  for (const name of NAB_FILES) {
    it(`flags exactly the reference rows and reproduces the NAB scores on ${name}`, () => {
      const file = loadNabFile(name);
      for (const [detector, window] of detectors) {
        const engine = new AnomalyDetectionEngine({ detector: "zscore", window, sensitivityThreshold: 2.5 });
        const rows = runCausalProtocol(engine, file);
        expect(rows, detector).toEqual(reference[detector]?.[`${name}.csv`]);
        const score = scoreRows(file, rows);
        const row = metrics.find((metric) => metric.file === `${name}.csv` && metric.detector === detector);
        expect(score.windowsDetected).toBe(Number(row?.windows_detected));
        expect(score.falsePositives).toBe(Number(row?.fp_flags));
        expect(score.profiles.standard.raw).toBeCloseTo(Number(row?.nab_raw_standard), 9);
        expect(score.profiles.reward_low_FP_rate.raw).toBeCloseTo(Number(row?.nab_raw_reward_low_FP_rate), 9);
        expect(score.profiles.reward_low_FN_rate.raw).toBeCloseTo(Number(row?.nab_raw_reward_low_FN_rate), 9);
      }
    });
  }

  it("matches the reference 5-file normalised totals (scoreNab on timestamps agrees with the row scorer)", () => {
    const scores = NAB_FILES.map((name) => {
      const file = loadNabFile(name);
      const rows = reference.zscore_static?.[`${name}.csv`] ?? [];
      // NAB's files hold a few non-increasing timestamps; scoreNab needs increasing ones (see strictlyIncreasing).
      const timestamps = strictlyIncreasing(file.timestamps);
      const byTimestamp = scoreNab({
        timestamps,
        windows: file.windows.map(([start, end]) => [timestamps[start] as number, timestamps[end] as number]),
        detections: rows.map((row) => timestamps[row] as number),
      });
      expect(byTimestamp.profiles.standard.raw).toBeCloseTo(scoreRows(file, rows).profiles.standard.raw, 9);
      return byTimestamp;
    });
    const combined = combineNabScores(scores);
    // reference/anomaly_summary.json, subset.totals.zscore_static
    expect(combined.standard.normalised).toBeCloseTo(-1752.3869551312755, 6);
    expect(combined.reward_low_FP_rate.normalised).toBeCloseTo(-3577.1071519246566, 6);
    expect(combined.reward_low_FN_rate.normalised).toBeCloseTo(-1143.8135256430726, 6);
  });
});
