import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalCdf, normalDensity } from "../../src/internal/normal-cdf";
import { normalQuantile } from "../../src/internal/normal-quantile";

// R 4.2.2: sprintf("%.17g", pnorm(x)).
const R_PNORM: readonly [number, number][] = [
  [-8, 6.2209605742717849e-16],
  [-6.5, 4.0160005838591178e-11],
  [-5, 2.8665157187919391e-7],
  [-3.2, 0.00068713793791584806],
  [-1.96, 0.024997895148220428],
  [-1, 0.15865525393145705],
  [-0.3, 0.38208857781104733],
  [0, 0.5],
  [0.25, 0.5987063256829237],
  [1, 0.84134474606854293],
  [1.644853626951472, 0.94999999999999996],
  [2.5, 0.99379033467422384],
  [4, 0.99996832875816688],
  [7, 0.99999999999872013],
];

describe("normalCdf", () => {
  it("matches R's pnorm to 1e-15 absolute", () => {
    for (const [x, expected] of R_PNORM) expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-15);
  });

  it("inverts normalQuantile and is symmetric", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }), (p) => {
        expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(2e-15);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: -9, max: 9, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(2e-15);
      }),
    );
  });

  it("is 0 and 1 far out, NaN for NaN, and its density is φ", () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
    // dnorm(0), dnorm(1.5) in R
    expect(normalDensity(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(normalDensity(1.5)).toBeCloseTo(0.12951759566589174, 15);
  });
});
