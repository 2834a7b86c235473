import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UniformSource } from "../../src/clustering/create-numpy-random-state";
import { type KMeansSeeding, kMeansPlusPlus } from "../../src/clustering/k-means-plus-plus";
import { lloydKMeans } from "../../src/clustering/lloyd-k-means";
import { squaredDistance, squaredDistanceBelow } from "../../src/clustering/squared-distance";
import { createRandom } from "../../src/random/create-random";

// Textbook versions without any pruning, built on the same distance kernel: the accelerated code must agree with them
// bit for bit, ties included.

function textbookLloyd(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  initial: Float64Array,
  clusterCount: number,
  maxIterations: number,
  tolerance: number,
) {
  let centroids = Float64Array.from(initial);
  const labels = new Int32Array(rowCount).fill(-1);
  const distances = new Float64Array(rowCount);
  const assign = () => {
    let inertia = 0;
    let changed = false;
    for (let row = 0; row < rowCount; row += 1) {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (let cluster = 0; cluster < clusterCount; cluster += 1) {
        const distance = squaredDistance(data, row * dimension, centroids, cluster * dimension, dimension);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = cluster;
        }
      }
      if (labels[row] !== best) changed = true;
      labels[row] = best;
      distances[row] = bestDistance;
      inertia += bestDistance;
    }
    return { inertia, changed };
  };
  let iterations = 0;
  let inertia = 0;
  let strict = false;
  while (iterations < maxIterations) {
    const pass = assign();
    inertia = pass.inertia;
    iterations += 1;
    if (!pass.changed) {
      strict = true;
      break;
    }
    const sizes = new Int32Array(clusterCount);
    for (const label of labels) sizes[label] = (sizes[label] as number) + 1;
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      if (sizes[cluster] !== 0) continue;
      let farthest = -1;
      for (let row = 0; row < rowCount; row += 1) {
        if (
          (sizes[labels[row] as number] as number) > 1 &&
          (farthest < 0 || (distances[row] as number) > (distances[farthest] as number))
        ) {
          farthest = row;
        }
      }
      if (farthest < 0) continue;
      sizes[labels[farthest] as number] = (sizes[labels[farthest] as number] as number) - 1;
      labels[farthest] = cluster;
      distances[farthest] = 0;
      sizes[cluster] = 1;
    }
    const next = new Float64Array(clusterCount * dimension);
    for (let row = 0; row < rowCount; row += 1) {
      for (let axis = 0; axis < dimension; axis += 1) {
        const index = (labels[row] as number) * dimension + axis;
        next[index] = (next[index] as number) + (data[row * dimension + axis] as number);
      }
    }
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      if (sizes[cluster] === 0) continue;
      for (let axis = 0; axis < dimension; axis += 1) {
        next[cluster * dimension + axis] = (next[cluster * dimension + axis] as number) / (sizes[cluster] as number);
      }
    }
    let shift = 0;
    for (let cluster = 0; cluster < clusterCount; cluster += 1) {
      shift += squaredDistance(next, cluster * dimension, centroids, cluster * dimension, dimension);
    }
    centroids = next;
    if (shift <= tolerance) break;
  }
  if (!strict) inertia = assign().inertia;
  return { labels, centroids, inertia, iterations };
}

function textbookPlusPlus(
  data: Float64Array,
  rowCount: number,
  dimension: number,
  clusterCount: number,
  random: UniformSource,
): Float64Array {
  const centroids = new Float64Array(clusterCount * dimension);
  const trials = 2 + Math.floor(Math.log(clusterCount));
  const first = random.integer(rowCount);
  centroids.set(data.subarray(first * dimension, (first + 1) * dimension), 0);
  let closest: Float64Array = Float64Array.from({ length: rowCount }, (_, row) =>
    squaredDistance(data, row * dimension, data, first * dimension, dimension),
  );
  for (let cluster = 1; cluster < clusterCount; cluster += 1) {
    const cumulative = new Float64Array(rowCount);
    let running = 0;
    for (let row = 0; row < rowCount; row += 1) {
      running += closest[row] as number;
      cumulative[row] = running;
    }
    let best: { row: number; potential: number; distances: Float64Array } | undefined;
    for (let trial = 0; trial < trials; trial += 1) {
      const target = random.next() * running;
      let candidate = cumulative.findIndex((value) => value >= target);
      if (candidate < 0) candidate = rowCount - 1;
      const distances = closest.map((current, row) =>
        Math.min(current, squaredDistance(data, row * dimension, data, candidate * dimension, dimension)),
      );
      const potential = distances.reduce((sum, value) => sum + value, 0);
      if (best === undefined || potential < best.potential) best = { row: candidate, potential, distances };
    }
    const chosen = best as { row: number; distances: Float64Array };
    centroids.set(data.subarray(chosen.row * dimension, (chosen.row + 1) * dimension), cluster * dimension);
    closest = chosen.distances;
  }
  return centroids;
}

/** Points on a small integer grid (many exact ties and duplicate rows), as a flat array. */
const gridData = fc
  .record({
    rowCount: fc.integer({ min: 6, max: 60 }),
    dimension: fc.integer({ min: 1, max: 7 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    clusterCount: fc.integer({ min: 1, max: 6 }),
    spread: fc.constantFrom(2, 5, 100),
  })
  .map(({ rowCount, dimension, seed, clusterCount, spread }) => {
    const random = createRandom(seed);
    const data = Float64Array.from({ length: rowCount * dimension }, () => random.integer(spread));
    return { rowCount, dimension, seed, clusterCount: Math.min(clusterCount, rowCount), data };
  });

describe("squaredDistance / squaredDistanceBelow", () => {
  it("agree exactly up to the limit and stop above it with a value still above the limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 70 }),
        fc.double({ min: 0, max: 1e7, noNaN: true }),
        (values, limit) => {
          const half = values.length >> 1;
          const left = Float64Array.from(values.slice(0, Math.max(half, 1)));
          const right = Float64Array.from(values.slice(half, half + left.length));
          if (right.length < left.length) return;
          const exact = squaredDistance(left, 0, right, 0, left.length);
          const bounded = squaredDistanceBelow(left, 0, right, 0, left.length, limit);
          if (exact <= limit) expect(bounded).toBe(exact);
          else expect(bounded).toBeGreaterThan(limit);
          expect(bounded).toBeLessThanOrEqual(exact);
        },
      ),
    );
  });
});

describe("lloydKMeans with Hamerly bounds and blocked products", () => {
  it("gives exactly the textbook Lloyd labels, centres, inertia and iteration count, ties included", () => {
    fc.assert(
      fc.property(gridData, fc.constantFrom(0, 1e-3, 0.5), ({ rowCount, dimension, seed, clusterCount, data }, tol) => {
        const random = createRandom(seed + 1);
        const initial = new Float64Array(clusterCount * dimension);
        for (let cluster = 0; cluster < clusterCount; cluster += 1) {
          const row = random.integer(rowCount);
          initial.set(data.subarray(row * dimension, (row + 1) * dimension), cluster * dimension);
        }
        const fast = lloydKMeans(data, rowCount, dimension, initial, clusterCount, 100, tol);
        const plain = textbookLloyd(data, rowCount, dimension, initial, clusterCount, 100, tol);
        expect(Array.from(fast.labels)).toEqual(Array.from(plain.labels));
        expect(Array.from(fast.centroids)).toEqual(Array.from(plain.centroids));
        expect(fast.inertia).toBe(plain.inertia);
        expect(fast.iterations).toBe(plain.iterations);
        expect(fast.inertiaHistory[plain.iterations - 1]).toBeDefined();
      }),
      { numRuns: 150 },
    );
  });

  it("takes the first pass from the k-means++ seeding with the same outcome as recomputing it", () => {
    fc.assert(
      fc.property(gridData, ({ rowCount, dimension, seed, clusterCount, data }) => {
        const seeding: KMeansSeeding = {
          labels: new Int32Array(rowCount),
          distances: new Float64Array(rowCount),
        };
        const initial = kMeansPlusPlus(data, rowCount, dimension, clusterCount, createRandom(seed), seeding);
        const seeded = lloydKMeans(data, rowCount, dimension, initial, clusterCount, 100, 0, true, seeding);
        const fresh = lloydKMeans(data, rowCount, dimension, initial, clusterCount, 100, 0, true);
        expect(Array.from(seeded.labels)).toEqual(Array.from(fresh.labels));
        expect(Array.from(seeded.centroids)).toEqual(Array.from(fresh.centroids));
        expect(seeded.inertiaHistory).toEqual(fresh.inertiaHistory);
        expect(seeded.iterations).toBe(fresh.iterations);
        // Without the per-pass history the result is the same too.
        const quiet = lloydKMeans(data, rowCount, dimension, initial, clusterCount, 100, 0, false, seeding);
        expect(Array.from(quiet.labels)).toEqual(Array.from(fresh.labels));
        expect(quiet.inertia).toBe(fresh.inertia);
      }),
      { numRuns: 150 },
    );
  });
});

describe("kMeansPlusPlus with blocked products", () => {
  it("chooses exactly the centres of the plain greedy seeding from the same random stream", () => {
    fc.assert(
      fc.property(gridData, ({ rowCount, dimension, seed, clusterCount, data }) => {
        const fast = kMeansPlusPlus(data, rowCount, dimension, clusterCount, createRandom(seed));
        const plain = textbookPlusPlus(data, rowCount, dimension, clusterCount, createRandom(seed));
        expect(Array.from(fast)).toEqual(Array.from(plain));
      }),
      { numRuns: 150 },
    );
  });
});
