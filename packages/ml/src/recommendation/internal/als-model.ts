import { createRandom } from "../../random/create-random";
import { createBoundedHeap } from "./bounded-heap";
import { choleskyInPlace, dotOf } from "./cholesky";
import { compareIds, type InteractionMatrix } from "./interaction-matrix";
import type { SparseRow } from "./sparse-row";

/** How a user's interactions become ALS's observations: their strengths, or 1 for every interacted item. */
export type AlsInput = "weighted" | "binary";

/** The hyper-parameters of implicit ALS (Hu, Koren and Volinsky 2008). */
export interface AlsSettings {
  /** Latent factors per user and item. */
  readonly factors: number;
  /** Ridge strength on every factor vector. */
  readonly lambda: number;
  /** Confidence of an observation: `c = 1 + alpha · strength`. */
  readonly alpha: number;
  /** Alternating sweeps (users, then items). */
  readonly iterations: number;
  readonly input: AlsInput;
}

/**
 * A fitted implicit-ALS model. Only the item side is kept: a user's vector is solved exactly from their current
 * interactions when they ask ("folding in"), so interactions added after training count at once and new users need
 * no retraining.
 */
export interface AlsModel extends AlsSettings {
  readonly kind: "als";
  /** Items `0 … size − 1` (the catalogue at training time) have factors; later items have none. */
  readonly size: number;
  /** `Y`, row-major `size × factors`. */
  readonly itemFactors: Float64Array;
  /** `YᵀY`, row-major `factors × factors`, shared by every fold-in. */
  readonly itemGram: Float64Array;
}

/** One ranked item of {@link rankAls}: its score and the user's item most like it in the latent space. */
export interface AlsRanked {
  readonly item: number;
  readonly score: number;
  readonly basedOn: number | undefined;
}

/** Conjugate-gradient steps per vector and sweep, warm-started from the previous sweep (Takács et al. 2011). */
const CG_STEPS = 3;
const INIT_SCALE = 0.01;
const ALS_SEED = 2008;

/** A sparse view of one side in compressed rows: row `r` is `columns` / `values` from `offsets[r]` to `offsets[r + 1]`. */
interface Side {
  readonly offsets: Int32Array;
  readonly columns: Int32Array;
  /** The observations (strengths, or 1 for binary input). */
  readonly values: Float64Array;
}

/**
 * Fits implicit ALS with conjugate-gradient updates. Deterministic for the same rows and settings.
 *
 * @param userRows - The users' rows (item index → strength).
 * @param size - Items `0 … size − 1` are fitted; others are ignored.
 * @param settings - The hyper-parameters.
 * @returns The model (item factors and their Gram matrix).
 */
export function fitAls(userRows: readonly SparseRow[], size: number, settings: AlsSettings): AlsModel {
  const k = settings.factors;
  const users = userSide(userRows, size, settings.input);
  const items = transpose(users, size);
  const random = createRandom(ALS_SEED);
  const userFactors = new Float64Array(userRows.length * k);
  const itemFactors = new Float64Array(size * k);
  for (let index = 0; index < itemFactors.length; index += 1) itemFactors[index] = (random.next() - 0.5) * INIT_SCALE;
  const scratch = createScratch(k);
  for (let iteration = 0; iteration < settings.iterations; iteration += 1) {
    solveSide(userFactors, itemFactors, users, settings, scratch);
    solveSide(itemFactors, userFactors, items, settings, scratch);
  }
  return { kind: "als", ...settings, size, itemFactors, itemGram: gram(itemFactors, size, k) };
}

/**
 * Ranks the model's items for one user by `x_u · y_i`, where `x_u` is solved exactly from the user's current row:
 * the best `limit` items that are not blocked, ties in natural id order.
 *
 * @param model - The fitted model.
 * @param matrix - The engine's state (item ids).
 * @param userRow - The user's current row; items newer than the model are skipped.
 * @param limit - How many items to return.
 * @param isBlocked - Items never to return (the user's own, excluded, unavailable, expired).
 * @param scores - Scratch of at least `model.size` entries (overwritten).
 * @param explain - Whether to find each item's `basedOn` (validation needs only the ranking).
 * @returns The ranked items, best first.
 */
export function rankAls(
  model: AlsModel,
  matrix: InteractionMatrix,
  userRow: SparseRow,
  limit: number,
  isBlocked: (item: number) => boolean,
  scores: Float64Array,
  explain = true,
): AlsRanked[] {
  const { size, factors: k, itemFactors } = model;
  const user = foldIn(model, userRow);
  if (user === undefined) return [];
  for (let item = 0; item < size; item += 1) scores[item] = dotOf(itemFactors, item * k, user, 0, k);
  const itemIds = matrix.itemIds;
  const heap = createBoundedHeap<number>(limit, (a, b) => {
    const difference = (scores[a] as number) - (scores[b] as number);
    return difference > 0 || (difference === 0 && compareIds(itemIds[a] as string, itemIds[b] as string) < 0);
  });
  let threshold = Number.NEGATIVE_INFINITY;
  for (let item = 0; item < size; item += 1) {
    const score = scores[item] as number;
    if (score < threshold || isBlocked(item)) continue;
    heap.offer(item);
    if (heap.size === limit) threshold = scores[heap.worst() as number] as number;
  }
  return heap.drain().map((item) => ({
    item,
    score: scores[item] as number,
    basedOn: explain ? mostAlike(model, matrix, userRow, item) : undefined,
  }));
}

/**
 * The user's vector: the exact solution of `(YᵀY + Yᵀ(C − I)Y + λI) x = YᵀCp` over the user's items known to the
 * model; `undefined` when none is.
 */
export function foldIn(model: AlsModel, userRow: SparseRow): Float64Array | undefined {
  const { factors: k, itemFactors, itemGram, lambda, alpha } = model;
  const binary = model.input === "binary";
  const system = Float64Array.from(itemGram);
  const rhs = new Float64Array(k);
  let known = 0;
  const { columns, values } = userRow;
  for (let position = 0; position < columns.length; position += 1) {
    const item = columns[position] as number;
    if (item >= model.size) continue;
    known += 1;
    const confidence = 1 + alpha * (binary ? 1 : (values[position] as number));
    const start = item * k;
    for (let row = 0; row < k; row += 1) {
      const value = itemFactors[start + row] as number;
      rhs[row] = (rhs[row] as number) + confidence * value;
      const scaled = (confidence - 1) * value;
      for (let column = 0; column <= row; column += 1) {
        system[row * k + column] =
          (system[row * k + column] as number) + scaled * (itemFactors[start + column] as number);
      }
    }
  }
  if (known === 0) return undefined;
  for (let row = 0; row < k; row += 1) system[row * k + row] = (system[row * k + row] as number) + lambda;
  // YᵀY + λI is positive definite for λ > 0 and the added terms are positive semi-definite.
  if (!choleskyInPlace(system, k)) return undefined;
  return choleskySolve(system, k, rhs);
}

/** Solves `L·Lᵀ·x = b` with the factor in the lower triangle of `factor`; `b` is overwritten with `x`. */
function choleskySolve(factor: Float64Array, size: number, rhs: Float64Array): Float64Array {
  for (let row = 0; row < size; row += 1) {
    let sum = rhs[row] as number;
    for (let column = 0; column < row; column += 1)
      sum -= (factor[row * size + column] as number) * (rhs[column] as number);
    rhs[row] = sum / (factor[row * size + row] as number);
  }
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = rhs[row] as number;
    for (let below = row + 1; below < size; below += 1) {
      sum -= (factor[below * size + row] as number) * (rhs[below] as number);
    }
    rhs[row] = sum / (factor[row * size + row] as number);
  }
  return rhs;
}

/** The user's item whose factors are most like the target's (largest dot product), ties in natural id order. */
function mostAlike(model: AlsModel, matrix: InteractionMatrix, userRow: SparseRow, target: number): number | undefined {
  const { factors: k, itemFactors } = model;
  let best: number | undefined;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const item of userRow.columns) {
    if (item >= model.size || item === target) continue;
    const value = dotOf(itemFactors, item * k, itemFactors, target * k, k);
    if (value > bestValue || (value === bestValue && best !== undefined && matrix.compareItems(item, best) < 0)) {
      best = item;
      bestValue = value;
    }
  }
  return best;
}

function userSide(userRows: readonly SparseRow[], size: number, input: AlsInput): Side {
  const offsets = new Int32Array(userRows.length + 1);
  userRows.forEach((row, user) => {
    let count = 0;
    for (const item of row.columns) if (item < size) count += 1;
    offsets[user + 1] = (offsets[user] as number) + count;
  });
  const total = offsets[userRows.length] as number;
  const columns = new Int32Array(total);
  const values = new Float64Array(total);
  let position = 0;
  for (const row of userRows) {
    for (let index = 0; index < row.columns.length; index += 1) {
      const item = row.columns[index] as number;
      if (item >= size) continue;
      columns[position] = item;
      values[position] = input === "binary" ? 1 : (row.values[index] as number);
      position += 1;
    }
  }
  return { offsets, columns, values };
}

function transpose(side: Side, size: number): Side {
  const offsets = new Int32Array(size + 1);
  for (const item of side.columns) offsets[item + 1] = (offsets[item + 1] as number) + 1;
  for (let item = 0; item < size; item += 1)
    offsets[item + 1] = (offsets[item + 1] as number) + (offsets[item] as number);
  const next = offsets.slice(0, size);
  const columns = new Int32Array(side.columns.length);
  const values = new Float64Array(side.columns.length);
  for (let user = 0; user + 1 < side.offsets.length; user += 1) {
    for (let position = side.offsets[user] as number; position < (side.offsets[user + 1] as number); position += 1) {
      const item = side.columns[position] as number;
      const slot = next[item] as number;
      columns[slot] = user;
      values[slot] = side.values[position] as number;
      next[item] = slot + 1;
    }
  }
  return { offsets, columns, values };
}

interface Scratch {
  readonly residual: Float64Array;
  readonly direction: Float64Array;
  readonly product: Float64Array;
}

function createScratch(k: number): Scratch {
  return { residual: new Float64Array(k), direction: new Float64Array(k), product: new Float64Array(k) };
}

/**
 * One half-sweep: every row vector of `target` takes {@link CG_STEPS} conjugate-gradient steps towards the solution
 * of `(FᵀF + Fᵀ(C − I)F + λI) x = FᵀCp`, starting from its current value. Allocates only `FᵀF`.
 */
function solveSide(target: Float64Array, fixed: Float64Array, side: Side, settings: AlsSettings, scratch: Scratch) {
  const k = settings.factors;
  const { lambda, alpha } = settings;
  const fixedGram = gram(fixed, fixed.length / k, k);
  const { residual, direction, product } = scratch;
  const { offsets, columns, values } = side;
  for (let index = 0; index + 1 < offsets.length; index += 1) {
    const start = offsets[index] as number;
    const end = offsets[index + 1] as number;
    const offset = index * k;
    // residual = b − A·x with b = Σ c f, A·x computed by `applySystem` on a copy of x.
    for (let row = 0; row < k; row += 1) direction[row] = target[offset + row] as number;
    applySystem(fixedGram, fixed, columns, values, start, end, k, lambda, alpha, direction, product);
    for (let row = 0; row < k; row += 1) residual[row] = -(product[row] as number);
    for (let position = start; position < end; position += 1) {
      const base = (columns[position] as number) * k;
      const confidence = 1 + alpha * (values[position] as number);
      for (let row = 0; row < k; row += 1) {
        residual[row] = (residual[row] as number) + confidence * (fixed[base + row] as number);
      }
    }
    direction.set(residual);
    let squared = dotOf(residual, 0, residual, 0, k);
    for (let step = 0; step < CG_STEPS && squared > 1e-20; step += 1) {
      applySystem(fixedGram, fixed, columns, values, start, end, k, lambda, alpha, direction, product);
      const size = squared / dotOf(direction, 0, product, 0, k);
      for (let row = 0; row < k; row += 1) {
        target[offset + row] = (target[offset + row] as number) + size * (direction[row] as number);
        residual[row] = (residual[row] as number) - size * (product[row] as number);
      }
      const next = dotOf(residual, 0, residual, 0, k);
      const ratio = next / squared;
      for (let row = 0; row < k; row += 1)
        direction[row] = (residual[row] as number) + ratio * (direction[row] as number);
      squared = next;
    }
  }
}

/** `product = (FᵀF + λI)·direction + Σ_p α·value_p·(f_p·direction)·f_p` over the row's observations `p`. */
function applySystem(
  fixedGram: Float64Array,
  fixed: Float64Array,
  columns: Int32Array,
  values: Float64Array,
  start: number,
  end: number,
  k: number,
  lambda: number,
  alpha: number,
  direction: Float64Array,
  product: Float64Array,
): void {
  // Two rows of FᵀF at a time, so each loaded entry of `direction` feeds two multiply-adds.
  let row = 0;
  for (; row + 1 < k; row += 2) {
    const first = row * k;
    const second = first + k;
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    let sum3 = 0;
    let column = 0;
    for (; column + 1 < k; column += 2) {
      const value0 = direction[column] as number;
      const value1 = direction[column + 1] as number;
      sum0 += (fixedGram[first + column] as number) * value0;
      sum1 += (fixedGram[second + column] as number) * value0;
      sum2 += (fixedGram[first + column + 1] as number) * value1;
      sum3 += (fixedGram[second + column + 1] as number) * value1;
    }
    if (column < k) {
      const value = direction[column] as number;
      sum0 += (fixedGram[first + column] as number) * value;
      sum1 += (fixedGram[second + column] as number) * value;
    }
    product[row] = lambda * (direction[row] as number) + (sum0 + sum2);
    product[row + 1] = lambda * (direction[row + 1] as number) + (sum1 + sum3);
  }
  if (row < k) product[row] = lambda * (direction[row] as number) + dotOf(fixedGram, row * k, direction, 0, k);
  for (let position = start; position < end; position += 1) {
    const base = (columns[position] as number) * k;
    const weight = alpha * (values[position] as number) * dotOf(fixed, base, direction, 0, k);
    for (let row = 0; row < k; row += 1)
      product[row] = (product[row] as number) + weight * (fixed[base + row] as number);
  }
}

/** `FᵀF` of a row-major `rows × k` matrix, row-major `k × k`. */
function gram(factors: Float64Array, rows: number, k: number): Float64Array {
  const result = new Float64Array(k * k);
  for (let row = 0; row < rows; row += 1) {
    const start = row * k;
    for (let a = 0; a < k; a += 1) {
      const value = factors[start + a] as number;
      if (value === 0) continue;
      const resultStart = a * k;
      for (let b = 0; b < k; b += 1) {
        result[resultStart + b] = (result[resultStart + b] as number) + value * (factors[start + b] as number);
      }
    }
  }
  return result;
}
