import { describe, expect, it } from "vitest";
import { createNumpyRandomState } from "../../src/clustering/create-numpy-random-state";

describe("createNumpyRandomState", () => {
  it("reproduces numpy.random.RandomState(0)", () => {
    // numpy.random.RandomState(0).random_sample(3) = [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]
    const doubles = createNumpyRandomState(0);
    expect([doubles.next(), doubles.next(), doubles.next()]).toEqual([
      0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
    ]);
    // numpy.random.seed(0); [numpy.random.randint(10) for _ in range(6)] = [5, 0, 3, 3, 7, 9]
    const integers = createNumpyRandomState(0);
    expect(Array.from({ length: 6 }, () => integers.integer(10))).toEqual([5, 0, 3, 3, 7, 9]);
    expect(integers.integer(1)).toBe(0);
  });

  it("rejects seeds numpy would not take", () => {
    expect(() => createNumpyRandomState(-1)).toThrow(/seed/);
    expect(() => createNumpyRandomState(2 ** 32)).toThrow(/seed/);
  });
});
