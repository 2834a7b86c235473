import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRandom } from "../../src/random/create-random";

describe("createRandom", () => {
  it("is reproducible for a seed and differs across seeds", () => {
    const first = createRandom(42);
    const second = createRandom(42);
    const other = createRandom(43);
    const draw = (random: ReturnType<typeof createRandom>) => Array.from({ length: 5 }, () => random.next());
    const values = draw(first);
    expect(draw(second)).toEqual(values);
    expect(draw(other)).not.toEqual(values);
    expect(first.seed).toBe(42);
  });

  it("draws uniforms in [0, 1) with the right mean, integers in range, and standard normals", () => {
    const random = createRandom(7);
    let sum = 0;
    let sumNormal = 0;
    let sumNormalSquared = 0;
    const counts = [0, 0, 0];
    const draws = 20_000;
    for (let index = 0; index < draws; index += 1) {
      const uniform = random.next();
      expect(uniform).toBeGreaterThanOrEqual(0);
      expect(uniform).toBeLessThan(1);
      sum += uniform;
      const normal = random.normal();
      sumNormal += normal;
      sumNormalSquared += normal * normal;
      const integer = random.integer(3);
      counts[integer] = (counts[integer] ?? 0) + 1;
    }
    // Bounds are ~6 standard errors wide: a correct generator fails them with negligible probability.
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.013);
    expect(Math.abs(sumNormal / draws)).toBeLessThan(0.045);
    expect(Math.abs(sumNormalSquared / draws - 1)).toBeLessThan(0.06);
    for (const count of counts) expect(Math.abs(count / draws - 1 / 3)).toBeLessThan(0.02);
  });

  it("shuffles into a permutation of the input", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.nat({ max: 2 ** 32 - 1 }), (items, seed) => {
        const shuffled = createRandom(seed).shuffle([...items]);
        expect([...shuffled].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
      }),
    );
  });

  it("rejects seeds and bounds it cannot honour", () => {
    expect(() => createRandom(1.5)).toThrow(/seed: must be an integer/);
    expect(() => createRandom(-1)).toThrow(/seed: must be at least 0/);
    expect(() => createRandom(0).integer(0)).toThrow(/maxExclusive: must be at least 1/);
  });
});
