import type { DenseWorkspace } from "../../internal/dense-kernels";

/**
 * Rows per block of {@link invertInWorkspace}: large enough that nearly all multiply-adds run in the workspace's
 * `dotRows` product (the remaining scalar work inside each diagonal block is items² × block / 2), small enough that
 * a block of rows stays in cache while the product streams the others past it.
 */
export const INVERSE_BLOCK = 16;

/**
 * The heap size {@link invertInWorkspace} needs: the matrix, `Wᵀ` beside it, and one block × block scratch.
 *
 * @param size - The number of rows (and columns).
 * @param block - Rows per block.
 * @returns Values (f64) of heap.
 */
export function inverseWorkspaceSize(size: number, block = INVERSE_BLOCK): number {
  return 2 * size * size + block * block;
}

/**
 * Inverts the symmetric positive-definite `size × size` matrix at the start of the workspace's heap (row-major, only
 * its lower triangle is read) in place, by the same three steps as `invertPositiveDefinite` (Cholesky factor
 * `A = L·Lᵀ`, `W = L⁻¹` kept as `Wᵀ`, `A⁻¹ = Wᵀ·W`), each blocked so that its bulk (items³/6 multiply-adds of the
 * items³/2) is one `dotRows` product per pair of blocks: WebAssembly SIMD when the workspace has it. Only the few
 * terms inside a diagonal block are summed one by one.
 *
 * @param workspace - Holds the matrix at heap offset 0; offsets `size²` to {@link inverseWorkspaceSize} are
 *   scratch and must hold zeros (as a fresh workspace does): `Wᵀ` is written there over its upper triangle only.
 * @param size - The number of rows (and columns).
 * @param block - Rows per block (tests use small blocks to reach every edge with small matrices).
 * @returns `true` with the inverse (exactly symmetric) at heap offset 0, `false` when a pivot is not positive (the
 *   matrix is not positive definite; the heap is then left partly factored).
 */
export function invertInWorkspace(workspace: DenseWorkspace, size: number, block = INVERSE_BLOCK): boolean {
  if (!choleskyBlocked(workspace, size, block)) return false;
  lowerInverseBlocked(workspace, size, block);
  upperGramBlocked(workspace, size, block);
  return true;
}

/**
 * `L` over the lower triangle, one block of rows after another; each row block meets the column blocks left of and
 * on its diagonal: `S = Σ_{k < j0} L[i][k]·L[j][k]` as one product, then, column by column, the terms `j0 ≤ k < j`
 * and the division by the pivot (`L[i][j] = (A[i][j] − Σ_{k<j} L[i][k]·L[j][k]) / L[j][j]`).
 */
function choleskyBlocked(workspace: DenseWorkspace, size: number, block: number): boolean {
  const heap = workspace.heap;
  const scratch = 2 * size * size;
  for (let i0 = 0; i0 < size; i0 += block) {
    const i1 = Math.min(i0 + block, size);
    for (let j0 = 0; j0 <= i0; j0 += block) {
      const j1 = Math.min(j0 + block, size);
      const hasSums = j0 > 0;
      // Columns k < j0 of rows i0 … i1 − 1 are final: earlier column blocks of this row block, or earlier row blocks.
      if (hasSums) workspace.dotRows(i0 * size, size, i1 - i0, j0 * size, size, j1 - j0, j0, scratch, block);
      for (let i = i0; i < i1; i += 1) {
        const iRow = i * size;
        const sums = scratch + (i - i0) * block - j0;
        const end = Math.min(j1, i + 1);
        for (let j = j0; j < end; j += 1) {
          const jRow = j * size;
          let sum = hasSums ? (heap[sums + j] as number) : 0;
          for (let k = j0; k < j; k += 1) sum += (heap[iRow + k] as number) * (heap[jRow + k] as number);
          const value = (heap[iRow + j] as number) - sum;
          if (j < i) {
            heap[iRow + j] = value / (heap[jRow + j] as number);
          } else {
            if (!(value > 0)) return false;
            heap[iRow + j] = Math.sqrt(value);
          }
        }
      }
    }
  }
  return true;
}

/**
 * `U = Wᵀ` for `W = L⁻¹` at heap offset `size²` (row `j` of `U` is column `j` of `W`, zero left of its diagonal):
 * `U[j][i] = −(Σ_{j ≤ k < i} L[i][k]·U[j][k]) / L[i][i]`, one block of columns after another, the terms of earlier
 * row blocks as one product and those inside the row block one by one.
 */
function lowerInverseBlocked(workspace: DenseWorkspace, size: number, block: number): void {
  const heap = workspace.heap;
  const upper = size * size;
  const scratch = 2 * upper;
  // The products below sum over whole rows of U, so its entries left of the diagonal must be zeros (they are: the
  // caller passes that region zero-filled, and nothing writes there).
  for (let j0 = 0; j0 < size; j0 += block) {
    const j1 = Math.min(j0 + block, size);
    for (let i0 = j0; i0 < size; i0 += block) {
      const i1 = Math.min(i0 + block, size);
      const hasSums = i0 > j0;
      if (hasSums) {
        workspace.dotRows(
          i0 * size + j0,
          size,
          i1 - i0,
          upper + j0 * size + j0,
          size,
          j1 - j0,
          i0 - j0,
          scratch,
          block,
        );
      }
      for (let i = i0; i < i1; i += 1) {
        const iRow = i * size;
        const pivot = heap[iRow + i] as number;
        const sums = scratch + (i - i0) * block - j0;
        const end = Math.min(j1, i + 1);
        for (let j = j0; j < end; j += 1) {
          const uRow = upper + j * size;
          if (j === i) {
            heap[uRow + i] = 1 / pivot;
            continue;
          }
          let sum = hasSums ? (heap[sums + j] as number) : 0;
          for (let k = Math.max(j, i0); k < i; k += 1) sum += (heap[iRow + k] as number) * (heap[uRow + k] as number);
          heap[uRow + i] = -sum / pivot;
        }
      }
    }
  }
}

/**
 * `A⁻¹ = Wᵀ·W = U·Uᵀ` into heap offset 0: `P[a][b] = Σ_{k ≥ b} U[a][k]·U[b][k]` for the blocks on and right of the
 * diagonal (U's rows in block b are zero before b0, so the sums start there), then the upper triangle is copied onto
 * the lower one so that the result is exactly symmetric.
 */
function upperGramBlocked(workspace: DenseWorkspace, size: number, block: number): void {
  const heap = workspace.heap;
  const upper = size * size;
  for (let a0 = 0; a0 < size; a0 += block) {
    const rows = Math.min(a0 + block, size) - a0;
    for (let b0 = a0; b0 < size; b0 += block) {
      const columns = Math.min(b0 + block, size) - b0;
      const depth = size - b0;
      workspace.dotRows(
        upper + a0 * size + b0,
        size,
        rows,
        upper + b0 * size + b0,
        size,
        columns,
        depth,
        a0 * size + b0,
        size,
      );
    }
  }
  // Mirror tile by tile, so that both the rows read and the rows written stay in cache.
  for (let a0 = 0; a0 < size; a0 += block) {
    const a1 = Math.min(a0 + block, size);
    for (let b0 = a0; b0 < size; b0 += block) {
      const b1 = Math.min(b0 + block, size);
      for (let a = a0; a < a1; a += 1) {
        for (let b = Math.max(b0, a + 1); b < b1; b += 1) heap[b * size + a] = heap[a * size + b] as number;
      }
    }
  }
}
