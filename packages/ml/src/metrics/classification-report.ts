import { confusionMatrix } from "./confusion-matrix";

/** Precision, recall, F1 and support of one class. */
export interface ClassScores {
  /** True positives over predicted positives; 0 when nothing was predicted as this class (scikit-learn's `zero_division=0`). */
  precision: number;
  /** True positives over actual positives; 0 when the class is absent. */
  recall: number;
  /** Harmonic mean of precision and recall, `2·tp / (2·tp + fp + fn)`; 0 when both are 0. */
  f1: number;
  /** The number of rows whose true class is this one. */
  support: number;
}

/** Label-based metrics of a classifier on one set of rows. */
export interface ClassificationReport {
  /** Share of rows predicted correctly. */
  accuracy: number;
  /** Scores per class, in class-index order. */
  perClass: ClassScores[];
  /** Unweighted means of precision, recall and F1 over all classes (scikit-learn's `average="macro"`). */
  macro: {
    /** Mean precision over the classes. */
    precision: number;
    /** Mean recall over the classes. */
    recall: number;
    /** Mean F1 score over the classes. */
    f1: number;
  };
  /** `[true][predicted]` counts; see {@link confusionMatrix}. */
  confusionMatrix: number[][];
}

/**
 * Computes accuracy, per-class and macro precision/recall/F1 and the confusion matrix, with the definitions of
 * scikit-learn's `classification_report` (classes that are never predicted get precision 0).
 *
 * Complexity O(n + k²).
 *
 * @param actual - True class indices in `[0, classCount)`.
 * @param predicted - Predicted class indices, aligned with `actual`.
 * @param classCount - The number of classes.
 * @returns A {@link ClassificationReport}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the inputs are empty, differ in length or hold indices out of range.
 * @example
 * ```ts
 * classificationReport([0, 1, 1, 0], [0, 1, 0, 0], 2).macro.f1; // 0.7333…
 * ```
 */
export function classificationReport(
  actual: readonly number[],
  predicted: readonly number[],
  classCount: number,
): ClassificationReport {
  const matrix = confusionMatrix(actual, predicted, classCount);
  const perClass: ClassScores[] = [];
  let correct = 0;
  for (let label = 0; label < classCount; label += 1) {
    const truePositives = matrix[label]?.[label] ?? 0;
    correct += truePositives;
    let predictedPositives = 0;
    let support = 0;
    for (let other = 0; other < classCount; other += 1) {
      predictedPositives += matrix[other]?.[label] ?? 0;
      support += matrix[label]?.[other] ?? 0;
    }
    const precision = predictedPositives === 0 ? 0 : truePositives / predictedPositives;
    const recall = support === 0 ? 0 : truePositives / support;
    const denominator = predictedPositives + support;
    const f1 = denominator === 0 ? 0 : (2 * truePositives) / denominator;
    perClass.push({ precision, recall, f1, support });
  }
  const mean = (pick: (scores: ClassScores) => number) =>
    perClass.reduce((sum, scores) => sum + pick(scores), 0) / classCount;
  return {
    accuracy: actual.length === 0 ? 0 : correct / actual.length,
    perClass,
    macro: {
      precision: mean((scores) => scores.precision),
      recall: mean((scores) => scores.recall),
      f1: mean((scores) => scores.f1),
    },
    confusionMatrix: matrix,
  };
}
