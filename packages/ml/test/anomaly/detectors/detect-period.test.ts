import { describe, expect, it } from "vitest";
import { detectPeriod } from "../../../src/anomaly/detectors/detect-period";
import { medianAndScale } from "../../../src/anomaly/detectors/median";
import { createRandom } from "../../../src/random/create-random";

describe("detectPeriod", () => {
  it("finds a noisy period-24 cycle rather than one of its multiples", () => {
    const random = createRandom(1);
    const values = Float64Array.from(
      { length: 480 },
      (_, index) => Math.sin((2 * Math.PI * index) / 24) + random.normal() * 0.3,
    );
    expect(detectPeriod(values)).toBe(24);
  });

  it("prefers a weekly season over the daily one it contains when weekends differ", () => {
    const random = createRandom(2);
    // Hourly data: a daily cycle whose amplitude drops at weekends, as in traffic or taxi demand.
    const values = Float64Array.from({ length: 24 * 7 * 4 }, (_, index) => {
      const weekend = Math.floor(index / 24) % 7 >= 5 ? 0.3 : 1;
      return weekend * Math.sin((2 * Math.PI * index) / 24) + random.normal() * 0.1;
    });
    expect(detectPeriod(values)).toBe(168);
  });

  it("returns 1 for white noise, constants and too-short series", () => {
    const random = createRandom(3);
    expect(detectPeriod(Float64Array.from({ length: 500 }, () => random.normal()))).toBe(1);
    expect(detectPeriod(new Float64Array(100).fill(4))).toBe(1);
    expect(detectPeriod(Float64Array.from([1, 2, 1]))).toBe(1);
  });
});

describe("medianAndScale", () => {
  it("gives the median and 1.4826 × MAD without changing the input", () => {
    const values = Float64Array.from([7, 1, 3, 100, 2, 5]);
    // median(1, 2, 3, 5, 7, 100) = 4; |x − 4| = 3, 3, 1, 96, 2, 1 → MAD = median(1, 1, 2, 3, 3, 96) = 2.5
    const [median, scale] = medianAndScale(values);
    expect(median).toBe(4);
    expect(scale).toBeCloseTo(1.4826 * 2.5, 12);
    expect(Array.from(values)).toEqual([7, 1, 3, 100, 2, 5]);
    expect(medianAndScale(Float64Array.from([5]))).toEqual([5, 0]);
  });
});
