import { DENSE_KERNELS_WASM } from "./dense-kernels-wasm";
import { lazyWasmModule } from "./wasm-module";

/**
 * A fixed-size `Float64Array` heap holding row-major matrices, and dense products over regions of it. Regions are
 * addressed by element index and strides count elements, so the same calling code drives the WebAssembly SIMD
 * kernels (the heap is then the module's memory) and their JavaScript twins (a plain array).
 */
export interface DenseWorkspace {
  /** The heap. It never grows, so views of it stay valid for the workspace's life. */
  readonly heap: Float64Array;
  /** `true` when the products run as WebAssembly SIMD, `false` for the JavaScript twins. */
  readonly simd: boolean;
  /**
   * `out[i·outStride + j] = Σ_f a[i·aStride + f] · b[j·bStride + f]` for `i < aRows`, `j < bRows`, `f < depth`: the
   * product A·Bᵀ, e.g. every row's scores against every weight row, or dot products between points and centres.
   */
  dotRows(
    a: number,
    aStride: number,
    aRows: number,
    b: number,
    bStride: number,
    bRows: number,
    depth: number,
    out: number,
    outStride: number,
  ): void;
  /**
   * `g[k·gStride + f] = Σ_i r[i·rStride + k] · x[i·xStride + f]` for `k < outputs`, `f < depth`, `i < rows`: the
   * product Rᵀ·X (e.g. residuals back onto the features), overwriting those entries of g.
   */
  transposeProduct(
    r: number,
    rStride: number,
    rows: number,
    outputs: number,
    x: number,
    xStride: number,
    depth: number,
    g: number,
    gStride: number,
  ): void;
  /**
   * `out[l·depth + f] += x[i·depth + f]` for every row `i < rows` whose label `l = labels[i]` (stored as a number)
   * is at least 0: rows added into their cluster's sum, each entry in row order (bit-for-bit the plain loop).
   */
  accumulateRows(x: number, rows: number, depth: number, labels: number, out: number): void;
  /** `Σ_f heap[a + f] · heap[b + f]` for `f < length`: a vector dot product. */
  dot(a: number, b: number, length: number): number;
  /** `heap[y + f] += alpha · heap[x + f]` for `f < length`. */
  axpy(y: number, alpha: number, x: number, length: number): void;
  /**
   * The softmax link of `rows` rows of `outputs` scores at `s` (stride `outputs`), in place: for row i with class
   * `t = targets[i]` (stored as a number) and weight `w = weights[i]`, `z = s + bias` (`bias[k]` at
   * `bias + k·biasStride`), then `s = w·(softmax(z) − [k = t])`. Writes `aux[2i] = Σ_k e^(z_k − max z)` and
   * `aux[2i + 1] = max z − z_t`, so the row's loss is `w·(log aux[2i] + aux[2i + 1])`, and `sums[k] = Σ_i s[i, k]`.
   */
  softmaxRows(
    s: number,
    rows: number,
    outputs: number,
    bias: number,
    biasStride: number,
    targets: number,
    weights: number,
    aux: number,
    sums: number,
  ): void;
  /**
   * One greedy k-means++ step's candidates against every point. For trial `t < trials` with candidate row
   * `c = candidates[t]` (stored as a number) and row `i < rows`: `d = norms[i] + norms[c] − 2·products[i·trials + t]`,
   * or the summed squared differences of points i and c (rows of `dimension` values at `points`, four running sums
   * as the clustering's `squaredDistance`) where `d` is below `1e-2·(norms[i] + norms[c])`; then
   * `kept[t·rows + i] = min(d, closest[i])` and `potentials[t] = Σ_i kept[t·rows + i]` in row order. Both paths
   * compute the same bits.
   */
  seedingCandidates(
    products: number,
    trials: number,
    rows: number,
    points: number,
    dimension: number,
    norms: number,
    candidates: number,
    closest: number,
    kept: number,
    potentials: number,
  ): void;
  /**
   * The silhouette's distance sums of the rows `start ≤ row < start + rows` against every later row `< count`:
   * `products[(row − start)·(count − start) + other − start]` holds the dot product of the two points; the distance
   * is `√(norms[row] + norms[other] − 2·product)`, or √ of the summed squared differences (one running sum) of the
   * points (rows of `dimension` values at `points`) where that difference is below `1e-2·(norms[row] + norms[other])`.
   * With `l = labels[·]` (stored as numbers) and `K = clusterCount`: `sums[other·K + l_row] += distance`, and the
   * distances of consecutive partners in one cluster are added up first, then into `sums[row·K + l_other]`. Both
   * paths compute the same bits.
   */
  silhouettePairs(
    products: number,
    start: number,
    rows: number,
    count: number,
    points: number,
    dimension: number,
    norms: number,
    labels: number,
    sums: number,
    clusterCount: number,
  ): void;
  /**
   * `out[j·depth + f] = x[r·depth + f]` with `r = indices[j]` (stored as a number) for `j < count`, `f < depth`:
   * rows gathered into one block (a copy).
   */
  gatherRows(x: number, depth: number, indices: number, count: number, out: number): void;
  /**
   * For each of `rows` rows of `clusterCount` products at `products`: `v_c = centreNorms[c] − 2·products[i·K + c]`;
   * writes `out[3i]` = the lowest c with the smallest `v_c`, `out[3i + 1]` = that smallest value and `out[3i + 2]` =
   * the second smallest (`+∞` for one centre). Both paths compute the same bits.
   */
  rankCentres(products: number, rows: number, clusterCount: number, centreNorms: number, out: number): void;
}

interface KernelExports {
  memory: WebAssembly.Memory;
  accumulateRows: DenseWorkspace["accumulateRows"];
  dot: DenseWorkspace["dot"];
  axpy: DenseWorkspace["axpy"];
  dotRows: DenseWorkspace["dotRows"];
  transposeProduct: DenseWorkspace["transposeProduct"];
  softmaxRows: DenseWorkspace["softmaxRows"];
  seedingCandidates: DenseWorkspace["seedingCandidates"];
  silhouettePairs: DenseWorkspace["silhouettePairs"];
  gatherRows: DenseWorkspace["gatherRows"];
  rankCentres: DenseWorkspace["rankCentres"];
}

const PAGE_BYTES = 65_536;

/** The kernel module, compiled on first use; `null` where WebAssembly SIMD is unavailable. */
const kernelModule = lazyWasmModule(DENSE_KERNELS_WASM);

function wasmWorkspace(size: number): DenseWorkspace | null {
  const module = kernelModule();
  if (module === null) return null;
  try {
    // One instance and memory per workspace: it is garbage once the caller drops the workspace, so nothing
    // outlives a fit and concurrent workspaces never share memory.
    const exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
    exports.memory.grow(Math.ceil((size * 8) / PAGE_BYTES));
    return {
      heap: new Float64Array(exports.memory.buffer, 0, size),
      simd: true,
      accumulateRows: (x, rows, depth, labels, out) => exports.accumulateRows(x * 8, rows, depth, labels * 8, out * 8),
      dot: (a, b, length) => exports.dot(a * 8, b * 8, length),
      axpy: (y, alpha, x, length) => exports.axpy(y * 8, alpha, x * 8, length),
      dotRows: (a, aStride, aRows, b, bStride, bRows, depth, out, outStride) =>
        exports.dotRows(a * 8, aStride, aRows, b * 8, bStride, bRows, depth, out * 8, outStride),
      transposeProduct: (r, rStride, rows, outputs, x, xStride, depth, g, gStride) =>
        exports.transposeProduct(r * 8, rStride, rows, outputs, x * 8, xStride, depth, g * 8, gStride),
      softmaxRows: (scores, rows, outputs, bias, biasStride, targets, weights, aux, sums) =>
        exports.softmaxRows(
          scores * 8,
          rows,
          outputs,
          bias * 8,
          biasStride,
          targets * 8,
          weights * 8,
          aux * 8,
          sums * 8,
        ),
      seedingCandidates: (products, trials, rows, points, dimension, norms, candidates, closest, kept, potentials) =>
        exports.seedingCandidates(
          products * 8,
          trials,
          rows,
          points * 8,
          dimension,
          norms * 8,
          candidates * 8,
          closest * 8,
          kept * 8,
          potentials * 8,
        ),
      silhouettePairs: (products, start, rows, count, points, dimension, norms, labels, sums, clusterCount) =>
        exports.silhouettePairs(
          products * 8,
          start,
          rows,
          count,
          points * 8,
          dimension,
          norms * 8,
          labels * 8,
          sums * 8,
          clusterCount,
        ),
      gatherRows: (x, depth, indices, count, out) => exports.gatherRows(x * 8, depth, indices * 8, count, out * 8),
      rankCentres: (products, rows, clusterCount, centreNorms, out) =>
        exports.rankCentres(products * 8, rows, clusterCount, centreNorms * 8, out * 8),
    };
  } catch {
    // Memory refused (too large for a 32-bit address space or this host): the JavaScript twins have no such cap.
    return null;
  }
}

/**
 * Creates a WebAssembly SIMD workspace of `size` f64 values, zero-filled, or returns `null` where that is unavailable
 * (no WebAssembly, no SIMD, a CSP that refuses compilation, or more than the 32-bit memory can hold), so that a caller
 * with a faster plain-JavaScript route than the twins takes it without allocating the heap twice.
 *
 * @param size - Values the caller lays its matrices out in.
 * @returns The workspace, or `null`.
 */
export function createSimdWorkspace(size: number): DenseWorkspace | null {
  return size * 8 < 2 ** 31 ? wasmWorkspace(size) : null;
}

/**
 * Creates a workspace of `size` f64 values, zero-filled: WebAssembly SIMD where available, the JavaScript twins
 * otherwise (no WebAssembly, no SIMD, a CSP that refuses compilation, or more than the 32-bit memory can hold).
 *
 * @param size - Values the caller lays its matrices out in.
 * @param preferSimd - `false` forces the JavaScript twins (tests compare the two paths).
 * @returns The workspace.
 */
export function createDenseWorkspace(size: number, preferSimd = true): DenseWorkspace {
  if (preferSimd) {
    const workspace = createSimdWorkspace(size);
    if (workspace !== null) return workspace;
  }
  const heap = new Float64Array(size);
  return {
    heap,
    simd: false,
    accumulateRows: (x, rows, depth, labels, out) => {
      for (let row = 0; row < rows; row += 1) {
        const label = heap[labels + row] as number;
        if (label < 0) continue;
        const target = out + label * depth;
        const source = x + row * depth;
        for (let index = 0; index < depth; index += 1) {
          heap[target + index] = (heap[target + index] as number) + (heap[source + index] as number);
        }
      }
    },
    dot: (a, b, length) => vectorDotJs(heap, a, b, length),
    axpy: (y, alpha, x, length) => {
      for (let index = 0; index < length; index += 1) {
        heap[y + index] = (heap[y + index] as number) + alpha * (heap[x + index] as number);
      }
    },
    dotRows: (a, aStride, aRows, b, bStride, bRows, depth, out, outStride) =>
      dotRowsJs(heap, a, aStride, aRows, b, bStride, bRows, depth, out, outStride),
    transposeProduct: (r, rStride, rows, outputs, x, xStride, depth, g, gStride) =>
      transposeProductJs(heap, r, rStride, rows, outputs, x, xStride, depth, g, gStride),
    softmaxRows: (scores, rows, outputs, bias, biasStride, targets, weights, aux, sums) =>
      softmaxRowsJs(heap, scores, rows, outputs, bias, biasStride, targets, weights, aux, sums),
    seedingCandidates: (products, trials, rows, points, dimension, norms, candidates, closest, kept, potentials) =>
      seedingCandidatesJs(
        heap,
        products,
        trials,
        rows,
        points,
        dimension,
        norms,
        candidates,
        closest,
        kept,
        potentials,
      ),
    silhouettePairs: (products, start, rows, count, points, dimension, norms, labels, sums, clusterCount) =>
      silhouettePairsJs(heap, products, start, rows, count, points, dimension, norms, labels, sums, clusterCount),
    gatherRows: (x, depth, indices, count, out) => {
      for (let index = 0; index < count; index += 1) {
        const source = x + (heap[indices + index] as number) * depth;
        heap.copyWithin(out + index * depth, source, source + depth);
      }
    },
    rankCentres: (products, rows, clusterCount, centreNorms, out) =>
      rankCentresJs(heap, products, rows, clusterCount, centreNorms, out),
  };
}

/** The JavaScript twin of the kernel `rankCentres`. */
function rankCentresJs(
  heap: Float64Array,
  products: number,
  rows: number,
  clusterCount: number,
  centreNorms: number,
  out: number,
): void {
  for (let row = 0; row < rows; row += 1) {
    const at = products + row * clusterCount;
    let best = 0;
    let bestValue = Number.POSITIVE_INFINITY;
    let second = Number.POSITIVE_INFINITY;
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      const value = (heap[centreNorms + cluster] as number) - 2 * (heap[at + cluster] as number);
      if (value < bestValue) {
        second = bestValue;
        bestValue = value;
        best = cluster;
      } else if (value < second) {
        second = value;
      }
    }
    heap[out + 3 * row] = best;
    heap[out + 3 * row + 1] = bestValue;
    heap[out + 3 * row + 2] = second;
  }
}

/** Σ (a − b)² over `length` values as four running sums (index mod 4), added as (s0 + s1) + (s2 + s3). */
function squaredDistance4(heap: Float64Array, a: number, b: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  const unrolled = length - (length % 4);
  let index = 0;
  for (; index < unrolled; index += 4) {
    const difference0 = (heap[a + index] as number) - (heap[b + index] as number);
    const difference1 = (heap[a + index + 1] as number) - (heap[b + index + 1] as number);
    const difference2 = (heap[a + index + 2] as number) - (heap[b + index + 2] as number);
    const difference3 = (heap[a + index + 3] as number) - (heap[b + index + 3] as number);
    sum0 += difference0 * difference0;
    sum1 += difference1 * difference1;
    sum2 += difference2 * difference2;
    sum3 += difference3 * difference3;
  }
  for (; index < length; index += 1) {
    const difference = (heap[a + index] as number) - (heap[b + index] as number);
    sum0 += difference * difference;
  }
  return sum0 + sum1 + (sum2 + sum3);
}

/** Σ (a − b)² over `length` values, one running sum in order. */
function squaredDifference(heap: Float64Array, a: number, b: number, length: number): number {
  let total = 0;
  for (let index = 0; index < length; index += 1) {
    const difference = (heap[a + index] as number) - (heap[b + index] as number);
    total += difference * difference;
  }
  return total;
}

/** The JavaScript twin of the kernel `seedingCandidates`. */
function seedingCandidatesJs(
  heap: Float64Array,
  products: number,
  trials: number,
  rows: number,
  points: number,
  dimension: number,
  norms: number,
  candidates: number,
  closest: number,
  kept: number,
  potentials: number,
): void {
  // One candidate at a time over all points: each loop touches one output region, which V8 keeps fast.
  for (let trial = 0; trial < trials; trial += 1) {
    const candidate = heap[candidates + trial] as number;
    const candidateNorm = heap[norms + candidate] as number;
    const out = kept + trial * rows;
    let potential = 0;
    for (let row = 0; row < rows; row += 1) {
      const both = (heap[norms + row] as number) + candidateNorm;
      let squared = both - 2 * (heap[products + row * trials + trial] as number);
      if (squared < 1e-2 * both) {
        squared = squaredDistance4(heap, points + row * dimension, points + candidate * dimension, dimension);
      }
      const smaller = Math.min(squared, heap[closest + row] as number);
      heap[out + row] = smaller;
      potential += smaller;
    }
    heap[potentials + trial] = potential;
  }
}

/** The JavaScript twin of the kernel `silhouettePairs`. */
function silhouettePairsJs(
  heap: Float64Array,
  products: number,
  start: number,
  rows: number,
  count: number,
  points: number,
  dimension: number,
  norms: number,
  labels: number,
  sums: number,
  clusterCount: number,
): void {
  const width = count - start;
  for (let offset = 0; offset < rows; offset += 1) {
    const row = start + offset;
    const norm = heap[norms + row] as number;
    const own = heap[labels + row] as number;
    const base = products + offset * width - start;
    let rowSum = 0;
    let rowCluster = -1;
    for (let other = row + 1; other < count; other += 1) {
      const both = norm + (heap[norms + other] as number);
      let squared = both - 2 * (heap[base + other] as number);
      if (squared < 1e-2 * both) {
        squared = squaredDifference(heap, points + row * dimension, points + other * dimension, dimension);
      }
      const distance = Math.sqrt(squared);
      const cluster = heap[labels + other] as number;
      // Runs of partners in one cluster (sorted or clustered data) add up locally before touching the sums.
      if (cluster !== rowCluster) {
        if (rowCluster >= 0) {
          const at = sums + row * clusterCount + rowCluster;
          heap[at] = (heap[at] as number) + rowSum;
        }
        rowCluster = cluster;
        rowSum = 0;
      }
      rowSum += distance;
      const at = sums + other * clusterCount + own;
      heap[at] = (heap[at] as number) + distance;
    }
    if (rowCluster >= 0) {
      const at = sums + row * clusterCount + rowCluster;
      heap[at] = (heap[at] as number) + rowSum;
    }
  }
}

/** The JavaScript twin of the kernel `softmaxRows` (with `Math.exp`). */
function softmaxRowsJs(
  heap: Float64Array,
  scores: number,
  rows: number,
  outputs: number,
  bias: number,
  biasStride: number,
  targets: number,
  weights: number,
  aux: number,
  sums: number,
): void {
  heap.fill(0, sums, sums + outputs);
  for (let row = 0; row < rows; row += 1) {
    const at = scores + row * outputs;
    let largest = Number.NEGATIVE_INFINITY;
    for (let output = 0; output < outputs; output += 1) {
      const value = (heap[at + output] as number) + (heap[bias + output * biasStride] as number);
      heap[at + output] = value;
      if (value > largest) largest = value;
    }
    const target = heap[targets + row] as number;
    const weight = heap[weights + row] as number;
    heap[aux + 2 * row + 1] = largest - (heap[at + target] as number);
    let total = 0;
    for (let output = 0; output < outputs; output += 1) {
      const exponent = Math.exp((heap[at + output] as number) - largest);
      heap[at + output] = exponent;
      total += exponent;
    }
    heap[aux + 2 * row] = total;
    const scale = weight / total;
    for (let output = 0; output < outputs; output += 1) {
      const residual = scale * (heap[at + output] as number) - (output === target ? weight : 0);
      heap[at + output] = residual;
      heap[sums + output] = (heap[sums + output] as number) + residual;
    }
  }
}

/** The JavaScript twin of the kernel `dot`: four independent sums. */
function vectorDotJs(heap: Float64Array, a: number, b: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let index = 0;
  for (; index + 4 <= length; index += 4) {
    sum0 += (heap[a + index] as number) * (heap[b + index] as number);
    sum1 += (heap[a + index + 1] as number) * (heap[b + index + 1] as number);
    sum2 += (heap[a + index + 2] as number) * (heap[b + index + 2] as number);
    sum3 += (heap[a + index + 3] as number) * (heap[b + index + 3] as number);
  }
  for (; index < length; index += 1) sum0 += (heap[a + index] as number) * (heap[b + index] as number);
  return sum0 + sum1 + (sum2 + sum3);
}

function dot(heap: Float64Array, a: number, b: number, depth: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let feature = 0;
  for (; feature + 1 < depth; feature += 2) {
    sum0 += (heap[a + feature] as number) * (heap[b + feature] as number);
    sum1 += (heap[a + feature + 1] as number) * (heap[b + feature + 1] as number);
  }
  let total = sum0 + sum1;
  if (feature < depth) total += (heap[a + feature] as number) * (heap[b + feature] as number);
  return total;
}

/** The JavaScript twin of the kernel `dotRows`: four rows of A against two rows of B at a time. */
function dotRowsJs(
  heap: Float64Array,
  a: number,
  aStride: number,
  aRows: number,
  b: number,
  bStride: number,
  bRows: number,
  depth: number,
  out: number,
  outStride: number,
): void {
  let row = 0;
  for (; row + 4 <= aRows; row += 4) {
    const a0 = a + row * aStride;
    const a1 = a0 + aStride;
    const a2 = a1 + aStride;
    const a3 = a2 + aStride;
    const o0 = out + row * outStride;
    const o1 = o0 + outStride;
    const o2 = o1 + outStride;
    const o3 = o2 + outStride;
    let column = 0;
    for (; column + 2 <= bRows; column += 2) {
      const b0 = b + column * bStride;
      const b1 = b0 + bStride;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let feature = 0; feature < depth; feature += 1) {
        const w0 = heap[b0 + feature] as number;
        const w1 = heap[b1 + feature] as number;
        let value = heap[a0 + feature] as number;
        s00 += value * w0;
        s01 += value * w1;
        value = heap[a1 + feature] as number;
        s10 += value * w0;
        s11 += value * w1;
        value = heap[a2 + feature] as number;
        s20 += value * w0;
        s21 += value * w1;
        value = heap[a3 + feature] as number;
        s30 += value * w0;
        s31 += value * w1;
      }
      heap[o0 + column] = s00;
      heap[o0 + column + 1] = s01;
      heap[o1 + column] = s10;
      heap[o1 + column + 1] = s11;
      heap[o2 + column] = s20;
      heap[o2 + column + 1] = s21;
      heap[o3 + column] = s30;
      heap[o3 + column + 1] = s31;
    }
    if (column < bRows) {
      const b0 = b + column * bStride;
      heap[o0 + column] = dot(heap, a0, b0, depth);
      heap[o1 + column] = dot(heap, a1, b0, depth);
      heap[o2 + column] = dot(heap, a2, b0, depth);
      heap[o3 + column] = dot(heap, a3, b0, depth);
    }
  }
  for (; row < aRows; row += 1) {
    for (let column = 0; column < bRows; column += 1) {
      heap[out + row * outStride + column] = dot(heap, a + row * aStride, b + column * bStride, depth);
    }
  }
}

/** The JavaScript twin of the kernel `transposeProduct`: four rows and two outputs at a time. */
function transposeProductJs(
  heap: Float64Array,
  r: number,
  rStride: number,
  rows: number,
  outputs: number,
  x: number,
  xStride: number,
  depth: number,
  g: number,
  gStride: number,
): void {
  for (let output = 0; output < outputs; output += 1) heap.fill(0, g + output * gStride, g + output * gStride + depth);
  let row = 0;
  for (; row + 4 <= rows; row += 4) {
    const x0 = x + row * xStride;
    const x1 = x0 + xStride;
    const x2 = x1 + xStride;
    const x3 = x2 + xStride;
    const r0 = r + row * rStride;
    const r1 = r0 + rStride;
    const r2 = r1 + rStride;
    const r3 = r2 + rStride;
    let output = 0;
    for (; output + 2 <= outputs; output += 2) {
      const g0 = g + output * gStride;
      const g1 = g0 + gStride;
      const p00 = heap[r0 + output] as number;
      const p01 = heap[r0 + output + 1] as number;
      const p10 = heap[r1 + output] as number;
      const p11 = heap[r1 + output + 1] as number;
      const p20 = heap[r2 + output] as number;
      const p21 = heap[r2 + output + 1] as number;
      const p30 = heap[r3 + output] as number;
      const p31 = heap[r3 + output + 1] as number;
      for (let feature = 0; feature < depth; feature += 1) {
        const v0 = heap[x0 + feature] as number;
        const v1 = heap[x1 + feature] as number;
        const v2 = heap[x2 + feature] as number;
        const v3 = heap[x3 + feature] as number;
        heap[g0 + feature] = (heap[g0 + feature] as number) + (p00 * v0 + p10 * v1 + (p20 * v2 + p30 * v3));
        heap[g1 + feature] = (heap[g1 + feature] as number) + (p01 * v0 + p11 * v1 + (p21 * v2 + p31 * v3));
      }
    }
    if (output < outputs) {
      const g0 = g + output * gStride;
      const p0 = heap[r0 + output] as number;
      const p1 = heap[r1 + output] as number;
      const p2 = heap[r2 + output] as number;
      const p3 = heap[r3 + output] as number;
      for (let feature = 0; feature < depth; feature += 1) {
        heap[g0 + feature] =
          (heap[g0 + feature] as number) +
          (p0 * (heap[x0 + feature] as number) +
            p1 * (heap[x1 + feature] as number) +
            (p2 * (heap[x2 + feature] as number) + p3 * (heap[x3 + feature] as number)));
      }
    }
  }
  for (; row < rows; row += 1) {
    const x0 = x + row * xStride;
    const r0 = r + row * rStride;
    for (let output = 0; output < outputs; output += 1) {
      const g0 = g + output * gStride;
      const p0 = heap[r0 + output] as number;
      for (let feature = 0; feature < depth; feature += 1) {
        heap[g0 + feature] = (heap[g0 + feature] as number) + p0 * (heap[x0 + feature] as number);
      }
    }
  }
}
