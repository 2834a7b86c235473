import { describe, expect, it } from "vitest";
import { classificationReport } from "../../src/metrics/classification-report";
import { confusionMatrix } from "../../src/metrics/confusion-matrix";
import { logLoss } from "../../src/metrics/log-loss";
import { multiclassRocAuc } from "../../src/metrics/multiclass-roc-auc";
import { rocAucScore } from "../../src/metrics/roc-auc-score";
import { silhouetteScore } from "../../src/metrics/silhouette-score";

describe("classification metrics", () => {
  const actual = [0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 1, 1, 1, 2, 0, 2];

  it("counts the confusion matrix as [true][predicted]", () => {
    expect(confusionMatrix(actual, predicted, 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/class indices/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/predicted/);
  });

  it("matches scikit-learn's classification_report", () => {
    const report = classificationReport(actual, predicted, 3);
    // sklearn: precision [0.5, 0.6667, 1], recall [0.5, 1, 0.6667], f1 [0.5, 0.8, 0.8]; accuracy 5/7.
    expect(report.accuracy).toBeCloseTo(5 / 7, 15);
    expect(report.perClass.map((scores) => scores.precision)).toEqual([0.5, 2 / 3, 1]);
    expect(report.perClass.map((scores) => scores.recall)).toEqual([0.5, 1, 2 / 3]);
    expect(report.perClass[1]?.f1).toBeCloseTo(0.8, 15);
    expect(report.macro.f1).toBeCloseTo((0.5 + 0.8 + 0.8) / 3, 15);
    expect(report.perClass.map((scores) => scores.support)).toEqual([2, 2, 3]);
    // A class never predicted gets precision 0 (zero_division=0), not NaN.
    expect(classificationReport([0, 1], [0, 0], 2).perClass[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it("computes log-loss with clipping", () => {
    // -(ln 0.9 + ln 0.8) / 2
    expect(
      logLoss(
        [0, 1],
        [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
      ),
    ).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 15);
    expect(logLoss([0], [[0, 1]])).toBeCloseTo(-Math.log(1e-15), 10);
    expect(() => logLoss([], [])).toThrow(/at least one row/);
  });

  it("computes ROC AUC with tied scores as average ranks", () => {
    // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
    expect(rocAucScore([false, false, true, true], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    // roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) = 0.875 (one tie counted half)
    expect(rocAucScore([false, true, false, true], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(rocAucScore([true, true], [0.1, 0.2])).toBeNull();
    const probabilities = [
      [0.7, 0.2, 0.1],
      [0.3, 0.4, 0.3],
      [0.2, 0.5, 0.3],
      [0.1, 0.3, 0.6],
    ];
    // One-vs-rest AUCs 1, 1 and 1 → macro 1; swapping two rows' labels lowers it.
    expect(multiclassRocAuc([0, 1, 1, 2], probabilities, 3)).toBe(1);
    expect(multiclassRocAuc([0, 1, 2, 1], probabilities, 3)).toBeLessThan(1);
    expect(multiclassRocAuc([0, 1, 1, 1], probabilities, 3)).toBeNull();
    expect(
      multiclassRocAuc(
        [0, 1],
        [
          [0.8, 0.2],
          [0.3, 0.7],
        ],
        2,
      ),
    ).toBe(1);
  });

  it("computes the silhouette as scikit-learn does", () => {
    // sklearn.metrics.silhouette_score([[0],[1],[5],[6]], [0,0,1,1]): a = 1 everywhere, b = 5.5, 4.5, 4.5, 5.5
    // → s = 4.5/5.5, 3.5/4.5, 3.5/4.5, 4.5/5.5 → 0.79798
    expect(silhouetteScore([[0], [1], [5], [6]], [0, 0, 1, 1])).toBeCloseTo((4.5 / 5.5 + 3.5 / 4.5) / 2, 15);
    // [[0],[4],[5]] with labels [0,1,1]: the singleton scores 0; point 4: a = 1, b = 4 → 0.75; point 5: a = 1,
    // b = 5 → 0.8; mean 0.5167
    expect(silhouetteScore([[0], [4], [5]], [0, 1, 1])).toBeCloseTo((0.75 + 0.8) / 3, 15);
    expect(silhouetteScore([[0], [1]], [0, 0])).toBeNull();
    expect(() => silhouetteScore([[0], [1, 2]], [0, 1])).toThrow(/coordinates/);
  });
});
