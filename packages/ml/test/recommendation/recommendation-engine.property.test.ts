import { PelbiotError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INTERACTION_TYPES } from "../../src/recommendation/interaction-types";
import { RecommendationEngine, type RecommendationEngineOptions } from "../../src/recommendation/recommendation-engine";

const SEED = 20_240_611;
const USERS = 6;
const ITEMS = 12;

const interaction = fc.record({
  user: fc.integer({ min: 0, max: USERS - 1 }),
  item: fc.integer({ min: 0, max: ITEMS - 1 }),
  type: fc.constantFrom(...INTERACTION_TYPES),
  value: fc.option(fc.double({ min: 0.5, max: 5, noNaN: true }), { nil: undefined }),
});

const scenario = fc.record({
  options: fc.record({
    minInteractions: fc.integer({ min: 0, max: 4 }),
    maxRecommendations: fc.integer({ min: 1, max: 6 }),
    itemNeighbourhoodSize: fc.constantFrom(1, 3, Number.POSITIVE_INFINITY),
    userNeighbourhoodSize: fc.constantFrom(1, 2, 50),
    itemSimilarityAsymmetry: fc.double({ min: 0, max: 1, noNaN: true }),
    // Six users are too few to validate: "ease" fits EASE with its default λ, "auto" keeps the kNN blend.
    model: fc.constantFrom("auto", "knn", "ease"),
    blend: fc.record({
      item: fc.double({ min: 0.1, max: 1, noNaN: true }),
      user: fc.double({ min: 0, max: 1, noNaN: true }),
      content: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  }),
  interactions: fc.array(interaction, { maxLength: 40 }),
  features: fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: ITEMS - 1 }),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
    ),
    { maxLength: 8 },
  ),
  unavailable: fc.uniqueArray(fc.integer({ min: 0, max: ITEMS - 1 }), { maxLength: 4 }),
  exclude: fc.uniqueArray(fc.integer({ min: 0, max: ITEMS + 2 }), { maxLength: 4 }),
  includeInteracted: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(input: Scenario): RecommendationEngine {
  const engine = new RecommendationEngine(input.options as RecommendationEngineOptions);
  for (const { user, item, type, value } of input.interactions) {
    engine.trackInteraction(`u${user}`, `i${item}`, type, type === "rating" ? (value ?? 3) : value);
  }
  for (const [item, vector] of input.features) engine.addItemFeatures(`i${item}`, vector);
  for (const item of input.unavailable) engine.setItemAvailability(`i${item}`, { available: false });
  return engine;
}

describe("RecommendationEngine properties", () => {
  it("never returns excluded, interacted or unavailable items; sorted, unique, at most the limit", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const engine = build(input);
        const exclude = input.exclude.map((item) => `i${item}`);
        const blocked = new Set([...exclude, ...input.unavailable.map((item) => `i${item}`)]);
        for (let user = 0; user <= USERS; user += 1) {
          const userId = `u${user}`;
          const own = new Set(
            input.interactions.filter((entry) => entry.user === user).map((entry) => `i${entry.item}`),
          );
          const recs = engine.generateRecommendations(userId, { exclude, includeInteracted: input.includeInteracted });
          expect(recs.length).toBeLessThanOrEqual(input.options.maxRecommendations);
          expect(new Set(recs.map((entry) => entry.itemId)).size).toBe(recs.length);
          recs.forEach((entry, index) => {
            expect(blocked.has(entry.itemId)).toBe(false);
            if (!input.includeInteracted) expect(own.has(entry.itemId)).toBe(false);
            expect(Number.isFinite(entry.score) && entry.score >= 0).toBe(true);
            if (index > 0) expect(entry.score).toBeLessThanOrEqual((recs[index - 1] as { score: number }).score);
          });
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("round-trips through JSON with identical recommendations", () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const engine = build(input);
        const restored = RecommendationEngine.fromJSON(
          JSON.parse(JSON.stringify(engine)),
          input.options as RecommendationEngineOptions,
        );
        expect(restored.toJSON()).toEqual(engine.toJSON());
        for (let user = 0; user <= USERS; user += 1) {
          const expected = engine.generateRecommendations(`u${user}`);
          const actual = restored.generateRecommendations(`u${user}`);
          // Norms are rebuilt in a different summation order, so scores agree to rounding, not to the last bit.
          expect(actual.map(({ score, ...rest }) => rest)).toEqual(expected.map(({ score, ...rest }) => rest));
          for (const [index, entry] of actual.entries()) {
            expect(entry.score).toBeCloseTo(expected[index]?.score as number, 12);
          }
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("a rejected interaction or feature vector leaves the state unchanged", () => {
    const badCall = fc.constantFrom<(engine: RecommendationEngine) => unknown>(
      (engine) => engine.trackInteraction("", "i1", "view"),
      (engine) => engine.trackInteraction("u1", "i1", "share" as never),
      (engine) => engine.trackInteraction("u1", "i1", "purchase", Number.NaN),
      (engine) => engine.trackInteraction("u1", "i1", "rating"),
      (engine) => engine.addItemFeatures("i1", [1, Number.POSITIVE_INFINITY, 0]),
      (engine) => engine.addItemFeatures("i99", [1, 2]),
    );
    fc.assert(
      fc.property(scenario, badCall, (input, call) => {
        const engine = build({ ...input, features: [[0, [1, 0, 0]], ...input.features] });
        const before = JSON.stringify(engine.toJSON());
        let caught: unknown;
        try {
          call(engine);
        } catch (error) {
          caught = error;
        }
        expect(PelbiotError.is(caught, "VALIDATION_ERROR")).toBe(true);
        expect(JSON.stringify(engine.toJSON())).toBe(before);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
