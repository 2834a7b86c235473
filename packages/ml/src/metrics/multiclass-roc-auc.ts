import { rocAucScore } from "./roc-auc-score";

/**
 * Macro one-vs-rest ROC AUC of class probabilities (scikit-learn's `roc_auc_score(multi_class="ovr")`); for two
 * classes, the plain AUC of the second class's probability.
 *
 * Complexity O(k · n log n).
 *
 * @param actual - True class indices.
 * @param probabilities - One probability row per entry of `actual`.
 * @param classCount - The number of classes.
 * @returns The AUC, or `null` when a class is absent from `actual`.
 * @example
 * ```ts
 * multiclassRocAuc([0, 1, 2], [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]], 3); // 1
 * ```
 */
export function multiclassRocAuc(
  actual: readonly number[],
  probabilities: readonly (readonly number[])[],
  classCount: number,
): number | null {
  if (classCount === 2) {
    return rocAucScore(
      actual.map((label) => label === 1),
      probabilities.map((row) => row[1] ?? 0),
    );
  }
  let total = 0;
  for (let label = 0; label < classCount; label += 1) {
    const auc = rocAucScore(
      actual.map((value) => value === label),
      probabilities.map((row) => row[label] ?? 0),
    );
    if (auc === null) return null;
    total += auc;
  }
  return total / classCount;
}
