import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ContextDictionary, mixHash, WAYS } from "../../../src/anomaly/detectors/context-dictionary";

describe("ContextDictionary (bounded transitions of the context gate)", () => {
  it("holds every transition added while they fit, and never more than its capacity (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 400 }), (hashes) => {
        const dictionary = new ContextDictionary(64);
        for (const hash of hashes) {
          dictionary.add(hash);
          dictionary.tick();
          // The transition just added is always held: eviction only ever removes older ones.
          expect(dictionary.has(hash)).toBe(true);
        }
        expect(dictionary.size).toBeLessThanOrEqual(64);
        expect(dictionary.size).toBeLessThanOrEqual(new Set(hashes.map((hash) => (hash === 0 ? 1 : hash))).size);
      }),
    );
  });

  it("evicts the least recently used transition of a full set, keeping the ones in use", () => {
    const dictionary = new ContextDictionary(WAYS * 2);
    // Hashes with the same low bit share a set of the two sets.
    const sameSet = [2, 4, 6, 8, 10];
    for (const hash of sameSet.slice(0, WAYS)) {
      dictionary.add(hash);
      dictionary.tick();
    }
    dictionary.add(2); // 2 is used again: 4 is now the least recently used of the set
    dictionary.tick();
    dictionary.add(10);
    expect(dictionary.has(4)).toBe(false);
    for (const hash of [2, 6, 8, 10]) expect(dictionary.has(hash)).toBe(true);
    expect(dictionary.size).toBe(WAYS);
  });

  it("mixes hashes into 32-bit integers that differ for neighbouring inputs", () => {
    const mixed = new Set(Array.from({ length: 1000 }, (_, index) => mixHash(index)));
    expect(mixed.size).toBe(1000);
    for (const hash of mixed) expect(hash).toBe(hash | 0);
  });
});
