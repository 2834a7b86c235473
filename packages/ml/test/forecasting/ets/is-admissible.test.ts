import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { isAdmissible } from "../../../src/forecasting/ets/is-admissible";
import { createRandom } from "../../../src/random/create-random";

// Oracle: the largest root modulus of the characteristic polynomial R's forecast::ets `admissible()` builds,
// P = [φ(1−α−γ), α+β−αφ+γ−1, (α+β−αφ) × (m−2), α+β−φ, 1] (lowest degree first), found as the eigenvalues of its
// companion matrix: a different algorithm from the Schur–Cohn recursion under test.
function spectralRadius(alpha: number, beta: number, gamma: number, phi: number, period: number): number {
  const middle = alpha + beta - alpha * phi;
  const coefficients = [phi * (1 - alpha - gamma), middle + gamma - 1];
  for (let degree = 2; degree < period; degree += 1) coefficients.push(middle);
  coefficients.push(alpha + beta - phi, 1);
  const degree = coefficients.length - 1;
  const companion = Matrix.zeros(degree, degree);
  for (let column = 0; column < degree; column += 1)
    companion.set(0, column, -(coefficients[degree - 1 - column] as number));
  for (let row = 1; row < degree; row += 1) companion.set(row, row - 1, 1);
  const decomposition = new EigenvalueDecomposition(companion);
  return Math.max(
    ...decomposition.realEigenvalues.map((real, index) =>
      Math.hypot(real, decomposition.imaginaryEigenvalues[index] ?? 0),
    ),
  );
}

describe("isAdmissible", () => {
  it("uses the closed-form region for non-seasonal models", () => {
    expect(isAdmissible(1.5, undefined, undefined, undefined, 1)).toBe(true);
    expect(isAdmissible(2.1, undefined, undefined, undefined, 1)).toBe(false);
    expect(isAdmissible(0.5, 0.4, undefined, undefined, 1)).toBe(true);
    expect(isAdmissible(0.5, 3.1, undefined, undefined, 1)).toBe(false);
    expect(isAdmissible(0.5, 0.1, undefined, 1.2, 1)).toBe(false);
  });

  it("agrees with the roots of R's characteristic polynomial on random parameters", () => {
    const random = createRandom(2024);
    let admissible = 0;
    for (let trial = 0; trial < 200; trial += 1) {
      const period = [2, 4, 7, 12][random.integer(4)] as number;
      const alpha = random.next() * 1.4;
      const beta = random.next() * 0.5;
      const gamma = random.next() * 1.2;
      const phi = 0.8 + random.next() * 0.2;
      const radius = spectralRadius(alpha, beta, gamma, phi, period);
      // Skip the knife edge, where rounding decides.
      if (Math.abs(radius - 1) < 1e-6) continue;
      const expected = radius < 1;
      if (expected) admissible += 1;
      expect(isAdmissible(alpha, beta, gamma, phi, period), `${alpha} ${beta} ${gamma} ${phi} m=${period}`).toBe(
        expected,
      );
    }
    // Both outcomes must actually occur for the comparison to mean anything.
    expect(admissible).toBeGreaterThan(10);
    expect(admissible).toBeLessThan(190);
  });
});
