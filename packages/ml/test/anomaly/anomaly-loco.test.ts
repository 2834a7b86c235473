import { describe, expect, it } from "vitest";
import { type ConfigurationScores, leaveOneCategoryOut, nabCategories } from "../../bench/anomaly/loco";
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
});
