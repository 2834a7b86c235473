import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { silhouetteScore } from "../../src/metrics/silhouette-score";
import { createRandom } from "../../src/random/create-random";

// The textbook definition, one pair at a time: what the blocked kernel must reproduce for any shape of input.
function plainSilhouette(points: number[][], labels: number[]): number | null {
  const clusters = new Set(labels);
  if (clusters.size < 2 || clusters.size > points.length - 1) return null;
  const distance = (left: number[], right: number[]) =>
    Math.sqrt(left.reduce((sum, value, axis) => sum + (value - (right[axis] as number)) ** 2, 0));
  let total = 0;
  for (const [row, point] of points.entries()) {
    const own = labels[row] as number;
    const members = points.filter((_, other) => other !== row && labels[other] === own);
    if (members.length === 0) continue;
    const within = members.reduce((sum, other) => sum + distance(point, other), 0) / members.length;
    let nearest = Number.POSITIVE_INFINITY;
    for (const cluster of clusters) {
      if (cluster === own) continue;
      const others = points.filter((_, other) => labels[other] === cluster);
      nearest = Math.min(nearest, others.reduce((sum, other) => sum + distance(point, other), 0) / others.length);
    }
    const spread = Math.max(within, nearest);
    total += spread === 0 ? 0 : (nearest - within) / spread;
  }
  return total / points.length;
}

describe("silhouetteScore (property)", () => {
  it("equals the pair-by-pair definition for any count (odd or even, blocks of 2 × 4 and remainders) and dimension", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((dimension) =>
            fc.array(
              fc.tuple(
                fc.array(fc.integer({ min: -20, max: 20 }), { minLength: dimension, maxLength: dimension }),
                fc.integer({ min: 0, max: 3 }),
              ),
              { minLength: 2, maxLength: 23 },
            ),
          ),
        (rows) => {
          const points = rows.map(([point]) => point);
          const labels = rows.map(([, label]) => label);
          const expected = plainSilhouette(points, labels);
          const actual = silhouetteScore(points, labels);
          if (expected === null) expect(actual).toBeNull();
          else expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("equals the definition within 1e-12 on real-valued points spanning several blocks, near-duplicates included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 60, max: 140 }),
        fc.integer({ min: 1, max: 9 }),
        (seed, count, dimension) => {
          const random = createRandom(seed);
          const centres = Array.from({ length: 3 }, () =>
            Array.from({ length: dimension }, () => 50 * random.normal()),
          );
          const labels: number[] = [];
          const points: number[][] = [];
          for (let row = 0; row < count; row += 1) {
            const label = random.integer(3);
            labels.push(label);
            // Every fifth point nearly repeats the one before it: its distance to it cancels in ‖x‖² + ‖y‖² − 2x·y.
            const previous = points[row - 1];
            points.push(
              row % 5 === 4 && previous !== undefined && labels[row - 1] === label
                ? previous.map((value) => value + 1e-9 * random.normal())
                : (centres[label] as number[]).map((value) => value + random.normal()),
            );
          }
          const expected = plainSilhouette(points, labels) as number;
          expect(Math.abs((silhouetteScore(points, labels) as number) - expected)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 25 },
    );
  });
});
