import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDenseWorkspace, type DenseWorkspace } from "../../src/internal/dense-kernels";
import { createRandom } from "../../src/random/create-random";

// The clustering kernels replace JavaScript loops whose results k-means and the silhouette must keep to the bit, so
// the WebAssembly kernel and its JavaScript twin are compared value for value (Object.is), and both against the
// textbook distances.

interface Points {
  rows: number;
  dimension: number;
  values: number[];
}

/** Random points; some rows are near-copies of earlier ones, so the cancelling products take the exact path. */
function randomPoints(rows: number, dimension: number, seed: number, scale: number): Points {
  const random = createRandom(seed);
  const values: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    const copyOf = row > 0 && random.next() < 0.3 ? random.integer(row) : -1;
    for (let axis = 0; axis < dimension; axis += 1) {
      values.push(
        copyOf >= 0
          ? (values[copyOf * dimension + axis] as number) * (1 + 1e-9 * random.normal())
          : scale * (random.normal() + 3 * random.next()),
      );
    }
  }
  return { rows, dimension, values };
}

function exactSquared(points: Points, left: number, right: number): number {
  let total = 0;
  for (let axis = 0; axis < points.dimension; axis += 1) {
    const difference =
      (points.values[left * points.dimension + axis] as number) -
      (points.values[right * points.dimension + axis] as number);
    total += difference * difference;
  }
  return total;
}

function norm(points: Points, row: number): number {
  let total = 0;
  for (let axis = 0; axis < points.dimension; axis += 1)
    total += (points.values[row * points.dimension + axis] as number) ** 2;
  return total;
}

function expectSameBits(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  const differing = actual.findIndex((value, index) => !Object.is(value, expected[index]));
  expect(differing).toBe(-1);
}

const cases = fc.record({
  rows: fc.integer({ min: 1, max: 40 }),
  dimension: fc.integer({ min: 1, max: 13 }),
  scale: fc.constantFrom(1e-3, 1, 1e3),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

describe("dense kernels for k-means and the silhouette", () => {
  it("seedingCandidates: both paths give the same bits, the nearest distances and their sums per candidate", () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 1, max: 5 }), ({ rows, dimension, scale, seed }, trials) => {
        const points = randomPoints(rows, dimension, seed, scale);
        const random = createRandom(seed + 1);
        const candidates = Array.from({ length: trials }, () => random.integer(rows));
        const closest = Array.from({ length: rows }, () =>
          random.next() < 0.5 ? Number.POSITIVE_INFINITY : random.next() * scale * scale * dimension,
        );
        // Layout: points, candidate rows (trials × d), products (rows × trials), norms, candidates, closest, kept
        // (trials × rows), potentials.
        const candidatesAt = rows * dimension;
        const productsAt = candidatesAt + trials * dimension;
        const normsAt = productsAt + rows * trials;
        const rowsAt = normsAt + rows;
        const closestAt = rowsAt + trials;
        const keptAt = closestAt + rows;
        const potentialsAt = keptAt + trials * rows;
        // The inputs (norms and products included) are computed once, so both paths see the same values.
        const inputs = createDenseWorkspace(potentialsAt + trials, false);
        {
          const { heap } = inputs;
          heap.set(points.values, 0);
          for (const [trial, candidate] of candidates.entries()) {
            heap.set(
              points.values.slice(candidate * dimension, (candidate + 1) * dimension),
              candidatesAt + trial * dimension,
            );
            heap[rowsAt + trial] = candidate;
          }
          for (let row = 0; row < rows; row += 1)
            heap[normsAt + row] = inputs.dot(row * dimension, row * dimension, dimension);
          heap.set(closest, closestAt);
          inputs.dotRows(0, dimension, rows, candidatesAt, dimension, trials, dimension, productsAt, trials);
        }
        const run = (workspace: DenseWorkspace) => {
          const { heap } = workspace;
          heap.set(inputs.heap);
          workspace.seedingCandidates(
            productsAt,
            trials,
            rows,
            0,
            dimension,
            normsAt,
            rowsAt,
            closestAt,
            keptAt,
            potentialsAt,
          );
          return Array.from(heap.subarray(keptAt, potentialsAt + trials));
        };
        const wasm = run(createDenseWorkspace(potentialsAt + trials));
        const js = run(createDenseWorkspace(potentialsAt + trials, false));
        expectSameBits(wasm, js);
        for (const [trial, candidate] of candidates.entries()) {
          let potential = 0;
          for (let row = 0; row < rows; row += 1) {
            const kept = wasm[trial * rows + row] as number;
            const exact = exactSquared(points, row, candidate);
            // Round-off of ‖x‖² + ‖c‖² − 2x·c, or of the squared differences where that cancels.
            const expected = Math.min(exact, closest[row] as number);
            expect(Math.abs(kept - expected)).toBeLessThanOrEqual(
              1e-12 * (norm(points, row) + norm(points, candidate)),
            );
            expect(kept).toBeLessThanOrEqual(closest[row] as number);
            potential += kept;
          }
          expect(wasm[trials * rows + trial]).toBe(potential);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("silhouettePairs: both paths give the same bits and the summed distances of every point to every cluster", () => {
    fc.assert(
      fc.property(
        cases,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 16 }),
        ({ rows, dimension, scale, seed }, clusterCount, blockRows) => {
          const points = randomPoints(rows, dimension, seed, scale);
          const random = createRandom(seed + 2);
          const labels = Array.from({ length: rows }, () => random.integer(clusterCount));
          const productsAt = rows * dimension;
          const normsAt = productsAt + blockRows * rows;
          const labelsAt = normsAt + rows;
          const sumsAt = labelsAt + rows;
          const size = sumsAt + rows * clusterCount;
          // Norms and each block's products are computed on one path, so both kernels see the same values.
          const inputs = createDenseWorkspace(size, false);
          inputs.heap.set(points.values, 0);
          for (let row = 0; row < rows; row += 1) {
            inputs.heap[normsAt + row] = inputs.dot(row * dimension, row * dimension, dimension);
            inputs.heap[labelsAt + row] = labels[row] as number;
          }
          const run = (workspace: DenseWorkspace) => {
            const { heap } = workspace;
            heap.set(inputs.heap.subarray(0, productsAt));
            heap.set(inputs.heap.subarray(normsAt, sumsAt), normsAt);
            for (let start = 0; start < rows; start += blockRows) {
              const count = Math.min(blockRows, rows - start);
              const width = rows - start;
              inputs.dotRows(
                start * dimension,
                dimension,
                count,
                start * dimension,
                dimension,
                width,
                dimension,
                productsAt,
                width,
              );
              heap.set(inputs.heap.subarray(productsAt, productsAt + count * width), productsAt);
              workspace.silhouettePairs(
                productsAt,
                start,
                count,
                rows,
                0,
                dimension,
                normsAt,
                labelsAt,
                sumsAt,
                clusterCount,
              );
            }
            return Array.from(heap.subarray(sumsAt, sumsAt + rows * clusterCount));
          };
          const wasm = run(createDenseWorkspace(size));
          const js = run(createDenseWorkspace(size, false));
          expectSameBits(wasm, js);
          for (let row = 0; row < rows; row += 1) {
            for (let cluster = 0; cluster < clusterCount; cluster += 1) {
              let expected = 0;
              for (let other = 0; other < rows; other += 1) {
                if (other === row || labels[other] !== cluster) continue;
                expected += Math.sqrt(exactSquared(points, row, other));
              }
              const actual = wasm[row * clusterCount + cluster] as number;
              // Where the products are used, ‖x − y‖² ≥ 1e-2 · (‖x‖² + ‖y‖²), so a distance keeps a relative error
              // of about 1e-14; elsewhere it is the summed squared differences themselves.
              expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * expected);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("gatherRows: both paths copy the indexed rows, in the given order, into one block", () => {
    fc.assert(
      fc.property(cases, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), ({ rows, dimension, seed }, picks) => {
        const points = randomPoints(rows, dimension, seed, 1);
        const indices = picks.map((pick) => pick % rows);
        const indicesAt = rows * dimension;
        const outAt = indicesAt + indices.length;
        for (const simd of [true, false]) {
          const workspace = createDenseWorkspace(outAt + indices.length * dimension + 1, simd);
          workspace.heap.set(points.values, 0);
          workspace.heap.set(indices, indicesAt);
          // A sentinel after the block: nothing is written past it.
          workspace.heap[outAt + indices.length * dimension] = -7;
          workspace.gatherRows(0, dimension, indicesAt, indices.length, outAt);
          const expected = indices.flatMap((row) => points.values.slice(row * dimension, (row + 1) * dimension));
          expectSameBits(Array.from(workspace.heap.subarray(outAt, outAt + indices.length * dimension)), expected);
          expect(workspace.heap[outAt + indices.length * dimension]).toBe(-7);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("rankCentres: both paths find the lowest index of the smallest value and the second smallest value", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (rows, clusterCount, seed) => {
          const random = createRandom(seed);
          // Few distinct values, so ties (lowest index wins) are common.
          const products = Array.from({ length: rows * clusterCount }, () => random.integer(4) - 1.5);
          const centreNorms = Array.from({ length: clusterCount }, () => random.integer(3));
          const normsAt = rows * clusterCount;
          const outAt = normsAt + clusterCount;
          const results = [true, false].map((simd) => {
            const workspace = createDenseWorkspace(outAt + 3 * rows, simd);
            workspace.heap.set(products, 0);
            workspace.heap.set(centreNorms, normsAt);
            workspace.rankCentres(0, rows, clusterCount, normsAt, outAt);
            return Array.from(workspace.heap.subarray(outAt, outAt + 3 * rows));
          });
          const [wasm, js] = results as [number[], number[]];
          expectSameBits(wasm, js);
          for (let row = 0; row < rows; row += 1) {
            const values = centreNorms.map(
              (norm, cluster) => norm - 2 * (products[row * clusterCount + cluster] as number),
            );
            const smallest = Math.min(...values);
            const best = values.indexOf(smallest);
            const others = values.filter((_, cluster) => cluster !== best);
            expect(wasm[3 * row]).toBe(best);
            expect(wasm[3 * row + 1]).toBe(smallest);
            expect(wasm[3 * row + 2]).toBe(others.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...others));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
