import { describe, expect, it } from "vitest";
import { nelderMead } from "../../../src/forecasting/optimizer/nelder-mead";

describe("nelderMead", () => {
  it("finds the minimum of the Rosenbrock function at (1, 1)", () => {
    const rosenbrock = (x: Float64Array): number =>
      100 * ((x[1] as number) - (x[0] as number) ** 2) ** 2 + (1 - (x[0] as number)) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { tolerance: 1e-14, maxEvaluations: 5000 });
    expect(result.point[0]).toBeCloseTo(1, 4);
    expect(result.point[1]).toBeCloseTo(1, 4);
    expect(result.value).toBeLessThan(1e-8);
    expect(result.converged).toBe(true);
  });

  it("minimises a 10-dimensional badly scaled quadratic when given per-coordinate steps", () => {
    const scales = Array.from({ length: 10 }, (_, index) => 10 ** (index % 4));
    const objective = (x: Float64Array): number =>
      scales.reduce((sum, scale, index) => sum + ((x[index] as number) / scale - index) ** 2, 0);
    const result = nelderMead(objective, new Array(10).fill(0), {
      steps: scales.map((scale) => scale),
      tolerance: 1e-14,
      maxEvaluations: 40_000,
    });
    scales.forEach((scale, index) => {
      expect((result.point[index] as number) / scale).toBeCloseTo(index, 3);
    });
  });

  it("treats Infinity and NaN as infeasible, which imposes bounds", () => {
    // Minimum of (x - 2)² on x ≤ 1 is at the bound.
    const result = nelderMead((x) => ((x[0] as number) > 1 ? Number.NaN : ((x[0] as number) - 2) ** 2), [0], {
      tolerance: 1e-14,
    });
    expect(result.point[0]).toBeCloseTo(1, 5);
  });

  it("respects the evaluation budget and does not modify the start", () => {
    const start = [3, 4];
    let calls = 0;
    const result = nelderMead(
      (x) => {
        calls += 1;
        return (x[0] as number) ** 2 + (x[1] as number) ** 2;
      },
      start,
      { maxEvaluations: 20 },
    );
    expect(result.evaluations).toBe(calls);
    // The budget is checked per iteration, which may spend up to dimension + 1 evaluations (a shrink).
    expect(calls).toBeLessThanOrEqual(20 + 3);
    expect(result.converged).toBe(false);
    expect(start).toEqual([3, 4]);
  });
});
