import { PelbiotError } from "@pelbiot/core";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { ClassificationModel } from "../../src/classification/classification-model";
import { createRandom } from "../../src/random/create-random";

function rows(count: number): { x: number; y: number; label: string }[] {
  const random = createRandom(3);
  return Array.from({ length: count }, (_, index) => ({
    x: random.normal() + (index % 2) * 3,
    y: random.normal(),
    label: index % 2 === 0 ? "a" : "b",
  }));
}

describe("ClassificationModel options", () => {
  it("rejects a misspelt constructor option, naming the accepted keys and the nearest one", () => {
    const error = expectPelbiotError(
      () => new ClassificationModel({ testSplitRatoi: 0.3 } as never),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(/^Invalid input to ClassificationModel constructor: options\.testSplitRatoi:/);
    expect(error.message).toContain('did you mean "testSplitRatio"');
    expect(error.message).toContain(
      "accepted: testSplitRatio, learningRate, solver, multiClass, penalty, l2Strength, classWeight, maxIterations, tolerance, seed",
    );
  });

  it("rejects a misspelt trainModel option and stores nothing", () => {
    const classifier = new ClassificationModel();
    const issues = captureValidationIssues(() =>
      classifier.trainModel("m", rows(20), ["x", "y"], "label", { maxIteration: 5 } as never),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^options\.maxIteration: .*did you mean "maxIterations".*accepted: .*split/);
    expect(classifier.listModels()).toEqual([]);
  });

  it("validates the seed the same way in the constructor and in trainModel", () => {
    for (const seed of [-1, 1.5, 2 ** 32]) {
      expect(captureValidationIssues(() => new ClassificationModel({ seed }))).toEqual([
        expect.stringMatching(/^options\.seed: must be/),
      ]);
      expect(
        captureValidationIssues(() => new ClassificationModel().trainModel("m", rows(10), ["x"], "label", { seed })),
      ).toEqual([expect.stringMatching(/^options\.seed: must be/)]);
    }
  });

  it("names the method and uses dots for array indices in every path", () => {
    const classifier = new ClassificationModel();
    const data = rows(10).map((row, index) => (index === 3 ? { ...row, x: Number.NaN } : row));
    const error = expectPelbiotError(
      () => classifier.trainModel("m", data, ["x", ""], "label", { split: { train: [0, -1], test: [] } }),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(/^Invalid input to ClassificationModel\.trainModel: /);
    expect(error.message).toContain("features.1: must be a non-empty string");
    expect(error.message).not.toMatch(/\[\d+\]/);
    const split = expectPelbiotError(
      () => classifier.trainModel("m", rows(10), ["x"], "label", { split: { train: [0, -1], test: [1] } }),
      "VALIDATION_ERROR",
    );
    expect(split.message).toContain("options.split.train.1: must be a row index");
    classifier.trainModel("m", rows(10), ["x", "y"], "label");
    expect(captureValidationIssues(() => classifier.predictClass("m", [1, Number.NaN]))).toEqual([
      "input.1: must be a finite number, got NaN",
    ]);
  });

  it("reports INSUFFICIENT_DATA with { got, need } and MODEL_NOT_FOUND with { id }", () => {
    const classifier = new ClassificationModel();
    const single = rows(10).map((row) => ({ ...row, label: "a" }));
    expect(
      expectPelbiotError(() => classifier.trainModel("m", single, ["x"], "label"), "INSUFFICIENT_DATA").details,
    ).toEqual({
      got: 1,
      need: 2,
    });
    const noTrainingRow = expectPelbiotError(
      () => classifier.trainModel("m", rows(10), ["x"], "label", { split: { train: [0, 2], test: [1] } }),
      "INSUFFICIENT_DATA",
    );
    expect(noTrainingRow.details).toEqual({ got: 1, need: 2 });
    const missing = expectPelbiotError(() => classifier.predictClass("nope", [1]), "MODEL_NOT_FOUND");
    expect(missing.details).toEqual({ id: "nope" });
    expect(PelbiotError.is(missing)).toBe(true);
  });
});
