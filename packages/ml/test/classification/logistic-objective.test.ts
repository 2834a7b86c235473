import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitLogisticRegression } from "../../src/classification/fit-logistic-regression";
import { createLogisticObjective, createOneVsRestObjective } from "../../src/classification/logistic-objective";
import { minimizeLbfgs } from "../../src/classification/minimize-lbfgs";
import { createRandom } from "../../src/random/create-random";

interface Problem {
  design: Float64Array;
  rowCount: number;
  featureCount: number;
  classIndices: Int32Array;
  sampleWeights: Float64Array;
}

// Row counts that are not multiples of 4 and odd class counts exercise the blocked and the leftover code paths.
function makeProblem(seed: number, rowCount: number, featureCount: number, classCount: number): Problem {
  const random = createRandom(seed);
  return {
    design: Float64Array.from({ length: rowCount * featureCount }, () => random.normal()),
    rowCount,
    featureCount,
    classIndices: Int32Array.from({ length: rowCount }, (_, row) =>
      row < classCount ? row : random.integer(classCount),
    ),
    sampleWeights: Float64Array.from({ length: rowCount }, () => 0.5 + random.next()),
  };
}

describe("createLogisticObjective", () => {
  it("returns the gradient of the value it returns (central differences), softmax and binary", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 3, max: 11 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(0, 0.7),
        (seed, rowCount, featureCount, outputCount, l2Strength) => {
          const problem = makeProblem(seed, rowCount, featureCount, Math.max(outputCount, 2));
          const targets =
            outputCount === 1 ? problem.classIndices.map((label) => (label === 1 ? 1 : 0)) : problem.classIndices;
          const objective = createLogisticObjective({ ...problem, targets, outputCount, l2Strength });
          const random = createRandom(seed + 7);
          const size = outputCount * (featureCount + 1);
          const point = Float64Array.from({ length: size }, () => random.normal());
          const gradient = new Float64Array(size);
          objective(point, gradient);
          const scratch = new Float64Array(size);
          for (let index = 0; index < size; index += 1) {
            const step = 1e-5;
            const plus = Float64Array.from(point);
            const minus = Float64Array.from(point);
            plus[index] = (plus[index] as number) + step;
            minus[index] = (minus[index] as number) - step;
            const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * step);
            expect(Math.abs(numeric - (gradient[index] as number))).toBeLessThan(1e-5 * (1 + Math.abs(numeric)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("createOneVsRestObjective", () => {
  it("gives each packed problem bit for bit the loss and gradient of its own binary objective", () => {
    const problem = makeProblem(3, 23, 5, 4);
    const stride = problem.featureCount + 1;
    const positives = Int32Array.of(2, 0, 3);
    const random = createRandom(11);
    const packed = Float64Array.from({ length: positives.length * stride }, () => random.normal());
    const gradient = new Float64Array(packed.length);
    const losses = new Float64Array(positives.length);
    createOneVsRestObjective({ ...problem, maxProblems: 4, l2Strength: 0.3 })(
      packed,
      gradient,
      positives,
      positives.length,
      losses,
    );
    positives.forEach((positive, slot) => {
      const alone = createLogisticObjective({
        ...problem,
        targets: problem.classIndices.map((label) => (label === positive ? 1 : 0)),
        outputCount: 1,
        l2Strength: 0.3,
      });
      const ownGradient = new Float64Array(stride);
      const loss = alone(packed.slice(slot * stride, (slot + 1) * stride), ownGradient);
      expect(losses[slot]).toBe(loss);
      expect(Array.from(gradient.subarray(slot * stride, (slot + 1) * stride))).toEqual(Array.from(ownGradient));
    });
  });
});

describe("fitLogisticRegression one-vs-rest in lockstep", () => {
  it("gives exactly the models of fitting each class's binary problem on its own", () => {
    const problem = makeProblem(5, 61, 4, 3);
    const fit = fitLogisticRegression({
      ...problem,
      classCount: 3,
      mode: "ovr",
      solver: "lbfgs",
      l2Strength: 1,
      learningRate: 0.01,
      maxIterations: 200,
      tolerance: 1e-6,
    });
    let slowest = 0;
    for (let positive = 0; positive < 3; positive += 1) {
      const alone = minimizeLbfgs(
        createLogisticObjective({
          ...problem,
          targets: problem.classIndices.map((label) => (label === positive ? 1 : 0)),
          outputCount: 1,
          l2Strength: 1,
        }),
        new Float64Array(5),
        { maxIterations: 200, tolerance: 1e-6 },
      );
      expect(fit.coefficients[positive]).toEqual(Array.from(alone.point.subarray(0, 4)));
      expect(fit.intercepts[positive]).toBe(alone.point[4]);
      slowest = Math.max(slowest, alone.iterations);
    }
    expect(fit.iterations).toBe(slowest);
    expect(fit.converged).toBe(true);
  });
});
