import { createValidator } from "@pelbiot/core";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded, reproducible source of random numbers (xoroshiro128+ from `pure-rand`). */
export interface Random {
  /** The seed this generator started from. */
  readonly seed: number;
  /** A uniform number in `[0, 1)` with 53 random bits. */
  next(): number;
  /** A uniform integer in `[0, maxExclusive)`. */
  integer(maxExclusive: number): number;
  /** A standard normal deviate (Box–Muller). */
  normal(): number;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/**
 * Creates a seeded random generator, so splits, initialisations and simulations are reproducible run to run.
 *
 * @param seed - An integer seed in `[0, 2^32)`.
 * @returns A {@link Random}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the seed is not an integer in `[0, 2^32)`.
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.next(); // same value on every run
 * ```
 */
export function createRandom(seed: number): Random {
  const check = createValidator("createRandom");
  check.number("seed", seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  check.done();
  const generator = xoroshiro128plus(seed | 0);
  let spareNormal: number | undefined;
  return {
    seed,
    next: () => uniformFloat64(generator),
    integer(maxExclusive) {
      const inner = createValidator("Random.integer");
      inner.number("maxExclusive", maxExclusive, { integer: true, min: 1, max: 2 ** 31 });
      inner.done();
      return uniformInt(generator, 0, maxExclusive - 1);
    },
    normal() {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = uniformFloat64(generator);
      const v = uniformFloat64(generator);
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(items: T[]): T[] {
      for (let index = items.length - 1; index > 0; index -= 1) {
        const other = uniformInt(generator, 0, index);
        const held = items[index] as T;
        items[index] = items[other] as T;
        items[other] = held;
      }
      return items;
    },
  };
}
