// Reference recommenders for the real-ratings benchmark, written from their papers' definitions and sharing no code
// with the RecommendationEngine under test: popularity, user kNN and item kNN (cosine over binary vectors) and EASE
// (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data", closed form B = I − P·diag(1/diag P) with
// P = (XᵀX + λI)⁻¹). All work on dense typed arrays over integer ids; every one excludes the user's training items.

/** Binary user × item training data with integer ids (in order of first appearance). */
export interface TrainingSet {
  readonly users: readonly string[];
  readonly items: readonly string[];
  readonly userIndex: ReadonlyMap<string, number>;
  readonly itemIndex: ReadonlyMap<string, number>;
  /** Each user's distinct items, ascending. */
  readonly userItems: readonly Int32Array[];
  /** Each item's distinct users, ascending. */
  readonly itemUsers: readonly Int32Array[];
}

/** Top-`k` item ids for a known user (unknown users get an empty list), training items excluded. */
export type Ranker = (user: string, k: number) => string[];

/**
 * Indexes training pairs.
 *
 * @param pairs - User-item pairs (repeats are ignored).
 * @returns The training set.
 */
export function trainingSet(pairs: readonly { readonly user: string; readonly item: string }[]): TrainingSet {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userLists: Set<number>[] = [];
  const itemLists: Set<number>[] = [];
  for (const { user, item } of pairs) {
    let userId = userIndex.get(user);
    if (userId === undefined) {
      userId = userIndex.size;
      userIndex.set(user, userId);
      userLists.push(new Set());
    }
    let itemId = itemIndex.get(item);
    if (itemId === undefined) {
      itemId = itemIndex.size;
      itemIndex.set(item, itemId);
      itemLists.push(new Set());
    }
    userLists[userId]?.add(itemId);
    itemLists[itemId]?.add(userId);
  }
  const sorted = (list: Set<number>): Int32Array => Int32Array.from(list).sort();
  return {
    users: [...userIndex.keys()],
    items: [...itemIndex.keys()],
    userIndex,
    itemIndex,
    userItems: userLists.map(sorted),
    itemUsers: itemLists.map(sorted),
  };
}

/**
 * The `k` highest scores' indices, best first; ties go to the lower index; indices in `exclude` are skipped.
 *
 * @param scores - One score per item.
 * @param exclude - Sorted indices to skip.
 * @param k - How many to return.
 * @returns Item indices.
 */
export function topIndices(scores: Float64Array, exclude: Int32Array, k: number): number[] {
  const chosen: number[] = [];
  let next = 0;
  for (let index = 0; index < scores.length; index += 1) {
    if (next < exclude.length && exclude[next] === index) {
      next += 1;
      continue;
    }
    const score = scores[index] as number;
    if (chosen.length === k && score <= (scores[chosen[k - 1] as number] as number)) continue;
    let position = chosen.length === k ? k - 1 : chosen.length;
    while (position > 0 && score > (scores[chosen[position - 1] as number] as number)) {
      chosen[position] = chosen[position - 1] as number;
      position -= 1;
    }
    chosen[position] = index;
  }
  return chosen;
}

function rankerFrom(set: TrainingSet, score: (userId: number, scores: Float64Array) => void): Ranker {
  return (user, k) => {
    const userId = set.userIndex.get(user);
    if (userId === undefined) return [];
    const scores = new Float64Array(set.items.length);
    score(userId, scores);
    return topIndices(scores, set.userItems[userId] as Int32Array, k).map((index) => set.items[index] as string);
  };
}

/**
 * Most-liked items first.
 *
 * @param set - The training data.
 * @returns The ranker.
 */
export function popularityRanker(set: TrainingSet): Ranker {
  const counts = Float64Array.from(set.itemUsers, (users) => users.length);
  return rankerFrom(set, (_userId, scores) => scores.set(counts));
}

/**
 * Dense item × item co-occurrence `XᵀX` (row-major; the diagonal holds each item's user count).
 *
 * @param set - The training data.
 * @returns The n × n matrix.
 */
export function cooccurrence(set: TrainingSet): Float64Array {
  const n = set.items.length;
  const gram = new Float64Array(n * n);
  for (const items of set.userItems) {
    for (const first of items) {
      const row = first * n;
      for (const second of items) gram[row + second] = (gram[row + second] as number) + 1;
    }
  }
  return gram;
}

/**
 * Item kNN (Sarwar et al. 2001 / Deshpande & Karypis 2004): `score(u, i) = Σ_{j ∈ I_u ∩ N_k(i)} cos(i, j)`, where
 * `N_k(i)` are the `neighbours` items most cosine-similar to `i`.
 *
 * @param set - The training data.
 * @param neighbours - Neighbourhood size (`Infinity` for all).
 * @returns The ranker.
 */
export function itemKnnRanker(set: TrainingSet, neighbours: number): Ranker {
  const n = set.items.length;
  const gram = cooccurrence(set);
  // byUsersItem[j·n + i] = cos(i, j) when j is one of i's neighbours: a user's score is then a sum of rows.
  const byUsersItem = new Float64Array(n * n);
  const similarities = new Float64Array(n);
  const none = new Int32Array(0);
  for (let target = 0; target < n; target += 1) {
    const targetCount = gram[target * n + target] as number;
    for (let other = 0; other < n; other += 1) {
      const dot = gram[target * n + other] as number;
      similarities[other] =
        other === target || dot === 0 ? 0 : dot / Math.sqrt(targetCount * (gram[other * n + other] as number));
    }
    const kept = Number.isFinite(neighbours) ? topIndices(similarities, none, neighbours) : undefined;
    if (kept === undefined) {
      for (let other = 0; other < n; other += 1) byUsersItem[other * n + target] = similarities[other] as number;
    } else {
      for (const other of kept) byUsersItem[other * n + target] = similarities[other] as number;
    }
  }
  return rankerFrom(set, (userId, scores) => {
    for (const item of set.userItems[userId] as Int32Array) {
      const row = item * n;
      for (let target = 0; target < n; target += 1)
        scores[target] = (scores[target] as number) + (byUsersItem[row + target] as number);
    }
  });
}

/**
 * User kNN (Herlocker et al. 1999, binary form): the `neighbours` users most cosine-similar to `u` vote for their
 * items with their similarity.
 *
 * @param set - The training data.
 * @param neighbours - Neighbourhood size.
 * @returns The ranker.
 */
export function userKnnRanker(set: TrainingSet, neighbours: number): Ranker {
  const userCount = set.users.length;
  return rankerFrom(set, (userId, scores) => {
    const overlap = new Float64Array(userCount);
    const own = set.userItems[userId] as Int32Array;
    for (const item of own)
      for (const other of set.itemUsers[item] as Int32Array) overlap[other] = (overlap[other] as number) + 1;
    overlap[userId] = 0;
    for (let other = 0; other < userCount; other += 1) {
      const shared = overlap[other] as number;
      if (shared > 0) overlap[other] = shared / Math.sqrt(own.length * (set.userItems[other] as Int32Array).length);
    }
    for (const other of topIndices(overlap, new Int32Array(0), neighbours)) {
      const similarity = overlap[other] as number;
      if (similarity <= 0) break;
      for (const item of set.userItems[other] as Int32Array) scores[item] = (scores[item] as number) + similarity;
    }
  });
}

/**
 * Inverts a symmetric positive definite matrix in place with the sweep operator (Goodnight 1979), which keeps the
 * matrix symmetric, so only the upper triangle is updated: n³/2 multiply-adds. No pivoting is needed: every pivot of
 * an SPD matrix (a Schur complement) is positive. The lower triangle of the input is not read.
 *
 * @param matrix - Row-major n × n; replaced by its inverse (both triangles).
 * @param n - The order.
 * @throws Error when a pivot is not positive (the matrix was not positive definite).
 */
export function invertSpdInPlace(matrix: Float64Array, n: number): void {
  const pivotRow = new Float64Array(n);
  for (let pivotIndex = 0; pivotIndex < n; pivotIndex += 1) {
    // Row `pivotIndex` of the symmetric matrix, read from the upper triangle.
    for (let column = 0; column < pivotIndex; column += 1) pivotRow[column] = matrix[column * n + pivotIndex] as number;
    for (let column = pivotIndex; column < n; column += 1) pivotRow[column] = matrix[pivotIndex * n + column] as number;
    const pivot = pivotRow[pivotIndex] as number;
    if (!(pivot > 0)) throw new Error(`pivot ${pivotIndex} is ${pivot}: the matrix is not positive definite`);
    for (let row = 0; row < n; row += 1) {
      if (row === pivotIndex) continue;
      const factor = (pivotRow[row] as number) / pivot;
      if (factor === 0) continue;
      const start = row * n;
      for (let column = row; column < n; column += 1) {
        matrix[start + column] = (matrix[start + column] as number) - factor * (pivotRow[column] as number);
      }
    }
    for (let column = 0; column < pivotIndex; column += 1)
      matrix[column * n + pivotIndex] = (pivotRow[column] as number) / pivot;
    for (let column = pivotIndex + 1; column < n; column += 1)
      matrix[pivotIndex * n + column] = (pivotRow[column] as number) / pivot;
    matrix[pivotIndex * n + pivotIndex] = -1 / pivot;
  }
  // Sweeping every pivot leaves −A⁻¹ in the upper triangle.
  for (let row = 0; row < n; row += 1) {
    for (let column = row; column < n; column += 1) {
      const value = -(matrix[row * n + column] as number);
      matrix[row * n + column] = value;
      matrix[column * n + row] = value;
    }
  }
}

/**
 * EASE's item-item weights `B = I − P·diag(1/diag P)`, `P = (XᵀX + λI)⁻¹`, as `B[i·n + j]` (row i, column j).
 *
 * @param set - The training data.
 * @param lambda - The L2 penalty λ (> 0).
 * @returns The n × n weights, zero on the diagonal.
 */
export function easeWeights(set: TrainingSet, lambda: number): Float64Array {
  const n = set.items.length;
  const matrix = cooccurrence(set);
  for (let index = 0; index < n; index += 1) matrix[index * n + index] = (matrix[index * n + index] as number) + lambda;
  invertSpdInPlace(matrix, n);
  const diagonal = Float64Array.from({ length: n }, (_, index) => matrix[index * n + index] as number);
  for (let row = 0; row < n; row += 1) {
    for (let column = 0; column < n; column += 1) {
      matrix[row * n + column] =
        row === column ? 0 : -(matrix[row * n + column] as number) / (diagonal[column] as number);
    }
  }
  return matrix;
}

/**
 * EASE: `score(u) = x_u · B`.
 *
 * @param set - The training data.
 * @param lambda - The L2 penalty λ (> 0).
 * @returns The ranker.
 */
export function easeRanker(set: TrainingSet, lambda: number): Ranker {
  const n = set.items.length;
  const weights = easeWeights(set, lambda);
  return rankerFrom(set, (userId, scores) => {
    for (const item of set.userItems[userId] as Int32Array) {
      const row = item * n;
      for (let target = 0; target < n; target += 1)
        scores[target] = (scores[target] as number) + (weights[row + target] as number);
    }
  });
}

/** NDCG@k and recall@k of one list. */
export interface TopKScores {
  readonly ndcg: number;
  readonly recall: number;
}

/**
 * Binary-relevance NDCG@k (`DCG = Σ rel_r / log2(r + 1)`, ideal DCG over `min(|relevant|, k)` hits) and recall@k
 * (hits / |relevant|).
 *
 * @param ranked - Item ids, best first (the first `k` are read).
 * @param relevant - The held-out items (at least one).
 * @param k - The cut-off.
 * @returns The two scores.
 */
export function topKScores(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): TopKScores {
  let dcg = 0;
  let hits = 0;
  for (let rank = 0; rank < Math.min(k, ranked.length); rank += 1) {
    if (!relevant.has(ranked[rank] as string)) continue;
    hits += 1;
    dcg += 1 / Math.log2(rank + 2);
  }
  let ideal = 0;
  for (let rank = 0; rank < Math.min(k, relevant.size); rank += 1) ideal += 1 / Math.log2(rank + 2);
  return { ndcg: dcg / ideal, recall: hits / relevant.size };
}
