import { readFileSync } from "node:fs";
import { PelbiotError, type PelbiotValidationError } from "@pelbiot/core";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stl } from "../../../src/anomaly/decomposition/stl";
import { createRandom } from "../../../src/random/create-random";

const PERIOD = 12;
const trendAt = (index: number) => 10 + 0.5 * index;
// A zero-mean seasonal pattern that is not a pure sine, so every phase matters.
const PATTERN = [3, 5, 4, 1, -1, -2, -4, -5, -3, 0, 1, 1];
const seasonAt = (index: number) => PATTERN[index % PERIOD] as number;

function maxAbsoluteError(actual: ArrayLike<number>, expected: (index: number) => number): number {
  let worst = 0;
  for (let index = 0; index < actual.length; index += 1) {
    worst = Math.max(worst, Math.abs((actual[index] as number) - expected(index)));
  }
  return worst;
}

describe("stl", () => {
  it("recovers a linear trend plus a fixed seasonal pattern exactly, with any seasonal window", () => {
    // Degree-1 subseries loess reproduces each subseries' line in one pass. The periodic (degree-0) seasonal first
    // absorbs the trend's rise within a cycle and sheds it pass by pass, so it needs the iterations robust STL makes
    // (16 passes) or more inner passes than R's default 2.
    const values = Array.from({ length: 10 * PERIOD }, (_, index) => trendAt(index) + seasonAt(index));
    for (const options of [
      { seasonalWindow: "periodic" as const, robust: false, innerIterations: 20 },
      { seasonalWindow: "periodic" as const, robust: true },
      { seasonalWindow: 7, robust: false },
      { seasonalWindow: 13, robust: true, jump: 1 as const },
    ]) {
      const { seasonal, trend, remainder, weights } = stl(values, { period: PERIOD, ...options });
      // Loess of degree 1 reproduces lines, and the low-pass filter of a zero-mean pattern is zero.
      expect(maxAbsoluteError(trend, trendAt), JSON.stringify(options)).toBeLessThan(1e-9);
      expect(maxAbsoluteError(seasonal, seasonAt), JSON.stringify(options)).toBeLessThan(1e-9);
      expect(maxAbsoluteError(remainder, () => 0)).toBeLessThan(1e-9);
      // Without robustness iterations every weight is 1; with them, an exact fit leaves only rounding to weigh.
      if (!options.robust) expect(weights.every((weight) => weight === 1)).toBe(true);
    }
  });

  it("keeps outliers out of trend and season with robustness iterations, and gives them zero weight", () => {
    const random = createRandom(5);
    const clean = Array.from({ length: 20 * PERIOD }, (_, index) => trendAt(index) + seasonAt(index));
    const noisy = clean.map((value) => value + 0.2 * random.normal());
    const outliers = [17, 50, 51, 123, 200];
    for (const index of outliers) noisy[index] = (noisy[index] as number) + 60;
    const robust = stl(noisy, { period: PERIOD, seasonalWindow: 7 });
    const plain = stl(noisy, { period: PERIOD, seasonalWindow: 7, robust: false });
    const robustError = Math.max(maxAbsoluteError(robust.trend, trendAt), maxAbsoluteError(robust.seasonal, seasonAt));
    const plainError = Math.max(maxAbsoluteError(plain.trend, trendAt), maxAbsoluteError(plain.seasonal, seasonAt));
    expect(robustError).toBeLessThan(0.5);
    expect(plainError).toBeGreaterThan(3 * robustError);
    for (const index of outliers) {
      expect(robust.weights[index]).toBe(0);
      expect(robust.remainder[index]).toBeGreaterThan(55);
    }
  });

  it("decomposes R's co2 series into its known shape: rising trend, May peak, autumn trough", () => {
    const rows = parse(
      readFileSync(new URL("../../../../../fixtures/ml/forecasting/co2.csv", import.meta.url), "utf8"),
      {
        columns: true,
      },
    ) as { period: string; value: string }[];
    const values = rows.map((row) => Number(row.value));
    expect(rows[0]?.period).toBe("1");
    const { seasonal, trend } = stl(values, { period: 12, seasonalWindow: "periodic", robust: false });
    // The Mauna Loa cycle: maximum in May, minimum in September–October, about 6 ppm peak to trough.
    const profile = Array.from(seasonal.subarray(0, 12));
    const peak = profile.indexOf(Math.max(...profile));
    const trough = profile.indexOf(Math.min(...profile));
    expect(peak).toBe(4);
    expect([8, 9]).toContain(trough);
    expect(Math.max(...profile) - Math.min(...profile)).toBeGreaterThan(5);
    expect(Math.max(...profile) - Math.min(...profile)).toBeLessThan(8);
    expect(Math.abs(profile.reduce((sum, value) => sum + value, 0))).toBeLessThan(0.05);
    for (let index = 1; index < trend.length; index += 1)
      expect(trend[index]).toBeGreaterThan(trend[index - 1] as number);
    // Cleveland's jumps (evaluating every ceil(window / 10)-th point) change the answer only slightly.
    const exact = stl(values, { period: 12, seasonalWindow: 7, robust: false, jump: 1 });
    const jumped = stl(values, { period: 12, seasonalWindow: 7, robust: false });
    expect(maxAbsoluteError(jumped.trend, (index) => exact.trend[index] as number)).toBeLessThan(0.05);
  });

  it("always adds back up to the series and stays finite (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 16, maxLength: 80 }),
        fc.constantFrom<number | "periodic">("periodic", 3, 7),
        fc.boolean(),
        (period, values, seasonalWindow, robust) => {
          const { seasonal, trend, remainder, weights } = stl(values, { period, seasonalWindow, robust });
          for (let index = 0; index < values.length; index += 1) {
            const total = (seasonal[index] as number) + (trend[index] as number) + (remainder[index] as number);
            expect(Number.isFinite(total)).toBe(true);
            expect(total).toBeCloseTo(values[index] as number, 6);
            expect(weights[index]).toBeGreaterThanOrEqual(0);
            expect(weights[index]).toBeLessThanOrEqual(1);
          }
        },
      ),
      { seed: 20260201, numRuns: 150 },
    );
  });

  it("rejects bad input with VALIDATION_ERROR naming each problem", () => {
    const catchError = (run: () => unknown): PelbiotValidationError => {
      try {
        run();
      } catch (error) {
        return error as PelbiotValidationError;
      }
      throw new Error("expected a throw");
    };
    const error = catchError(() => stl([1, Number.NaN, 3, Number.POSITIVE_INFINITY], { period: 1 }));
    expect(PelbiotError.is(error, "VALIDATION_ERROR")).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual(["values.1", "values.3", "options.period"]);
    expect(() => stl([1, 2, 3, 4, 5], { period: 3 })).toThrow(
      /values: must hold at least two periods \(6 points\), got 5/,
    );
    const options = { period: 2, seasonalWindow: 2, trendDegree: 2, jump: 3, colour: "red" } as never;
    const many = catchError(() => stl([1, 2, 3, 4], options));
    expect(many.issues.map((issue) => issue.path)).toEqual([
      "options.seasonalWindow",
      "options.trendDegree",
      "options.jump",
      "options.colour",
    ]);
  });
});
