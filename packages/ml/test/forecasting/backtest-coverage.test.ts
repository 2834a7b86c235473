import { describe, expect, it } from "vitest";
import { backtestCoverage, minimumEtsLength } from "../../src/forecasting/backtest-coverage";
import { createRandom } from "../../src/random/create-random";

describe("backtestCoverage", () => {
  it("reports near-nominal coverage for a correctly specified ETS(A,N,N)", () => {
    const random = createRandom(123);
    let level = 50;
    const values = new Float64Array(400);
    for (let index = 0; index < values.length; index += 1) {
      const error = 2 * random.normal();
      values[index] = level + error;
      level += 0.4 * error;
    }
    const report = backtestCoverage(values, { error: "A", trend: "N", season: "N" }, 1, {
      origins: 40,
      horizon: 5,
      levels: [80, 95],
    });
    expect(report?.origins).toBe(40);
    expect(report?.levels.map((entry) => entry.total)).toEqual([200, 200]);
    // Binomial standard error at 200 points is about 0.03 (80 %) and 0.015 (95 %).
    expect(report?.levels[0]?.empirical).toBeGreaterThan(0.7);
    expect(report?.levels[0]?.empirical).toBeLessThan(0.9);
    expect(report?.levels[1]?.empirical).toBeGreaterThan(0.9);
    expect(report?.levels[1]?.hits).toBeGreaterThanOrEqual(report?.levels[0]?.hits ?? 0);
  });

  it("uses only the origins that leave enough data, and none when even one does not", () => {
    const values = Float64Array.from({ length: 30 }, (_, index) => 10 + Math.sin(index));
    const form = { error: "A", trend: "N", season: "N" } as const;
    expect(minimumEtsLength(form, 1)).toBe(5);
    expect(backtestCoverage(values, form, 1, { origins: 10, horizon: 6 })?.origins).toBe(4);
    expect(backtestCoverage(values, { error: "A", trend: "A", season: "A" }, 12, { horizon: 12 })).toBeUndefined();
  });
});
