import { captureValidationIssues } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { confusionMatrix } from "../../src/metrics/confusion-matrix";
import { logLoss } from "../../src/metrics/log-loss";
import { silhouetteScore } from "../../src/metrics/silhouette-score";

describe("metric validation paths", () => {
  it("confusionMatrix names the bad row with a dot-path", () => {
    expect(captureValidationIssues(() => confusionMatrix([0, 1, 5], [0, 1, 1], 2))).toEqual([
      "actual.2: class indices must be integers in [0, 2), got 5 → 1",
    ]);
  });

  it("logLoss names the bad row with a dot-path", () => {
    expect(captureValidationIssues(() => logLoss([0, 1], [[0.5, 0.5], [0.5]]))).toEqual([
      "probabilities.1: has no finite probability for class 1",
    ]);
  });

  it("silhouetteScore names the ragged point with a dot-path", () => {
    expect(captureValidationIssues(() => silhouetteScore([[0, 0], [1]], [0, 1]))).toEqual([
      "points.1: must have 2 coordinates like points.0",
    ]);
  });
});
