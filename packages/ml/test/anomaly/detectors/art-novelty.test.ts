import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ART_PARAMETERS, ArtNovelty } from "../../../src/anomaly/detectors/art-novelty";

const wave = (index: number) => 50 + 10 * Math.sin((2 * Math.PI * index) / 48);

describe("ArtNovelty (the ARTime-style novelty detector)", () => {
  it("cuts the training history into about 104 steps", () => {
    expect(ArtNovelty.train(new Float64Array(1000).fill(1)).features.step).toBe(10);
    expect(ArtNovelty.train(new Float64Array(750).fill(1)).features.step).toBe(7);
    // Never single points: a window of 8 single points reads noise as shape.
    expect(ArtNovelty.train(new Float64Array(50).fill(1)).features.step).toBe(2);
    expect(ArtNovelty.train(new Float64Array(200).fill(1)).features.step).toBe(2);
    expect(ArtNovelty.train(new Float64Array(320).fill(1)).features.step).toBe(3);
  });

  for (const widen of [false, true]) {
    it(`stays quiet on a pattern it has learned and reports a level shift within one step (widen ${widen})`, () => {
      const training = Float64Array.from({ length: 1000 }, (_, index) => wave(index));
      const model = ArtNovelty.train(training, { ...ART_PARAMETERS, scaleMargin: 1, widen });
      for (let index = 1000; index < 5000; index += 1) expect(model.push(wave(index))).toBe(0);
      const reports: number[] = [];
      for (let index = 5000; index < 5100; index += 1) {
        const confidence = model.push(wave(index) + 25);
        expect(confidence).toBeGreaterThanOrEqual(0);
        expect(confidence).toBeLessThanOrEqual(1);
        if (confidence > 0) reports.push(index);
      }
      // Steps are 10 points; the first one that ends after the shift (rows 5000–5009) is novel.
      expect(reports[0]).toBe(5009);
    });
  }

  it("reports confidences in [0, 1], keeps at most `capacity` categories, and is deterministic", () => {
    const values = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 20, maxLength: 400 });
    fc.assert(
      fc.property(values, fc.integer({ min: 10, max: 200 }), fc.boolean(), (series, split, widen) => {
        const training = Float64Array.from(series.slice(0, Math.min(split, series.length - 1)));
        const parameters = { ...ART_PARAMETERS, capacity: 16, scaleMargin: 0.5, widen };
        const first = ArtNovelty.train(training, parameters);
        const second = ArtNovelty.train(training, parameters);
        for (const value of series.slice(training.length)) {
          const confidence = first.push(value);
          expect(confidence).toBeGreaterThanOrEqual(0);
          expect(confidence).toBeLessThanOrEqual(1);
          expect(second.push(value)).toBe(confidence);
        }
        expect(first.memory.count).toBeLessThanOrEqual(16);
        expect(first.memory.lowerVigilance).toBeLessThanOrEqual(first.memory.upperVigilance);
      }),
    );
  });
});
