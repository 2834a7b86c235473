import { createValidator } from "@pelbiot/core";

/** Top-k ranking quality of one recommendation list against the items the user really chose. */
export interface RankingMetrics {
  /** Hits in the top k divided by k. */
  readonly precision: number;
  /** Hits in the top k divided by the number of relevant items. */
  readonly recall: number;
  /** DCG / IDCG with binary gains and a log2(rank + 1) discount; 1 is a perfect ranking. */
  readonly ndcg: number;
  /** 1 when at least one relevant item is in the top k, else 0. */
  readonly hit: number;
}

/**
 * Scores one ranked list with the usual offline top-k metrics (binary relevance), as defined in fixtures/ml
 * REFERENCE.md §5: `DCG = Σ_{r=1..k} rel_r / log2(r + 1)` and `IDCG = Σ_{r=1..min(|relevant|, k)} 1 / log2(r + 1)`.
 * Average the per-user results over users that have at least one relevant item.
 *
 * @param ranked - Item ids, best first (only the first `k` are read).
 * @param relevant - The held-out items the user actually interacted with (at least one).
 * @param k - The cut-off. @default 10
 * @returns Precision, recall, NDCG and hit at `k`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `relevant` is empty or `k` is not a positive integer.
 * @example
 * ```ts
 * const { ndcg } = rankingMetrics(["a", "b", "c"], ["c"], 10); // 1 / log2(4) = 0.5
 * ```
 */
export function rankingMetrics(
  ranked: readonly string[],
  relevant: readonly string[] | ReadonlySet<string>,
  k = 10,
): RankingMetrics {
  const relevantSet = relevant instanceof Set ? relevant : new Set(relevant as readonly string[]);
  const check = createValidator("rankingMetrics");
  check.array("ranked", ranked);
  check.check(relevantSet.size > 0, "relevant", "must hold at least one item");
  check.number("k", k, { integer: true, min: 1 });
  check.done();
  let hits = 0;
  let dcg = 0;
  const depth = Math.min(k, ranked.length);
  for (let rank = 0; rank < depth; rank += 1) {
    if (relevantSet.has(ranked[rank] as string)) {
      hits += 1;
      dcg += 1 / Math.log2(rank + 2);
    }
  }
  let idcg = 0;
  for (let rank = 0; rank < Math.min(relevantSet.size, k); rank += 1) idcg += 1 / Math.log2(rank + 2);
  return { precision: hits / k, recall: hits / relevantSet.size, ndcg: dcg / idcg, hit: hits > 0 ? 1 : 0 };
}
