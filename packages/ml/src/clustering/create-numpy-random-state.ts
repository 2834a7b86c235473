import { createValidator } from "@pelbiot/core";
import type { Random } from "../random/create-random";

const SIZE = 624;
const PERIOD = 397;

/** The draws k-means++ needs: a uniform double and a uniform integer. */
export type UniformSource = Pick<Random, "seed" | "next" | "integer">;

/**
 * A Mersenne Twister (MT19937, Matsumoto & Nishimura 1998) that reproduces the stream of NumPy's legacy
 * `numpy.random.RandomState(seed)` for the two draws scikit-learn's k-means++ makes: `random_sample()` (53-bit
 * doubles from two 32-bit outputs) and `randint(n)` (masked rejection sampling on 32-bit outputs). With it, a
 * k-means run seeded with `s` picks the same initial centres as scikit-learn's `KMeans(random_state=s)`.
 *
 * @param seed - An integer in `[0, 2^32)`, as `RandomState` accepts.
 * @returns The generator.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the seed is not an integer in `[0, 2^32)`.
 * @example
 * ```ts
 * createNumpyRandomState(0).next(); // 0.5488135039273248, as numpy.random.RandomState(0).random_sample()
 * ```
 */
export function createNumpyRandomState(seed: number): UniformSource {
  const check = createValidator("createNumpyRandomState");
  check.number("seed", seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  check.done();
  const state = new Uint32Array(SIZE);
  state[0] = seed >>> 0;
  for (let index = 1; index < SIZE; index += 1) {
    const previous = (state[index - 1] as number) ^ ((state[index - 1] as number) >>> 30);
    // 1812433253 · previous + index, modulo 2^32, split in 16-bit halves to stay exact in doubles.
    state[index] =
      ((((previous & 0xffff0000) >>> 16) * 1812433253) << 16) + (previous & 0x0000ffff) * 1812433253 + index;
  }
  let position = SIZE;
  const twist = () => {
    for (let index = 0; index < SIZE; index += 1) {
      const mixed = ((state[index] as number) & 0x80000000) | ((state[(index + 1) % SIZE] as number) & 0x7fffffff);
      let value = (state[(index + PERIOD) % SIZE] as number) ^ (mixed >>> 1);
      if ((mixed & 1) !== 0) value ^= 0x9908b0df;
      state[index] = value;
    }
    position = 0;
  };
  const next32 = (): number => {
    if (position >= SIZE) twist();
    let value = state[position] as number;
    position += 1;
    value ^= value >>> 11;
    value ^= (value << 7) & 0x9d2c5680;
    value ^= (value << 15) & 0xefc60000;
    value ^= value >>> 18;
    return value >>> 0;
  };
  return {
    seed,
    next() {
      const high = next32() >>> 5;
      const low = next32() >>> 6;
      return (high * 67108864 + low) / 9007199254740992;
    },
    integer(maxExclusive) {
      const range = maxExclusive - 1;
      if (range <= 0) return 0;
      let mask = range;
      mask |= mask >>> 1;
      mask |= mask >>> 2;
      mask |= mask >>> 4;
      mask |= mask >>> 8;
      mask |= mask >>> 16;
      for (;;) {
        const value = (next32() & mask) >>> 0;
        if (value <= range) return value;
      }
    },
  };
}
