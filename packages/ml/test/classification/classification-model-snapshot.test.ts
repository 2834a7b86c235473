import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { ClassificationModel } from "../../src/classification/classification-model";
import { createRandom } from "../../src/random/create-random";

function trained(): ClassificationModel {
  const random = createRandom(5);
  const data = Array.from({ length: 45 }, (_, index) => ({
    x: random.normal() + (index % 3),
    y: random.normal() - (index % 3),
    label: ["red", "green", "blue"][index % 3] as string,
  }));
  const classifier = new ClassificationModel({ testSplitRatio: 0 });
  classifier.trainModel("colours", data, ["x", "y"], "label");
  classifier.trainModel("colours-ovr", data, ["x", "y"], "label", { multiClass: "ovr" });
  return classifier;
}

const probes = [
  [0, 0],
  [1.5, -2],
  [-3, 4],
];

describe("ClassificationModel snapshots", () => {
  it("writes the pelbiot.ml.ClassificationModel header and predicts identically after JSON text round-trip", () => {
    const classifier = trained();
    const snapshot = classifier.toJSON();
    expect(snapshot).toMatchObject({ format: "pelbiot.ml.ClassificationModel", version: 1 });
    const restored = ClassificationModel.fromJSON(JSON.stringify(classifier));
    expect(restored.listModels()).toEqual(["colours", "colours-ovr"]);
    for (const name of restored.listModels()) {
      for (const probe of probes)
        expect(restored.predictClass(name, probe)).toEqual(classifier.predictClass(name, probe));
    }
    expect(JSON.stringify(restored)).toBe(JSON.stringify(classifier));
  });

  it("still reads a snapshot written by the previous release", () => {
    const classifier = trained();
    const previous = { ...JSON.parse(JSON.stringify(classifier)), format: "pelbiot.ml.classification" };
    const restored = ClassificationModel.fromJSON(previous);
    expect(restored.predictClass("colours", [1, 1])).toEqual(classifier.predictClass("colours", [1, 1]));
    expect(restored.toJSON().format).toBe("pelbiot.ml.ClassificationModel");
  });

  it("rejects a foreign format and a newer version", () => {
    const snapshot = JSON.parse(JSON.stringify(trained()));
    expect(
      captureValidationIssues(() => ClassificationModel.fromJSON({ ...snapshot, format: "pelbiot.ml.Other" })),
    ).toEqual([expect.stringMatching(/^json\.format: must be "pelbiot\.ml\.ClassificationModel"/)]);
    const newer = expectPelbiotError(() => ClassificationModel.fromJSON({ ...snapshot, version: 2 }), "UNSUPPORTED");
    expect(newer.message).toContain("version 2");
  });

  it("rejects tampered fields with VALIDATION_ERROR and their dot-paths", () => {
    const tamper = (change: (snapshot: { models: Record<string, unknown>[] }) => void): string[] => {
      const snapshot = JSON.parse(JSON.stringify(trained()));
      change(snapshot);
      return captureValidationIssues(() => ClassificationModel.fromJSON(snapshot));
    };
    expect(tamper((snapshot) => ((snapshot.models[0] as { scalerScale: number[] }).scalerScale[1] = 0))).toEqual([
      "json.models.0.scalerScale: must be 2 positive numbers",
    ]);
    expect(tamper((snapshot) => (snapshot.models[1] as { coefficients: unknown[] }).coefficients.pop())).toEqual([
      "json.models.1.coefficients: must be 3 × 2 finite numbers",
    ]);
    expect(tamper((snapshot) => ((snapshot.models[1] as { name: string }).name = "colours"))).toEqual([
      'json.models.1.name: repeats the model name "colours"',
    ]);
    expect(tamper((snapshot) => ((snapshot.models[0] as { classes: string[] }).classes = ["a", "a", "b"]))).toEqual([
      "json.models.0.classes: must hold at least 2 distinct labels, all strings or all finite numbers",
    ]);
  });
});
