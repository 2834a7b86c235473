import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeTrend, leastSquaresLine } from "../../src/predictive/analyze-trend";
import { mannKendall } from "../../src/predictive/mann-kendall";
import { erfc, twoSidedNormalPValue } from "../../src/predictive/normal-distribution";
import { senSlope } from "../../src/predictive/sen-slope";

// R datasets::AirPassengers, monthly 1949-1960 (copied from the shared reference data).
const AIR_PASSENGERS = readFileSync(new URL("../fixtures/AirPassengers.csv", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => Number(line.split(",")[3]));

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe("Mann-Kendall test", () => {
  it("matches the textbook formulas on a hand-checked series with ties", () => {
    // Digits of pi: S = 16; ties 1×2, 3×2, 5×3 give var(S) = (11·10·27 − 18 − 18 − 66) / 18 = 2868 / 18;
    // tau-b = 16 / √((55 − 5)·55); z = (16 − 1) / √var(S); p = erfc(|z|/√2). Python: scipy.stats.kendalltau(range(11), x)
    // gives the same tau-b 0.305108.
    const result = mannKendall([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    expect(result.n).toBe(11);
    expect(result.s).toBe(16);
    expect(result.varS).toBeCloseTo(2868 / 18, 10);
    expect(result.tau).toBeCloseTo(16 / Math.sqrt(50 * 55), 10);
    expect(result.z).toBeCloseTo(1.188332399294654, 9);
    expect(result.pValue).toBeCloseTo(0.2347024779551607, 6);
  });

  it("matches the reference values on AirPassengers (first 24 months and all 144)", () => {
    // Reference: the same formulas in Python (math.erfc), tau-b cross-checked with scipy.stats.kendalltau.
    const first = mannKendall(AIR_PASSENGERS.slice(0, 24));
    expect(first.s).toBe(72);
    expect(first.varS).toBeCloseTo(1621.3333333333333, 8);
    expect(first.tau).toBeCloseTo(0.2627807231132027, 10);
    expect(first.pValue).toBeCloseTo(0.07785265298895266, 6);
    const all = mannKendall(AIR_PASSENGERS);
    expect(all.s).toBe(8327);
    expect(all.varS).toBeCloseTo(335164.3333333333, 6);
    expect(all.tau).toBeCloseTo(0.8098232119400294, 10);
    expect(all.z).toBeCloseTo(14.381610025544802, 8);
    expect(all.pValue).toBeLessThan(1e-40);
  });

  it("gives S = 0, tau = 0 and p = 1 for a constant series", () => {
    expect(mannKendall([5, 5, 5, 5])).toEqual({ n: 4, s: 0, varS: 0, tau: 0, z: 0, pValue: 1 });
  });

  it("keeps p in [0, 1] and flips the sign of S, tau and z when the series is reversed", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 3, maxLength: 40 }), (values) => {
        const forward = mannKendall(values);
        const backward = mannKendall([...values].reverse());
        expect(forward.pValue).toBeGreaterThanOrEqual(0);
        expect(forward.pValue).toBeLessThanOrEqual(1);
        expect(backward.s + forward.s).toBe(0);
        expect(backward.tau).toBeCloseTo(-forward.tau, 12);
        expect(backward.pValue).toBeCloseTo(forward.pValue, 12);
        expect(Math.abs(forward.tau)).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it("is unchanged by a strictly increasing transformation of the values", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 3, maxLength: 30 }), (values) => {
        expect(mannKendall(values.map((value) => Math.exp(value / 10)))).toEqual(mannKendall(values));
      }),
    );
  });
});

describe("Sen's slope", () => {
  it("matches scipy.stats.theilslopes(x, method='joint')", () => {
    expect(senSlope([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])).toEqual({ slope: 0.25, intercept: 3 });
    const air = senSlope(AIR_PASSENGERS);
    expect(air.slope).toBeCloseTo(2.451216287678477, 10);
    expect(air.intercept).toBeCloseTo(96.87810682178741, 8);
    expect(senSlope(AIR_PASSENGERS.slice(0, 24))).toEqual({ slope: 1, intercept: 118.5 });
  });

  it("recovers a and b from a·t + b exactly (up to rounding)", () => {
    fc.assert(
      fc.property(finite, finite, fc.integer({ min: 2, max: 60 }), (a, b, n) => {
        const sen = senSlope(Array.from({ length: n }, (_, t) => a * t + b));
        const scale = Math.max(1, Math.abs(a) * n, Math.abs(b));
        expect(Math.abs(sen.slope - a)).toBeLessThanOrEqual(1e-9 * scale);
        expect(Math.abs(sen.intercept - b)).toBeLessThanOrEqual(1e-9 * scale);
      }),
    );
  });

  it("ignores a minority of wild outliers", () => {
    const values = Array.from({ length: 30 }, (_, t) => 2 * t + 1);
    values[3] = 1e9;
    values[17] = -1e9;
    expect(senSlope(values).slope).toBeCloseTo(2, 10);
  });
});

describe("trend analysis", () => {
  it("fits the least-squares line of a hand-computed series", () => {
    // x = 0..4, y = [1, 3, 2, 5, 4]: slope = Σ(x−2)(y−3)/Σ(x−2)² = 8/10, intercept = 3 − 0.8·2 = 1.4, R² = 64/(10·10).
    const line = leastSquaresLine([1, 3, 2, 5, 4]);
    expect(line.slope).toBeCloseTo(0.8, 12);
    expect(line.intercept).toBeCloseTo(1.4, 12);
    expect(line.rSquared).toBeCloseTo(0.64, 12);
  });

  it("calls a significant rise increasing and reports the percent change along Sen's line", () => {
    const trend = analyzeTrend(AIR_PASSENGERS, 0.05);
    expect(trend.direction).toBe("increasing");
    expect(trend.significant).toBe(true);
    expect(trend.percentChange).toBeCloseTo((100 * 2.451216287678477 * 143) / 96.87810682178741, 6);
    const flat = analyzeTrend([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], 0.05);
    expect(flat.direction).toBe("no_trend");
    expect(analyzeTrend([9, 7, 8, 5, 4, 2, 1, 0.5], 0.05).direction).toBe("decreasing");
  });

  it("reports a null percent change when Sen's line starts at zero", () => {
    expect(analyzeTrend([0, 1, 2, 3], 0.05).percentChange).toBeNull();
  });
});

describe("normal distribution", () => {
  it("matches tabulated values of erfc and the two-sided p-value", () => {
    // Abramowitz & Stegun table 7.1: erfc(0.5) = 0.4795001222, erfc(1) = 0.1572992071; P(|Z| ≥ 1.96) = 0.0499958.
    expect(erfc(0.5)).toBeCloseTo(0.4795001222, 7);
    expect(erfc(1)).toBeCloseTo(0.1572992071, 7);
    expect(erfc(-1)).toBeCloseTo(2 - 0.1572992071, 7);
    expect(twoSidedNormalPValue(1.96)).toBeCloseTo(0.04999579029644087, 7);
    expect(twoSidedNormalPValue(0)).toBeCloseTo(1, 7);
  });
});
