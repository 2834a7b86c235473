import { createValidator } from "@pelbiot/core";
import { createDenseWorkspace } from "../internal/dense-kernels";

/**
 * Mean silhouette coefficient of a clustering with Euclidean distances (scikit-learn's `silhouette_score`): for each
 * point, `(b − a) / max(a, b)` where `a` is its mean distance to the rest of its cluster and `b` the smallest mean
 * distance to another cluster; points alone in their cluster score 0.
 *
 * Complexity O(n² · d) time, O(n · k) memory.
 *
 * @param points - The points, one row of equal length each.
 * @param labels - Cluster indices in `[0, k)`, aligned with `points`.
 * @returns The score in `[-1, 1]`, or `null` when it is undefined (fewer than 2 or more than n − 1 distinct clusters).
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the inputs differ in length or rows are ragged.
 * @example
 * ```ts
 * silhouetteScore([[0], [0.1], [5], [5.1]], [0, 0, 1, 1]); // ≈ 0.98
 * ```
 */
export function silhouetteScore(
  points: readonly (readonly number[] | Float64Array)[],
  labels: readonly number[],
): number | null {
  const count = points.length;
  const dimension = points[0]?.length ?? 0;
  const check = createValidator("silhouetteScore");
  check.check(labels.length === count, "labels", `must have ${count} entries like points`);
  for (let row = 0; row < count; row += 1) {
    if (points[row]?.length !== dimension) {
      check.fail(`points.${row}`, `must have ${dimension} coordinates like points.0`);
      break;
    }
  }
  check.done();
  let clusterCount = 0;
  for (const label of labels) clusterCount = Math.max(clusterCount, label + 1);
  const sizes = new Array<number>(clusterCount).fill(0);
  for (const label of labels) sizes[label] = (sizes[label] as number) + 1;
  const distinct = sizes.filter((size) => size > 0).length;
  if (distinct < 2 || distinct > count - 1) return null;
  // Row sums of distances to every cluster; the matrix is symmetric, so each pair is computed once.
  const sums = clusterDistanceSums(points, labels, dimension, clusterCount);
  let total = 0;
  for (let row = 0; row < count; row += 1) {
    const own = labels[row] as number;
    const ownSize = sizes[own] as number;
    if (ownSize <= 1) continue;
    const within = (sums[row * clusterCount + own] as number) / (ownSize - 1);
    let nearest = Number.POSITIVE_INFINITY;
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      const size = sizes[cluster] as number;
      if (cluster === own || size === 0) continue;
      nearest = Math.min(nearest, (sums[row * clusterCount + cluster] as number) / size);
    }
    const spread = Math.max(within, nearest);
    total += spread === 0 ? 0 : (nearest - within) / spread;
  }
  return total / count;
}

/** Rows of the matrix whose dot products with all later rows are computed in one kernel call. */
const BLOCK_ROWS = 64;

/**
 * For every point and cluster, the sum of the distances from the point to the cluster's points. Distances come from
 * the dot products as √(‖x‖² + ‖y‖² − 2x·y), computed block by block with the dense kernels (as scikit-learn's
 * `euclidean_distances`). Where that difference cancels (‖x − y‖² below 1e-2 of ‖x‖² + ‖y‖², e.g. near-duplicate
 * points) the squared differences are summed instead, so a squared distance's relative error stays below about
 * 100 · d · 2⁻⁵³ (1.4e-12 in 64 dimensions) instead of growing without bound as the points get closer. The per-pair
 * loop over each block runs as the kernel `silhouettePairs` (same bits as its JavaScript twin).
 */
function clusterDistanceSums(
  points: readonly (readonly number[] | Float64Array)[],
  labels: readonly number[],
  dimension: number,
  clusterCount: number,
): Float64Array {
  const count = points.length;
  const blockRows = Math.min(BLOCK_ROWS, count);
  // The points, then one block's products, the norms, the labels and the sums.
  const products = count * dimension;
  const normsAt = products + blockRows * count;
  const labelsAt = normsAt + count;
  const sumsAt = labelsAt + count;
  const workspace = createDenseWorkspace(sumsAt + count * clusterCount);
  const { heap } = workspace;
  for (let row = 0; row < count; row += 1) heap.set(points[row] as ArrayLike<number>, row * dimension);
  for (let row = 0; row < count; row += 1) {
    heap[normsAt + row] = workspace.dot(row * dimension, row * dimension, dimension);
    heap[labelsAt + row] = labels[row] as number;
  }
  for (let start = 0; start < count; start += blockRows) {
    const rows = Math.min(blockRows, count - start);
    const width = count - start;
    workspace.dotRows(
      start * dimension,
      dimension,
      rows,
      start * dimension,
      dimension,
      width,
      dimension,
      products,
      width,
    );
    workspace.silhouettePairs(products, start, rows, count, 0, dimension, normsAt, labelsAt, sumsAt, clusterCount);
  }
  return heap.slice(sumsAt, sumsAt + count * clusterCount);
}
