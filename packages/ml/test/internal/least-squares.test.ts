import fc from "fast-check";
import { Matrix, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { leastSquares } from "../../src/internal/least-squares";

describe("leastSquares", () => {
  it("recovers an exact line and the regression the ETS start values use", () => {
    const solution = leastSquares(
      [
        [1, 0],
        [1, 1],
        [1, 2],
      ],
      [1, 3, 5],
    );
    expect(solution[0]).toBeCloseTo(1, 14);
    expect(solution[1]).toBeCloseTo(2, 14);
  });

  it("agrees with ml-matrix's SVD solver on intercept + trend + harmonic designs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 24 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 80, maxLength: 80 }),
        (period, extra, noise) => {
          const count = 2 * period + extra + 1;
          const rows = Array.from({ length: count }, (_, index) => {
            const angle = (2 * Math.PI * (index + 1)) / period;
            const row = [1, index + 1, Math.cos(angle)];
            if (period > 2) row.push(Math.sin(angle));
            return row;
          });
          const values = Array.from({ length: count }, (_, index) => noise[index % noise.length] as number);
          const ours = leastSquares(rows, values);
          const reference = solve(new Matrix(rows), Matrix.columnVector(values), true).to1DArray();
          for (const [index, value] of reference.entries()) {
            expect(Math.abs((ours[index] as number) - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
