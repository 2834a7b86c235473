import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invertMa, rootsOutside } from "../../../src/forecasting/arima/arma-polynomials";
import { fitArima, isAdmissibleArima, refilterArima } from "../../../src/forecasting/arima/fit-arima";
import { forecastArima } from "../../../src/forecasting/arima/forecast-arima";

function noise(count: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: count }, () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32 - 0.5;
  });
}

// An AR(1) series with φ = 0.7 around 10.
function ar1(count: number, seed: number): Float64Array {
  const shocks = noise(count, seed);
  const values = new Float64Array(count);
  let previous = 0;
  shocks.forEach((shock, index) => {
    previous = 0.7 * previous + shock;
    values[index] = 10 + previous;
  });
  return values;
}

const order = (p: number, d: number, q: number) => ({ p, d, q, seasonalP: 0, seasonalD: 0, seasonalQ: 0, period: 1 });

describe("fitArima", () => {
  it("recovers an AR(1) coefficient and mean, and its AICc is AIC plus the small-sample penalty", () => {
    const fit = fitArima(ar1(400, 5), order(1, 0, 0), true);
    expect(fit).toBeDefined();
    expect(fit?.coefficients.ar[0]).toBeGreaterThan(0.6);
    expect(fit?.coefficients.ar[0]).toBeLessThan(0.8);
    expect(fit?.mean).toBeCloseTo(10, 0);
    const k = 3;
    const n = fit?.usedCount as number;
    expect((fit?.aicc as number) - (fit?.aic as number)).toBeCloseTo((2 * k * (k + 1)) / (n - k - 1), 10);
    expect(fit && isAdmissibleArima(fit)).toBe(true);
  });

  it("AICc's penalty over AIC grows with every added coefficient (property over series and orders)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 2 }), (seed, p) => {
        const values = ar1(40, seed);
        const smaller = fitArima(values, order(p, 0, 0), true);
        const larger = fitArima(values, order(p + 1, 0, 0), true);
        if (!smaller || !larger) return;
        const penalty = (fit: typeof smaller) => fit.aicc - fit.aic;
        expect(penalty(larger)).toBeGreaterThan(penalty(smaller));
        // Nested models: the larger one's likelihood is at least about as good.
        expect(larger.logLikelihood).toBeGreaterThan(smaller.logLikelihood - 1e-3);
      }),
      { numRuns: 15 },
    );
  });

  it("reports the invertible twin of an MA fit: |θ| < 1", () => {
    expect(invertMa([-1.7893795609203638])[0]).toBeCloseTo(1 / -1.7893795609203638, 12);
    // 1 + 2.5z + z² = (1 + 2z)(1 + z/2): the root −1/2 becomes −2, giving (1 + z/2)² = 1 + z + z²/4.
    expect(invertMa([2.5, 1]).map((value) => Number(value.toFixed(10)))).toEqual([1, 0.25]);
    expect(invertMa([0.5, 0.1])).toEqual([0.5, 0.1]);
    const twin = invertMa([2.5, 1]);
    expect(
      rootsOutside(
        twin.map((value) => -value),
        1 - 1e-9,
      ),
    ).toBe(true);
    const fit = fitArima(noise(120, 9), order(0, 1, 1), false);
    expect(Math.abs(fit?.coefficients.ma[0] as number)).toBeLessThan(1);
  });

  it("refilterArima forecasts from the end of other data with the same coefficients", () => {
    const values = ar1(200, 3);
    const fit = fitArima(values, order(1, 0, 0), true);
    if (!fit) throw new Error("no fit");
    const shorter = refilterArima(fit, values.subarray(0, 150));
    expect(shorter?.coefficients).toEqual(fit.coefficients);
    const next = forecastArima(shorter as NonNullable<typeof shorter>, 1)[0]?.value as number;
    const phi = fit.coefficients.ar[0] as number;
    expect(next).toBeCloseTo(fit.mean + phi * ((values[149] as number) - fit.mean), 8);
  });

  it("fails cleanly when there are fewer points than coefficients", () => {
    expect(fitArima(Float64Array.of(1, 2, 3), order(2, 0, 2), true)).toBeUndefined();
  });
});

describe("forecastArima", () => {
  it("intervals widen with the horizon and nest by level, around the point forecast (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom([1, 0, 0], [0, 1, 1], [1, 1, 0], [0, 2, 1]),
        (seed, [p, d, q]) => {
          const fit = fitArima(ar1(60, seed), order(p as number, d as number, q as number), d === 0);
          if (!fit) return;
          const steps = forecastArima(fit, 10, { levels: [80, 95] });
          let previousWidth = 0;
          for (const step of steps) {
            const [inner, outer] = step.intervals as [(typeof step.intervals)[0], (typeof step.intervals)[0]];
            expect(inner.lower).toBeLessThanOrEqual(step.value);
            expect(inner.upper).toBeGreaterThanOrEqual(step.value);
            expect(outer.lower).toBeLessThanOrEqual(inner.lower);
            expect(outer.upper).toBeGreaterThanOrEqual(inner.upper);
            const width = outer.upper - outer.lower;
            expect(width).toBeGreaterThanOrEqual(previousWidth - 1e-9);
            previousWidth = width;
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it("a random walk with drift forecasts the last value plus h drifts", () => {
    const values = Float64Array.from({ length: 50 }, (_, index) => 3 * index + (noise(50, 2)[index] as number));
    const fit = fitArima(values, order(0, 1, 0), true);
    if (!fit) throw new Error("no fit");
    const steps = forecastArima(fit, 3);
    steps.forEach((step, index) => {
      expect(step.value).toBeCloseTo((values[49] as number) + (index + 1) * fit.mean, 8);
    });
    expect(fit.mean).toBeCloseTo(3, 1);
  });
});
