import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  expandArma,
  psiWeights,
  rootsOutside,
  stationaryFromUnconstrained,
  unconstrainedFromStationary,
} from "../../../src/forecasting/arima/arma-polynomials";

const raw = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 5 });

describe("ARMA polynomials", () => {
  it("multiplies the seasonal and non-seasonal parts out", () => {
    const { phi, theta } = expandArma({ ar: [0.5], ma: [0.3], seasonalAr: [0.2], seasonalMa: [-0.4] }, 4);
    // (1 − 0.5B)(1 − 0.2B⁴) = 1 − 0.5B − 0.2B⁴ + 0.1B⁵; (1 + 0.3B)(1 − 0.4B⁴) = 1 + 0.3B − 0.4B⁴ − 0.12B⁵.
    expect(phi.map((value) => Number(value.toFixed(12)))).toEqual([0.5, 0, 0, 0.2, -0.1]);
    expect(theta.map((value) => Number(value.toFixed(12)))).toEqual([0.3, 0, 0, -0.4, -0.12]);
  });

  it("the stationarity transform always gives a stationary polynomial and inverts exactly", () => {
    fc.assert(
      fc.property(raw, (values) => {
        const coefficients = stationaryFromUnconstrained(values);
        expect(rootsOutside(coefficients, 1)).toBe(true);
        const back = unconstrainedFromStationary(coefficients);
        if (back && values.every((value) => Math.abs(Math.tanh(value)) < 1 - 1e-6)) {
          back.forEach((value, index) => {
            expect(value).toBeCloseTo(values[index] as number, 5);
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("locates roots against a radius: AR(1) with φ has its root at 1/φ", () => {
    expect(rootsOutside([0.5], 1.01)).toBe(true);
    expect(rootsOutside([0.995], 1.01)).toBe(false);
    expect(rootsOutside([1.2], 1)).toBe(false);
    expect(rootsOutside([], 1.01)).toBe(true);
    // AR(2) 1 − 1.5B + 0.56B² = (1 − 0.7B)(1 − 0.8B): roots 1/0.7, 1/0.8.
    expect(rootsOutside([1.5, -0.56], 1.2)).toBe(true);
    expect(rootsOutside([1.5, -0.56], 1.3)).toBe(false);
  });

  it("psi-weights: φ^j for AR(1), 1 + θ then constants for ARIMA(0,1,1)", () => {
    expect(psiWeights([0.6], [], [1], 4).map((value) => Number(value.toFixed(12)))).toEqual([1, 0.6, 0.36, 0.216]);
    expect(psiWeights([], [-0.4], [1, -1], 4).map((value) => Number(value.toFixed(12)))).toEqual([1, 0.6, 0.6, 0.6]);
  });
});
