import { describe, expect, it } from "vitest";
import { fitEts } from "../../../src/forecasting/ets/fit-ets";
import { createRandom } from "../../../src/random/create-random";

describe("fitEts", () => {
  it("estimates ETS(A,N,N) on simulated data near the true α and within the usual bounds", () => {
    const random = createRandom(77);
    let level = 100;
    const values: number[] = [];
    for (let index = 0; index < 400; index += 1) {
      const error = random.normal();
      values.push(level + error);
      level += 0.3 * error;
    }
    const fit = fitEts(values, { error: "A", trend: "N", season: "N" });
    expect(fit?.parameters.alpha).toBeGreaterThan(0.2);
    expect(fit?.parameters.alpha).toBeLessThan(0.42);
    expect(fit?.sigma2).toBeGreaterThan(0.8);
    expect(fit?.sigma2).toBeLessThan(1.2);
    // AICc = AIC + 2k(k+1)/(n−k−1) with k = α, l0, σ² = 3
    expect(fit?.aicc).toBeCloseTo((fit?.aic ?? 0) + (2 * 3 * 4) / (400 - 4), 9);
  });

  it("keeps fitted parameters in the usual region (β ≤ α, γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.98)", () => {
    const random = createRandom(3);
    const values = Array.from(
      { length: 60 },
      (_, index) => 20 + index * 0.3 + 4 * Math.sin(index / 0.9) + random.normal(),
    );
    const fit = fitEts(values, { error: "M", trend: "Ad", season: "M" }, { period: 6 });
    const { alpha, beta, gamma, phi } = fit?.parameters ?? { alpha: 0, beta: 1, gamma: 1, phi: 0 };
    expect(beta).toBeLessThanOrEqual(alpha);
    expect(gamma).toBeLessThanOrEqual(1 - alpha);
    expect(phi).toBeGreaterThanOrEqual(0.8);
    expect(phi).toBeLessThanOrEqual(0.98);
    // Multiplicative seasonal indices are normalised to sum to m.
    expect(fit?.initialState.seasonal.reduce((sum, value) => sum + value, 0)).toBeCloseTo(6, 9);
  });
});
