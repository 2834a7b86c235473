import { describe, expect, it } from "vitest";
import { ENGINE_PARAMETERS, LikelihoodFamilyDetector } from "../../bench/anomaly/likelihood-family";
import { type ConfigurationScores, leaveOneCategoryOut, nabCategories } from "../../bench/anomaly/loco";
import { loadNabFile } from "../../bench/anomaly/nab-data";
import type { Assessment } from "../../src/anomaly/detectors/detector";
import { SurpriseDetector } from "../../src/anomaly/detectors/surprise-detector";
import type { NabScore } from "../../src/anomaly/score-nab";

/** A one-window file's score with a given raw standard score (null −1, perfect 1). */
function score(raw: number): NabScore {
  const profile = { raw, null: -1, perfect: 1, normalised: 50 * (raw + 1) };
  return {
    probationaryLength: 0,
    windows: 1,
    windowsDetected: raw > -1 ? 1 : 0,
    detections: 0,
    detectionsInWindows: 0,
    falsePositives: 0,
    profiles: { standard: profile, reward_low_FP_rate: profile, reward_low_FN_rate: profile },
  };
}

function configuration(label: string, raws: Record<string, number>): ConfigurationScores {
  return { label, scores: new Map(Object.entries(raws).map(([file, raw]) => [file, score(raw)])) };
}

describe("leave-one-category-out evaluation (bench/anomaly/loco)", () => {
  it("scores each category with the configuration chosen on the others, and reports the gap to the in-sample best", () => {
    const categories = new Map([
      ["x", ["x1", "x2"]],
      ["y", ["y1"]],
    ]);
    // "fitted" is best on every file together but only thanks to category x; "steady" generalises.
    const fitted = configuration("fitted", { x1: 1, x2: 1, y1: -1 });
    const steady = configuration("steady", { x1: 0, x2: 0, y1: 0.5 });
    const result = leaveOneCategoryOut([fitted, steady], categories);
    expect(result.inSampleBest).toBe("fitted");
    expect(result.inSample).toBeCloseTo((100 * (1 - -3)) / 6, 10);
    expect(result.folds).toEqual([
      { category: "x", chosen: "steady", trainScore: 75, heldOutScore: 50 },
      { category: "y", chosen: "fitted", trainScore: 100, heldOutScore: 0 },
    ]);
    // Held out: steady on x1, x2 (0 + 0) and fitted on y1 (−1): raw −1 of null −3, perfect 3.
    expect(result.heldOut).toBeCloseTo((100 * (-1 - -3)) / 6, 10);
  });

  it("folds NAB's categories of fixtures/ml into six, the two artificial ones together", () => {
    const categories = nabCategories();
    expect([...categories.keys()].sort()).toEqual([
      "artificial",
      "realAWSCloudwatch",
      "realAdExchange",
      "realKnownCause",
      "realTraffic",
      "realTweets",
    ]);
    expect([...categories.values()].flat()).toHaveLength(29);
    expect(categories.get("artificial")).toContain("art_daily_no_noise");
    expect(categories.get("realKnownCause")).toContain("nyc_taxi");
  });

  it("traces the engine's default detector exactly with the bench family's default parameters (context gate included)", () => {
    for (const name of ["exchange-2_cpc_results", "art_daily_jumpsup", "speed_6005"]) {
      const { values, probationaryLength } = loadNabFile(name);
      const training = values.subarray(0, probationaryLength);
      const engine = SurpriseDetector.train(training, 0);
      const family = LikelihoodFamilyDetector.train(training, ENGINE_PARAMETERS);
      const fromEngine: Assessment = { score: 0, expected: 0, scale: 0 };
      const fromFamily: Assessment = { score: 0, expected: 0, scale: 0 };
      for (const value of values.subarray(probationaryLength)) {
        engine.assess(value, fromEngine);
        family.assess(value, fromFamily);
        expect(fromFamily).toEqual(fromEngine);
      }
    }
  });
});
