import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anomalyLikelihood, likelihoodScore, normalTail } from "../../../src/anomaly/detectors/anomaly-likelihood";
import { normalQuantile } from "../../../src/internal/normal-quantile";

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
const positive = fc.double({ min: 1e-6, max: 1e6, noNaN: true });

describe("anomaly likelihood", () => {
  it("normalTail matches the standard normal tail (checked against the quantile function)", () => {
    for (const probability of [0.5, 0.1, 0.025, 1e-3, 1e-5, 1e-9]) {
      const z = -normalQuantile(probability);
      expect(normalTail(z) / probability).toBeCloseTo(1, 5);
      expect(normalTail(-z)).toBeCloseTo(1 - probability, 7);
    }
  });

  it("is a probability: in [0, 1] for any means and deviation", () => {
    fc.assert(
      fc.property(finite, finite, fc.double({ min: 0, max: 1e6, noNaN: true }), (shortMean, mean, deviation) => {
        const likelihood = anomalyLikelihood(shortMean, mean, deviation);
        expect(likelihood).toBeGreaterThanOrEqual(0);
        expect(likelihood).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("never falls as the recent error grows", () => {
    fc.assert(
      fc.property(
        finite,
        positive,
        finite,
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        (mean, deviation, error, more) => {
          expect(anomalyLikelihood(error + more, mean, deviation)).toBeGreaterThanOrEqual(
            anomalyLikelihood(error, mean, deviation),
          );
        },
      ),
    );
  });

  it("is 0.5 at the long-run mean and near 1 three deviations above it", () => {
    expect(anomalyLikelihood(2, 2, 0.5)).toBeCloseTo(0.5, 7);
    expect(anomalyLikelihood(3.5, 2, 0.5)).toBeCloseTo(0.99865, 5);
    expect(anomalyLikelihood(0, 2, 0)).toBe(0);
    expect(anomalyLikelihood(2.1, 2, 0)).toBe(1);
  });

  it("scores so that score > z exactly when the likelihood exceeds 1 − P(Z > z)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        positive,
        fc.double({ min: -5, max: 7, noNaN: true }),
        fc.double({ min: 0.5, max: 6, noNaN: true }),
        (mean, deviation, standardised, z) => {
          const shortMean = mean + standardised * deviation;
          const score = likelihoodScore(shortMean, mean, deviation, mean, 1e6);
          const likelihood = anomalyLikelihood(shortMean, mean, deviation);
          // Away from the boundary (rounding of the standardisation), the two decisions agree.
          fc.pre(Math.abs(score - z) > 1e-6);
          expect(score > z).toBe(likelihood > 1 - normalTail(z));
        },
      ),
    );
  });

  it("gives an exactly regular history's first real departure the largest score, and rounding none", () => {
    expect(likelihoodScore(1, 0, 0, 100, 1e6)).toBe(1e6);
    expect(likelihoodScore(1e-12, 0, 0, 100, 1e6)).toBe(0);
    expect(likelihoodScore(-1, 0, 0, 100, 1e6)).toBe(0);
  });
});
