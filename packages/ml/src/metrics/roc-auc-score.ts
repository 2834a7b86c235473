/**
 * Area under the ROC curve of scores for a binary problem, via the Mann–Whitney statistic with average ranks for
 * ties (equal to scikit-learn's `roc_auc_score`).
 *
 * Complexity O(n log n).
 *
 * @param positive - Whether each row belongs to the positive class.
 * @param scores - A score per row; higher means more likely positive.
 * @returns The AUC in `[0, 1]`, or `null` when one of the two classes is absent (the AUC is undefined then).
 * @example
 * ```ts
 * rocAucScore([false, true, true], [0.1, 0.4, 0.8]); // 1
 * ```
 */
export function rocAucScore(positive: readonly boolean[], scores: readonly number[]): number | null {
  const order = scores
    .map((_, index) => index)
    .sort((left, right) => (scores[left] as number) - (scores[right] as number));
  let positiveCount = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    const score = scores[order[start] as number] as number;
    while (end + 1 < order.length && scores[order[end + 1] as number] === score) end += 1;
    // Tied scores share the mean of their 1-based ranks.
    const averageRank = (start + end) / 2 + 1;
    for (let position = start; position <= end; position += 1) {
      if (positive[order[position] as number]) {
        positiveCount += 1;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negativeCount = order.length - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return null;
  return (positiveRankSum - (positiveCount * (positiveCount + 1)) / 2) / (positiveCount * negativeCount);
}
