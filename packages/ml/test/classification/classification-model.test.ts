import { PelbiotError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClassificationModel, type FeatureRecord } from "../../src/classification/classification-model";
import { createRandom } from "../../src/random/create-random";

/** Two noisy, overlapping churn groups: long-tenure low-spend users stay, short-tenure high-spend users churn. */
function churnData(count: number, seed: number): { tenure: number; spend: number; churned: string }[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const churned = index % 3 === 0;
    return {
      tenure: (churned ? 6 : 24) + 6 * random.normal(),
      spend: (churned ? 80 : 40) + 15 * random.normal(),
      churned: churned ? "yes" : "no",
    };
  });
}

function expectError(run: () => unknown, code: string, pattern?: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(PelbiotError.is(error)).toBe(true);
    expect((error as PelbiotError).code).toBe(code);
    if (pattern)
      expect(
        JSON.stringify({ message: (error as Error).message, issues: (error as { issues?: unknown }).issues }),
      ).toMatch(pattern);
    return;
  }
  throw new Error(`expected a ${code} error`);
}

describe("ClassificationModel", () => {
  it("runs the guide's calls as written and predicts from a record or a vector", () => {
    const trainingData = churnData(300, 1);
    const features = ["tenure", "spend"];
    const labels = "churned";
    const classifier = new ClassificationModel({ testSplitRatio: 0.2, learningRate: 0.01 });
    const result = classifier.trainModel("user_churn", trainingData, features, labels);
    expect(result.classes).toEqual(["no", "yes"]);
    expect(result.mode).toBe("binary");
    expect(result.converged).toBe(true);
    // The default stopping rule: 1e-5 × the summed row weights (240 training rows of weight 1).
    expect(result.gradientNorm).toBeLessThanOrEqual(1e-5 * 240);
    // Stratified 20 %: 200 "no" → 40, 100 "yes" → 20.
    expect(result.testSize).toBe(60);
    expect(result.testMetrics?.confusionMatrix.map((row) => (row[0] as number) + (row[1] as number))).toEqual([40, 20]);
    expect(result.testMetrics?.accuracy).toBeGreaterThan(0.85);
    expect(result.testMetrics?.rocAuc).toBeGreaterThan(0.9);

    const prediction = classifier.predictClass("user_churn", { tenure: 2, spend: 95 });
    expect(prediction.label).toBe("yes");
    expect(prediction.probabilities.yes).toBeGreaterThan(0.9);
    expect((prediction.probabilities.yes as number) + (prediction.probabilities.no as number)).toBeCloseTo(1, 15);
    expect(classifier.predictClass("user_churn", [2, 95])).toEqual(prediction);
    expect(classifier.predictClass("user_churn", [40, 20]).label).toBe("no");
  });

  it("accepts labels as an aligned array and reproduces the seeded split", () => {
    const data = churnData(120, 2);
    const labels = data.map((row) => (row.churned === "yes" ? 1 : 0));
    const records: FeatureRecord[] = data.map(({ tenure, spend }) => ({ tenure, spend }));
    const first = new ClassificationModel({ seed: 7 }).trainModel("m", records, ["tenure", "spend"], labels);
    const second = new ClassificationModel({ seed: 7 }).trainModel("m", records, ["tenure", "spend"], labels);
    const other = new ClassificationModel({ seed: 8 }).trainModel("m", records, ["tenure", "spend"], labels);
    expect(first.classes).toEqual([0, 1]);
    expect(second.testMetrics).toEqual(first.testMetrics);
    expect(other.testMetrics?.logLoss).not.toBe(first.testMetrics?.logLoss);
  });

  it("reads records of any shape as it reads plain ones: other key orders, extra keys, inherited and getter values", () => {
    const data = churnData(150, 3);
    const plainModel = new ClassificationModel({ seed: 5 });
    const plain = plainModel.trainModel("m", data, ["tenure", "spend"], "churned");
    const inherited = { spend: 0 };
    const mixed: FeatureRecord[] = data.map((row, index) => {
      switch (index % 5) {
        case 0:
          return { churned: row.churned, spend: row.spend, tenure: row.tenure };
        case 1:
          return { ...row, note: "extra" };
        case 2:
          return Object.assign(Object.create({ ...inherited, spend: row.spend }) as object, {
            tenure: row.tenure,
            churned: row.churned,
          }) as FeatureRecord;
        case 3:
          return {
            get tenure() {
              return row.tenure;
            },
            spend: row.spend,
            churned: row.churned,
          };
        default:
          return { ...row };
      }
    });
    const readModel = new ClassificationModel({ seed: 5 });
    const read = readModel.trainModel("m", mixed, ["tenure", "spend"], "churned");
    expect(readModel.getModel("m").coefficients).toEqual(plainModel.getModel("m").coefficients);
    expect(read.testMetrics?.confusionMatrix).toEqual(plain.testMetrics?.confusionMatrix);
    expect(read.testMetrics).toEqual(plain.testMetrics);
    // The first record sets the shape; a later record in that shape missing a value is still reported by name.
    expectError(
      () =>
        new ClassificationModel().trainModel(
          "m",
          [...data.slice(0, 10), { tenure: 1, spend: Number.NaN, churned: "no" }],
          ["tenure", "spend"],
          "churned",
        ),
      "VALIDATION_ERROR",
      /trainingData\.10\.spend: must be a finite number, got NaN/,
    );
  });

  it("reports coefficients on the original scale that give the same scores as the standardised ones", () => {
    const classifier = new ClassificationModel({ testSplitRatio: 0 });
    const result = classifier.trainModel("m", churnData(200, 3), ["tenure", "spend"], "churned");
    expect(result.testMetrics).toBeNull();
    const model = classifier.getModel("m");
    const x = [10, 70];
    const original =
      (model.intercepts[0] as number) +
      x.reduce((sum, value, index) => sum + value * (model.coefficients[0]?.[index] as number), 0);
    const standardized =
      (model.standardizedIntercepts[0] as number) +
      x.reduce(
        (sum, value, index) =>
          sum +
          ((value - (model.scalerMean[index] as number)) / (model.scalerScale[index] as number)) *
            (model.standardizedCoefficients[0]?.[index] as number),
        0,
      );
    expect(original).toBeCloseTo(standardized, 10);
    expect(classifier.predictClass("m", x).probabilities.yes).toBeCloseTo(1 / (1 + Math.exp(-original)), 12);
  });

  it("weights classes: balanced weights raise recall of the minority class", () => {
    const data = churnData(900, 4).map((row, index) => ({ ...row, churned: index % 10 === 0 ? "yes" : "no" }));
    const plain = new ClassificationModel().trainModel("m", data, ["tenure", "spend"], "churned");
    const balanced = new ClassificationModel().trainModel("m", data, ["tenure", "spend"], "churned", {
      classWeight: "balanced",
    });
    const explicit = new ClassificationModel().trainModel("m", data, ["tenure", "spend"], "churned", {
      classWeight: { yes: 4.5, no: 0.5 },
    });
    expect(balanced.testMetrics?.perClass[1]?.recall).toBeGreaterThan(plain.testMetrics?.perClass[1]?.recall as number);
    // "balanced" = n / (K · n_c) on the 720 training rows: 720 / (2 · 72) = 5 and 720 / (2 · 648) = 0.5556, i.e.
    // { yes: 4.5, no: 0.5 } × 10/9; scaling every weight by 0.9 gives the same minimiser as l2Strength 0.9.
    const rescaled = new ClassificationModel().trainModel("m", data, ["tenure", "spend"], "churned", {
      classWeight: { yes: 4.5, no: 0.5 },
      l2Strength: 0.9,
    });
    expect(rescaled.testMetrics?.perClass[1]?.recall).toBeCloseTo(
      balanced.testMetrics?.perClass[1]?.recall as number,
      10,
    );
    expect(rescaled.testMetrics?.logLoss).toBeCloseTo(balanced.testMetrics?.logLoss as number, 6);
    expect(explicit.testMetrics?.logLoss).not.toBeCloseTo(balanced.testMetrics?.logLoss as number, 6);
  });

  it("selects gradient descent with learningRate, and says when it has not converged", () => {
    const data = churnData(150, 5);
    const split = { train: data.map((_, index) => index), test: [] };
    const lbfgs = new ClassificationModel().trainModel("a", data, ["tenure", "spend"], "churned", { split });
    const classifier = new ClassificationModel({ solver: "gradient-descent", learningRate: 0.5, maxIterations: 20 });
    const short = classifier.trainModel("b", data, ["tenure", "spend"], "churned", { split });
    expect(short.converged).toBe(false);
    expect(short.iterations).toBe(20);
    expect(short.gradientNorm).toBeGreaterThan(1e-6);
    const long = classifier.trainModel("c", data, ["tenure", "spend"], "churned", {
      split,
      maxIterations: 20_000,
      tolerance: 1e-4,
    });
    expect(long.converged).toBe(true);
    const expected = classifier.getModel("c").standardizedCoefficients[0] as number[];
    expect(lbfgs.converged).toBe(true);
    const reference = new ClassificationModel();
    reference.trainModel("a", data, ["tenure", "spend"], "churned", { split });
    const optimum = reference.getModel("a").standardizedCoefficients[0] as number[];
    for (const [index, weight] of optimum.entries()) expect(expected[index]).toBeCloseTo(weight, 3);
  });

  it("fits the unpenalised model when asked, with larger weights than the L2 fit", () => {
    const data = churnData(200, 6);
    const classifier = new ClassificationModel({ testSplitRatio: 0 });
    classifier.trainModel("l2", data, ["tenure", "spend"], "churned");
    classifier.trainModel("none", data, ["tenure", "spend"], "churned", { penalty: "none" });
    const norm = (name: string) =>
      (classifier.getModel(name).standardizedCoefficients[0] as number[]).reduce(
        (sum, weight) => sum + weight * weight,
        0,
      );
    expect(norm("none")).toBeGreaterThan(norm("l2"));
  });

  it("gives probabilities that sum to 1 for any input (multinomial and one-vs-rest)", () => {
    const random = createRandom(11);
    const rows = Array.from({ length: 90 }, (_, index) => ({
      a: (index % 3) * 2 + random.normal(),
      b: (index % 3 === 1 ? 3 : 0) + random.normal(),
      label: ["red", "green", "blue"][index % 3] as string,
    }));
    const classifier = new ClassificationModel();
    classifier.trainModel("multi", rows, ["a", "b"], "label");
    classifier.trainModel("ovr", rows, ["a", "b"], "label", { multiClass: "ovr" });
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        (a, b) => {
          for (const name of ["multi", "ovr"]) {
            const { probabilities, label } = classifier.predictClass(name, { a, b });
            const values = Object.values(probabilities);
            expect(values).toHaveLength(3);
            expect(values.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 12);
            for (const value of values) expect(value).toBeGreaterThanOrEqual(0);
            expect(probabilities[label]).toBe(Math.max(...values));
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("round-trips through JSON exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom("auto", "ovr"), (seed, multiClass) => {
        const random = createRandom(seed);
        const rows = Array.from({ length: 30 }, (_, index) => ({
          x: random.normal() + (index % 3),
          y: random.normal() * 1e-3 + 5,
          label: index % 3,
        }));
        const classifier = new ClassificationModel({ multiClass });
        classifier.trainModel("m", rows, ["x", "y"], "label", { testSplitRatio: 0 });
        const text = JSON.stringify(classifier);
        const restored = ClassificationModel.fromJSON(JSON.parse(text));
        expect(JSON.stringify(restored)).toBe(text);
        expect(restored.getModel("m")).toEqual(classifier.getModel("m"));
        const probe = { x: random.normal(), y: 5 + random.normal() };
        expect(restored.predictClass("m", probe)).toEqual(classifier.predictClass("m", probe));
      }),
      { seed: 7, numRuns: 25 },
    );
  });

  it("rejects malformed snapshots", () => {
    expectError(
      () => ClassificationModel.fromJSON({ format: "other", version: 1, models: [] }),
      "VALIDATION_ERROR",
      /format/,
    );
    const classifier = new ClassificationModel({ testSplitRatio: 0 });
    classifier.trainModel("m", churnData(30, 9), ["tenure", "spend"], "churned");
    const snapshot = classifier.toJSON();
    (snapshot.models[0] as { scalerScale: number[] }).scalerScale = [0, 1];
    expectError(() => ClassificationModel.fromJSON(snapshot), "VALIDATION_ERROR", /scalerScale/);
  });

  describe("bad input: clear errors, nothing stored", () => {
    const features = ["tenure", "spend"];
    const good = churnData(40, 10);
    const cases: [string, () => unknown[], string, RegExp][] = [
      [
        "non-finite feature",
        () => [good.map((row, index) => (index === 3 ? { ...row, spend: Number.NaN } : row)), features, "churned"],
        "VALIDATION_ERROR",
        /trainingData\.3\.spend/,
      ],
      [
        "missing feature",
        () => [good.map((row, index) => (index === 5 ? { tenure: 1, churned: "no" } : row)), features, "churned"],
        "VALIDATION_ERROR",
        /trainingData\.5\.spend/,
      ],
      [
        "a row that is not a record",
        () => [good.map((row, index) => (index === 1 ? [1, 2] : row)), features, "churned"],
        "VALIDATION_ERROR",
        /trainingData\.1: must be a record/,
      ],
      [
        "single class",
        () => [good.map((row) => ({ ...row, churned: "no" })), features, "churned"],
        "INSUFFICIENT_DATA",
        /at least 2 distinct classes/,
      ],
      ["labels of the wrong length", () => [good, features, ["yes", "no"]], "VALIDATION_ERROR", /labels/],
      [
        "mixed label types",
        () => [good, features, good.map((_, index) => (index % 2 === 0 ? "a" : 1))],
        "VALIDATION_ERROR",
        /mix/,
      ],
      ["missing label", () => [good, features, "nope"], "VALIDATION_ERROR", /trainingData\.0\.nope/],
      ["duplicate feature", () => [good, ["tenure", "tenure"], "churned"], "VALIDATION_ERROR", /duplicates/],
      ["no features", () => [good, [], "churned"], "VALIDATION_ERROR", /features/],
    ];
    for (const [title, makeArguments, code, pattern] of cases) {
      it(title, () => {
        const classifier = new ClassificationModel();
        const [data, featureNames, labels] = makeArguments() as Parameters<ClassificationModel["trainModel"]> extends [
          string,
          ...infer Rest,
        ]
          ? Rest
          : never;
        expectError(() => classifier.trainModel("m", data, featureNames, labels), code, pattern);
        expect(classifier.listModels()).toEqual([]);
      });
    }

    it("keeps the previous model when a retrain fails", () => {
      const classifier = new ClassificationModel();
      classifier.trainModel("m", good, features, "churned");
      const before = classifier.getModel("m");
      expectError(
        () => classifier.trainModel("m", good, features, "churned", { split: { train: [0, 0], test: [] } }),
        "VALIDATION_ERROR",
        /used twice/,
      );
      expectError(
        () => classifier.trainModel("m", good, features, "churned", { classWeight: { maybe: 2 } }),
        "VALIDATION_ERROR",
        /unknown class/,
      );
      expectError(
        () => classifier.trainModel("m", good, features, "churned", { split: { train: [0, 3, 6], test: [] } }),
        "INSUFFICIENT_DATA",
        /no training row/,
      );
      expect(classifier.getModel("m")).toEqual(before);
    });

    it("rejects bad options and bad prediction input", () => {
      expectError(
        () => new ClassificationModel({ testSplitRatio: 1, l2Strength: -1, solver: "sgd" as "lbfgs" }),
        "VALIDATION_ERROR",
        /testSplitRatio.*l2Strength|l2Strength.*testSplitRatio/,
      );
      const classifier = new ClassificationModel();
      expectError(() => classifier.predictClass("missing", [1, 2]), "MODEL_NOT_FOUND", /train it/);
      classifier.trainModel("m", good, features, "churned");
      expectError(() => classifier.predictClass("m", [1]), "VALIDATION_ERROR", /2 values/);
      expectError(
        () => classifier.predictClass("m", { tenure: 1, spend: Number.POSITIVE_INFINITY }),
        "VALIDATION_ERROR",
        /input\.spend/,
      );
      expectError(() => classifier.predictClass("m", { tenure: 1 }), "VALIDATION_ERROR", /input\.spend/);
    });
  });
});
