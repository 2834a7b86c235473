import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  distributionQuantile,
  type ForecastDistribution,
  forecastDistribution,
  mixtureQuantile,
} from "../../../src/forecasting/ets/forecast-distribution";
import { normalCdf } from "../../../src/internal/normal-cdf";

// The mixture's distribution function, written out independently of the solver.
function mixtureCdf(weights: readonly number[], distributions: readonly ForecastDistribution[], x: number): number {
  return distributions.reduce((total, { sign, shift, location, scale }, index) => {
    const weight = weights[index] as number;
    if (sign === 0) return total + weight * normalCdf((x - location) / scale);
    const distance = sign * (x - shift);
    if (distance <= 0) return total + (sign < 0 ? weight : 0);
    const tail = normalCdf((Math.log(distance) - location) / scale);
    return total + weight * (sign > 0 ? tail : 1 - tail);
  }, 0);
}

describe("forecastDistribution", () => {
  it("is the normal for zero, tiny or unknown skewness", () => {
    expect(forecastDistribution(100, 25, 0)).toEqual({ sign: 0, shift: 0, location: 100, scale: 5 });
    expect(forecastDistribution(100, 25, Number.NaN)).toEqual({ sign: 0, shift: 0, location: 100, scale: 5 });
    expect(forecastDistribution(100, 25, 1e-6).sign).toBe(0);
    // R: qnorm(0.975, 100, 5)
    expect(distributionQuantile(forecastDistribution(100, 25, 0), 0.975)).toBeCloseTo(109.79981992270027, 10);
  });

  it("has the requested mean, variance and skewness, either sign (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 4, noNaN: true }),
        fc.boolean(),
        (mean, deviation, magnitude, negative) => {
          const skewness = negative ? -magnitude : magnitude;
          const { sign, shift, location, scale } = forecastDistribution(mean, deviation ** 2, skewness);
          expect(sign).toBe(negative ? -1 : 1);
          // Moments of τ + s·exp(μ + σZ): mean τ + s·e^{μ+σ²/2}, variance (e^{σ²} − 1)e^{2μ+σ²}, skewness
          // s·(e^{σ²} + 2)√(e^{σ²} − 1).
          const omega = Math.exp(scale * scale);
          expect(shift + sign * Math.exp(location + (scale * scale) / 2)).toBeCloseTo(mean, 8);
          expect(Math.sqrt((omega - 1) * Math.exp(2 * location) * omega) / deviation).toBeCloseTo(1, 10);
          expect(sign * (omega + 2) * Math.sqrt(omega - 1)).toBeCloseTo(skewness, 10);
        },
      ),
    );
  });

  it("gives R's lognormal quantiles for an unshifted lognormal's moments", () => {
    // X = exp(Z / 2): mean √ω, variance ω(ω − 1), skewness (ω + 2)√(ω − 1) with ω = e^{1/4}.
    const omega = Math.exp(0.25);
    const distribution = forecastDistribution(
      Math.sqrt(omega),
      omega * (omega - 1),
      (omega + 2) * Math.sqrt(omega - 1),
    );
    expect(distribution.shift).toBeCloseTo(0, 10);
    expect(distributionQuantile(distribution, 0.9)).toBeCloseTo(1.8979527073347109, 9); // R: qlnorm(0.9, 0, 0.5)
  });
});

describe("mixtureQuantile", () => {
  it("is the component's own quantile for one component or identical components", () => {
    const skewed = forecastDistribution(50, 16, 0.8);
    for (const probability of [0.025, 0.1, 0.5, 0.9, 0.975]) {
      const alone = distributionQuantile(skewed, probability);
      expect(mixtureQuantile([1], [skewed], probability)).toBeCloseTo(alone, 9);
      expect(mixtureQuantile([0.3, 0.7], [skewed, skewed], probability)).toBeCloseTo(alone, 9);
    }
    const normal = (location: number): ForecastDistribution => ({ sign: 0, shift: 0, location, scale: 1 });
    expect(mixtureQuantile([0.5, 0.5], [normal(-1), normal(1)], 0.5)).toBeCloseTo(0, 12);
  });

  it("solves F(x) = p for random mixtures of normal and skewed members (property)", () => {
    const member = fc.record({
      mean: fc.double({ min: -50, max: 50, noNaN: true }),
      deviation: fc.double({ min: 0.1, max: 20, noNaN: true }),
      skewness: fc.oneof(fc.constant(0), fc.double({ min: -3, max: 3, noNaN: true })),
      weight: fc.double({ min: 0.01, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(member, { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (members, probability) => {
          const total = members.reduce((sum, entry) => sum + entry.weight, 0);
          const weights = members.map((entry) => entry.weight / total);
          const distributions = members.map((entry) =>
            forecastDistribution(entry.mean, entry.deviation ** 2, entry.skewness),
          );
          const quantile = mixtureQuantile(weights, distributions, probability);
          expect(Math.abs(mixtureCdf(weights, distributions, quantile) - probability)).toBeLessThan(1e-9);
          const own = distributions.map((distribution) => distributionQuantile(distribution, probability));
          expect(quantile).toBeGreaterThanOrEqual(Math.min(...own) - 1e-9);
          expect(quantile).toBeLessThanOrEqual(Math.max(...own) + 1e-9);
        },
      ),
    );
  });

  it("handles point masses by bisection", () => {
    const mass = (location: number): ForecastDistribution => ({ sign: 0, shift: 0, location, scale: 0 });
    expect(mixtureQuantile([0.5, 0.5], [mass(1), { sign: 0, shift: 0, location: 3, scale: 1 }], 0.25)).toBeCloseTo(
      1,
      12,
    );
    expect(mixtureQuantile([1], [mass(4)], 0.9)).toBe(4);
  });
});
