import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ArtFeatureParameters, ArtFeatures } from "../../../src/anomaly/detectors/art-features";

const PARAMETERS: ArtFeatureParameters = { window: 8, levels: 80, snap: 0.075, spikeShare: 0.1, widen: false };
const series = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 200 });

describe("ArtFeatures (the ART detector's downsampled windows)", () => {
  it("completes one step every `step` points and gives features in [0, 1] once a window is full", () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 5 }), fc.boolean(), (values, step, widen) => {
        const features = new ArtFeatures(step, -10, 10, { ...PARAMETERS, widen });
        let completed = 0;
        for (const [index, value] of values.entries()) {
          const full = features.push(value);
          expect(full).toBe((index + 1) % step === 0 && (index + 1) / step >= PARAMETERS.window);
          if (!full) continue;
          completed += 1;
          expect(features.features).toHaveLength(2 * PARAMETERS.window);
          for (const feature of features.features) {
            expect(feature).toBeGreaterThanOrEqual(0);
            expect(feature).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
        expect(features.completedSteps).toBe(Math.floor(values.length / step));
        expect(completed).toBe(Math.max(0, Math.floor(values.length / step) - PARAMETERS.window + 1));
      }),
    );
  });

  it("widens its scale to a value beyond it, or clamps the value when widening is off", () => {
    const widening = new ArtFeatures(1, 0, 10, { ...PARAMETERS, widen: true });
    const clamping = new ArtFeatures(1, 0, 10, PARAMETERS);
    for (const value of [5, 5, 5, 5, 5, 5, 5, 30]) {
      widening.push(value);
      clamping.push(value);
    }
    expect([widening.lowest, widening.highest]).toEqual([0, 30]);
    expect([clamping.lowest, clamping.highest]).toEqual([0, 10]);
    // The newest level is the top of the scale either way; the older levels move to 5 / 30 on the wider scale.
    expect(widening.features[15]).toBe(1);
    expect(clamping.features[15]).toBe(1);
    expect(widening.features[8]).toBeCloseTo(5 / 30, 12);
    expect(clamping.features[8]).toBe(0.5);
  });

  it("keeps a one-point spike through downsampling, and a constant window has a flat shape", () => {
    const features = new ArtFeatures(4, 0, 100, PARAMETERS);
    const values = [...Array.from({ length: 28 }, () => 10), 10, 95, 10, 10];
    const full = values.map((value) => features.push(value));
    expect(full.filter(Boolean)).toHaveLength(1);
    expect(features.features[15]).toBeCloseTo(95 / 100, 1);
    expect(features.features[14]).toBeCloseTo(10 / 100, 1);

    const flat = new ArtFeatures(1, 0, 100, PARAMETERS);
    for (let index = 0; index < 8; index += 1) flat.push(42);
    expect(Array.from(flat.features.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("describes a window's shape by its Haar transform, whatever its level and size", () => {
    // One level per unit; the pattern's steps (10 and 20 levels) are wider than the snap to the median (6 levels).
    const low = new ArtFeatures(1, 0, 80, PARAMETERS);
    const high = new ArtFeatures(1, 0, 80, PARAMETERS);
    const pattern = [0, 1, 0, 1, 3, 2, 3, 2];
    for (const value of pattern) {
      low.push(10 + 10 * value);
      high.push(15 + 20 * value);
    }
    for (let index = 0; index < 8; index += 1)
      expect(high.features[index]).toBeCloseTo(low.features[index] as number, 12);
    expect(Array.from(high.features.subarray(8))).not.toEqual(Array.from(low.features.subarray(8)));
  });
});
