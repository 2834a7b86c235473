import { createSimdWorkspace, type DenseWorkspace } from "../../internal/dense-kernels";
import { inverseWorkspaceSize, invertInWorkspace } from "./blocked-inverse";
import { createBoundedHeap } from "./bounded-heap";
import { invertPositiveDefinite } from "./cholesky";
import { compareIds, type InteractionMatrix } from "./interaction-matrix";
import type { SparseRow } from "./sparse-row";

/** How a user's interactions become the rows of EASE's `X`. */
export type EaseInput = "weighted" | "binary";

/**
 * A fitted EASE model (Steck 2019): the item-item weights `B = I − P·diag(1/diag(P))` with `P = (XᵀX + λI)⁻¹` and a
 * zero diagonal. A user's score for item `j` is `Σ_i x_ui · B[i][j]` over the user's items `i`.
 */
export interface EaseModel {
  readonly kind: "ease";
  /** Items `0 … size − 1` (the catalogue at training time) have weights; later items have none. */
  readonly size: number;
  /** `B`, row-major `size × size`. */
  readonly weights: Float64Array;
  /** The ridge strength λ that was added to the diagonal of `XᵀX`. */
  readonly lambda: number;
  /** Whether `X` holds the interaction strengths or 1 for every interacted item. */
  readonly input: EaseInput;
  /**
   * Set on a model fitted by {@link fitEaseInWorkspace}: `weights` is a view of the workspace's heap at
   * `weightsAt`, and {@link rankEase} sums a user's weight rows with the workspace's `axpy` into the heap at
   * `scoresAt` (SIMD; the same products and sums as the plain loop, bit for bit).
   */
  readonly kernel?: { readonly workspace: DenseWorkspace; readonly weightsAt: number; readonly scoresAt: number };
}

/** One ranked item of {@link rankEase}: the score and the user's item that contributed most to it. */
export interface EaseRanked {
  readonly item: number;
  readonly score: number;
  readonly basedOn: number | undefined;
}

/**
 * `XᵀX` over the first `size` items, from the users' sparse rows (Σ over users of the outer product of the row).
 *
 * @param userRows - The users' rows (item index → strength).
 * @param size - Items `0 … size − 1` are included; others are ignored.
 * @param input - Strengths or 1s.
 * @returns The Gram matrix, row-major.
 */
export function gramMatrix(userRows: readonly SparseRow[], size: number, input: EaseInput): Float64Array {
  const binary = input === "binary";
  // Each item's users (ascending) with the item's value in their row: then one row of XᵀX is summed at a time, which
  // keeps the row in cache, instead of scattering every user's pairs over the whole matrix. Each entry still adds its
  // terms user by user in ascending order, so the sums are the ones a user-by-user pass gives, bit for bit.
  const starts = new Int32Array(size + 1);
  for (const { columns } of userRows) {
    for (const item of columns) if (item < size) starts[item + 1] = (starts[item + 1] as number) + 1;
  }
  for (let item = 0; item < size; item += 1) starts[item + 1] = (starts[item + 1] as number) + (starts[item] as number);
  const next = starts.slice(0, size);
  const users = new Int32Array(starts[size] as number);
  const strengths = new Float64Array(starts[size] as number);
  userRows.forEach(({ columns, values }, user) => {
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      if (item >= size) continue;
      const at = next[item] as number;
      users[at] = user;
      strengths[at] = binary ? 1 : (values[position] as number);
      next[item] = at + 1;
    }
  });
  const gram = new Float64Array(size * size);
  for (let item = 0; item < size; item += 1) {
    const start = item * size;
    for (let entry = starts[item] as number; entry < (starts[item + 1] as number); entry += 1) {
      const value = strengths[entry] as number;
      const { columns, values } = userRows[users[entry] as number] as SparseRow;
      for (let b = 0; b < columns.length; b += 1) {
        const other = columns[b] as number;
        if (other >= size) continue;
        gram[start + other] = (gram[start + other] as number) + value * (binary ? 1 : (values[b] as number));
      }
    }
  }
  return gram;
}

/**
 * The mean diagonal entry of `XᵀX` over items with at least one interaction: the scale λ is expressed in, so one λ
 * factor means the same regularisation on data of any size or interaction weighting.
 *
 * @param gram - `XᵀX`, row-major.
 * @param size - Its size.
 * @returns The mean, or 1 when no item has interactions.
 */
export function meanDiagonal(gram: Float64Array, size: number): number {
  let sum = 0;
  let count = 0;
  for (let item = 0; item < size; item += 1) {
    const value = gram[item * size + item] as number;
    if (value > 0) {
      sum += value;
      count += 1;
    }
  }
  return count === 0 ? 1 : sum / count;
}

/**
 * Fits EASE's closed form for one λ (the Gram matrix is left untouched).
 *
 * @param gram - `XᵀX`, row-major `size × size`.
 * @param size - The number of items.
 * @param lambda - The ridge strength (positive).
 * @param input - How `X` was built (recorded on the model).
 * @returns The model.
 */
export function fitEase(gram: Float64Array, size: number, lambda: number, input: EaseInput): EaseModel {
  // WebAssembly SIMD where available; otherwise (or beyond its memory) the register-tiled JavaScript inverse, which is
  // faster than the blocked one over the workspace's JavaScript twins.
  const workspace = createSimdWorkspace(inverseWorkspaceSize(size));
  const matrix = workspace === null ? Float64Array.from(gram) : workspace.heap;
  if (workspace !== null) matrix.set(gram);
  for (let item = 0; item < size; item += 1)
    matrix[item * size + item] = (matrix[item * size + item] as number) + lambda;
  // XᵀX + λI with λ > 0 is positive definite; only rounding on a degenerate input could make a pivot non-positive.
  const inverted =
    workspace === null ? invertPositiveDefinite(matrix, size) !== undefined : invertInWorkspace(workspace, size);
  if (!inverted) throw new Error(`EASE: XᵀX + ${lambda}·I is not positive definite`);
  const weights = new Float64Array(size * size);
  writeWeights(matrix, weights, size);
  return { kind: "ease", size, weights, lambda, input };
}

/**
 * The heap size {@link fitEaseInWorkspace} needs for `size` items: the inverse's, and one row of scores.
 *
 * @param size - The number of items.
 * @returns Values (f64) of heap.
 */
export function easeWorkspaceSize(size: number): number {
  return inverseWorkspaceSize(size) + size;
}

/**
 * A WebAssembly SIMD workspace for {@link fitEaseInWorkspace}, or `null` where there is none (no SIMD, or a catalogue
 * beyond the 32-bit memory); one workspace serves every λ of a search.
 *
 * @param size - The number of items.
 * @returns The workspace, or `null`.
 */
export function createEaseWorkspace(size: number): DenseWorkspace | null {
  return createSimdWorkspace(easeWorkspaceSize(size));
}

/**
 * Fits EASE like {@link fitEase} (the same inverse, the same weights bit for bit) but leaves the weights in the
 * workspace, where {@link rankEase} scores users with its SIMD `axpy`: for validation, whose models are scored and
 * dropped. The model is valid until the workspace's next fit.
 *
 * @param workspace - From {@link createEaseWorkspace} for this `size` (reused across fits).
 * @param gram - `XᵀX`, row-major `size × size` (left untouched).
 * @param size - The number of items.
 * @param lambda - The ridge strength (positive).
 * @param input - How `X` was built.
 * @returns The model, its weights in the workspace.
 */
export function fitEaseInWorkspace(
  workspace: DenseWorkspace,
  gram: Float64Array,
  size: number,
  lambda: number,
  input: EaseInput,
): EaseModel {
  const heap = workspace.heap;
  const weightsAt = size * size;
  const scoresAt = inverseWorkspaceSize(size);
  heap.set(gram);
  // The inverse needs zeros past the matrix; a previous fit left its weights there.
  heap.fill(0, weightsAt);
  for (let item = 0; item < size; item += 1) heap[item * size + item] = (heap[item * size + item] as number) + lambda;
  if (!invertInWorkspace(workspace, size)) throw new Error(`EASE: XᵀX + ${lambda}·I is not positive definite`);
  const weights = heap.subarray(weightsAt, weightsAt + size * size);
  writeWeights(heap, weights, size);
  return { kind: "ease", size, weights, lambda, input, kernel: { workspace, weightsAt, scoresAt } };
}

/** `B = I − P·diag(1/diag(P))` with a zero diagonal, from `P` (row-major) into `weights` (which must not overlap it). */
function writeWeights(inverse: Float64Array, weights: Float64Array, size: number): void {
  const diagonal = new Float64Array(size);
  for (let item = 0; item < size; item += 1) diagonal[item] = inverse[item * size + item] as number;
  for (let row = 0; row < size; row += 1) {
    const start = row * size;
    for (let column = 0; column < size; column += 1) {
      weights[start + column] = -(inverse[start + column] as number) / (diagonal[column] as number);
    }
    weights[start + row] = 0;
  }
}

/**
 * Ranks the items of the model by `x_u·B` for one user: the best `limit` items with a positive score that are not
 * blocked, ties in natural id order.
 *
 * @param model - The fitted model.
 * @param matrix - The engine's state (item ids).
 * @param userRow - The user's current row; items newer than the model are skipped.
 * @param limit - How many items to return.
 * @param isBlocked - Items never to return (the user's own, excluded, unavailable, expired).
 * @param scratch - Scratch of at least `model.size` entries (overwritten; unused for a model in a workspace).
 * @param explain - Whether to find each item's `basedOn` (validation needs only the ranking).
 * @returns The ranked items, best first.
 */
export function rankEase(
  model: EaseModel,
  matrix: InteractionMatrix,
  userRow: SparseRow,
  limit: number,
  isBlocked: (item: number) => boolean,
  scratch: Float64Array,
  explain = true,
): EaseRanked[] {
  const { size, weights, kernel } = model;
  const binary = model.input === "binary";
  const { columns, values } = userRow;
  const scores =
    kernel === undefined ? scratch : kernel.workspace.heap.subarray(kernel.scoresAt, kernel.scoresAt + size);
  if (kernel !== undefined) {
    // The same sums as the loop below (each score adds value × weight item by item, unfused), in SIMD.
    const { workspace, weightsAt, scoresAt } = kernel;
    scores.fill(0);
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      if (item >= size) continue;
      workspace.axpy(scoresAt, binary ? 1 : (values[position] as number), weightsAt + item * size, size);
    }
  } else {
    scores.fill(0, 0, size);
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      if (item >= size) continue;
      const value = binary ? 1 : (values[position] as number);
      const start = item * size;
      for (let target = 0; target < size; target += 1) {
        scores[target] = (scores[target] as number) + value * (weights[start + target] as number);
      }
    }
  }
  const itemIds = matrix.itemIds;
  const heap = createBoundedHeap<number>(limit, (a, b) => {
    const difference = (scores[a] as number) - (scores[b] as number);
    return difference > 0 || (difference === 0 && compareIds(itemIds[a] as string, itemIds[b] as string) < 0);
  });
  let threshold = 0;
  for (let item = 0; item < size; item += 1) {
    const score = scores[item] as number;
    if (score <= 0 || score < threshold || isBlocked(item)) continue;
    heap.offer(item);
    if (heap.size === limit) threshold = scores[heap.worst() as number] as number;
  }
  return heap.drain().map((item) => ({
    item,
    score: scores[item] as number,
    basedOn: explain ? strongestSource(model, matrix, userRow, item) : undefined,
  }));
}

/** The user's item `i` with the largest contribution `x_ui · B[i][target]` (ties in natural id order). */
function strongestSource(
  model: EaseModel,
  matrix: InteractionMatrix,
  userRow: SparseRow,
  target: number,
): number | undefined {
  const binary = model.input === "binary";
  let best: number | undefined;
  let bestValue = 0;
  const { columns, values } = userRow;
  for (let position = 0; position < columns.length; position += 1) {
    const item = columns[position] as number;
    if (item >= model.size || item === target) continue;
    const value = (binary ? 1 : (values[position] as number)) * (model.weights[item * model.size + target] as number);
    if (value > bestValue || (value === bestValue && best !== undefined && matrix.compareItems(item, best) < 0)) {
      best = item;
      bestValue = value;
    }
  }
  return best;
}
