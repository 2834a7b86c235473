import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { armaLikelihood, autocovariances, stationaryCovariance } from "../../../src/forecasting/arima/arma-likelihood";
import { stationaryFromUnconstrained } from "../../../src/forecasting/arima/arma-polynomials";

describe("ARMA likelihood", () => {
  it("autocovariances of AR(1) and MA(1) match their closed forms", () => {
    const ar = autocovariances(Float64Array.of(0.5), Float64Array.of(1), 4);
    expect(Array.from(ar ?? []).map((value) => Number(value.toFixed(10)))).toEqual(
      [4 / 3, 2 / 3, 1 / 3, 1 / 6].map((value) => Number(value.toFixed(10))),
    );
    const ma = autocovariances(new Float64Array(0), Float64Array.of(1, 0.4), 3);
    expect(Array.from(ma ?? []).map((value) => Number(value.toFixed(10)))).toEqual([1.16, 0.4, 0]);
  });

  it("the initial state covariance solves P = T P Tᵀ + R Rᵀ (property over stationary ARMA)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 0, maxLength: 4 }),
        fc.array(fc.double({ min: -0.9, max: 0.9, noNaN: true }), { minLength: 0, maxLength: 4 }),
        (rawAr, ma) => {
          const ar = stationaryFromUnconstrained(rawAr);
          const r = Math.max(ar.length, ma.length + 1);
          const phi = new Float64Array(r);
          ar.forEach((value, index) => {
            phi[index] = value;
          });
          const loading = new Float64Array(r);
          loading[0] = 1;
          ma.forEach((value, index) => {
            loading[index + 1] = value;
          });
          const covariance = stationaryCovariance(phi, loading);
          expect(covariance).toBeDefined();
          const p = covariance as Float64Array;
          const at = (i: number, j: number) => (i < r && j < r ? (p[i * r + j] as number) : 0);
          for (let i = 0; i < r; i += 1) {
            for (let j = 0; j < r; j += 1) {
              // (T P Tᵀ)[i][j] with T's first column phi and ones above the diagonal.
              const tp = (row: number, column: number) => (phi[row] as number) * at(0, column) + at(row + 1, column);
              const tpt = (phi[j] as number) * tp(i, 0) + (j + 1 < r ? tp(i, j + 1) : 0);
              const expected = tpt + (loading[i] as number) * (loading[j] as number);
              expect(at(i, j)).toBeCloseTo(expected, 6);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("white noise: the likelihood pieces are the plain sum of squares with unit gains", () => {
    const values = [0.5, -1, 2, 0.25];
    const result = armaLikelihood(values, [], []);
    expect(result?.sumSquares).toBeCloseTo(0.25 + 1 + 4 + 0.0625, 12);
    expect(result?.sumLogGains).toBeCloseTo(0, 12);
  });

  it("AR(1): the first gain is the stationary variance 1/(1 − φ²), the rest are 1", () => {
    const phi = 0.6;
    const values = [1, 2, -1];
    const result = armaLikelihood(values, [phi], []);
    const expected = 1 * 1 * (1 - phi * phi) + (2 - phi) ** 2 + (-1 - 2 * phi) ** 2;
    expect(result?.sumSquares).toBeCloseTo(expected, 10);
    expect(result?.sumLogGains).toBeCloseTo(Math.log(1 / (1 - phi * phi)), 10);
  });
});
