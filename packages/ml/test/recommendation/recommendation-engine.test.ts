import { createManualClock, PelbiotError, type PelbiotValidationError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import {
  type Recommendation,
  RecommendationEngine,
  type RecommendationEngineOptions,
} from "../../src/recommendation/recommendation-engine";

const itemOnly: RecommendationEngineOptions = { minInteractions: 1, blend: { item: 1, user: 0, content: 0 } };

function ids(recommendations: readonly Recommendation[]): string[] {
  return recommendations.map((recommendation) => recommendation.itemId);
}

/** Item ids of the personalised part of a list (popular fill-ups, score 0, come after it). */
function personalIds(recommendations: readonly Recommendation[]): string[] {
  return ids(recommendations.filter((recommendation) => recommendation.reason !== "popular_fallback"));
}

function views(engine: RecommendationEngine, table: Record<string, string[]>): void {
  for (const [user, items] of Object.entries(table))
    for (const item of items) engine.trackInteraction(user, item, "view");
}

function expectValidationError(action: () => unknown, path: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(PelbiotError.is(caught, "VALIDATION_ERROR")).toBe(true);
  expect((caught as PelbiotValidationError).issues.map((issue) => issue.path)).toContain(path);
}

// u4 holds only A. Training counts: A 3, B 3, C 2, D 1; dot(B, A) = 2 (u1, u2), dot(C, A) = 1 (u2), dot(D, A) = 0.
const SMALL = { u1: ["A", "B"], u2: ["A", "B", "C"], u3: ["C", "D"], u5: ["B"], u4: ["A"] };

describe("RecommendationEngine", () => {
  it("runs the guide's calls as written", () => {
    const recommender = new RecommendationEngine({ minInteractions: 5, maxRecommendations: 10 });
    recommender.trackInteraction("user-2", "item-1", "view");
    recommender.trackInteraction("user-1", "item-5", "purchase", 5);
    const recs = recommender.generateRecommendations("user-1");
    recommender.addItemFeatures("item-5", [0.5, 0.8, 0.2, 0.9]);
    // One interaction is below minInteractions, so user-1 gets the popular items it has not bought yet.
    expect(recs).toEqual([{ itemId: "item-1", score: 0.5, reason: "popular_fallback" }]);
    expect(recommender.getStats()).toEqual({ users: 2, items: 2, interactions: 2, featuredItems: 1 });
  });

  it("scores item-item cosine kNN exactly (asymmetry 0.5 is the plain cosine)", () => {
    const engine = new RecommendationEngine({ ...itemOnly, itemSimilarityAsymmetry: 0.5 });
    views(engine, SMALL);
    const recs = engine.generateRecommendations("u4");
    // D shares no user with A, so it only fills the list up from popularity, after the personalised items.
    expect(recs[2]).toEqual({ itemId: "D", score: 0, reason: "popular_fallback" });
    // sim(B, A) = 2 / sqrt(3 * 3), sim(C, A) = 1 / sqrt(2 * 3); scores are scaled so the best is 1.
    expect(ids(recs)).toEqual(["B", "C", "D"]);
    expect(recs[0]?.score).toBeCloseTo(1, 12);
    expect(recs[1]?.score).toBeCloseTo(1 / Math.sqrt(6) / (2 / 3), 12);
    expect(recs[0]).toMatchObject({ reason: "similar_item", basedOnItemId: "A" });
  });

  it("uses the asymmetric cosine dot / (n_i^α · n_j^(1−α)) by default (α = 0.3)", () => {
    const engine = new RecommendationEngine(itemOnly);
    views(engine, SMALL);
    const recs = engine.generateRecommendations("u4");
    const simB = 2 / (3 ** 0.3 * 3 ** 0.7);
    const simC = 1 / (2 ** 0.3 * 3 ** 0.7);
    expect(recs[1]?.score).toBeCloseTo(simC / simB, 12);
  });

  it("keeps only each target's k most similar items with a finite neighbourhood", () => {
    // C's nearest neighbour is D (dot 1, n 1: 1/sqrt 2) ahead of A and B (1/sqrt 6), so with k = 1 u4's A no longer
    // feeds C; B keeps A (2/3) as its nearest. C then only comes back as a popular fill-up with score 0.
    const engine = new RecommendationEngine({ ...itemOnly, itemSimilarityAsymmetry: 0.5, itemNeighbourhoodSize: 1 });
    views(engine, SMALL);
    const recs = engine.generateRecommendations("u4");
    expect(recs).toEqual([
      { itemId: "B", score: 1, reason: "similar_item", basedOnItemId: "A" },
      { itemId: "C", score: 0, reason: "popular_fallback" },
      { itemId: "D", score: 0, reason: "popular_fallback" },
    ]);
  });

  it("recommends from similar users with reason collaborative", () => {
    const engine = new RecommendationEngine({ minInteractions: 1, blend: { item: 0, user: 1, content: 0 } });
    views(engine, SMALL);
    const recs = engine.generateRecommendations("u4");
    // Neighbours of u4: u1 (1/sqrt 2) and u2 (1/sqrt 3); B gets both votes, C only u2's.
    expect(personalIds(recs)).toEqual(["B", "C"]);
    expect(recs[1]?.score).toBeCloseTo(1 / Math.sqrt(3) / (1 / Math.sqrt(2) + 1 / Math.sqrt(3)), 12);
    expect(recs.slice(0, 2).every((recommendation) => recommendation.reason === "collaborative")).toBe(true);
    expect(recs[0]).not.toHaveProperty("basedOnItemId");
  });

  it("weights interaction types, and explicit weights override the defaults", () => {
    const table = (engine: RecommendationEngine): void => {
      engine.trackInteraction("x", "P", "view");
      engine.trackInteraction("x", "S", "purchase");
      engine.trackInteraction("y", "P", "view");
      engine.trackInteraction("y", "Q", "view");
      engine.trackInteraction("z", "S", "purchase");
      engine.trackInteraction("z", "R", "view");
    };
    const byDefault = new RecommendationEngine(itemOnly);
    table(byDefault);
    // A purchase (5) says more than a view (1): R, next to the purchased S, comes first.
    expect(personalIds(byDefault.generateRecommendations("x"))).toEqual(["R", "Q"]);
    const cheapPurchases = new RecommendationEngine({ ...itemOnly, interactionWeights: { purchase: 0.5 } });
    table(cheapPurchases);
    expect(personalIds(cheapPurchases.generateRecommendations("x"))).toEqual(["Q", "R"]);
  });

  it("adds repeated interactions and lets a new rating replace the old one", () => {
    const engine = new RecommendationEngine();
    engine.trackInteraction("u", "i", "view");
    engine.trackInteraction("u", "i", "click", 2);
    engine.trackInteraction("u", "i", "rating", 5);
    engine.trackInteraction("u", "i", "rating", 2);
    // view 1 + click 2 × 2 + latest rating 2.
    expect(engine.toJSON().interactions).toEqual([[0, 0, 7, 2]]);
  });

  it("recommends an item nobody has touched yet from its features, with reason content", () => {
    const engine = new RecommendationEngine({ minInteractions: 1 });
    views(engine, { a: ["shoe", "boot"], b: ["boot"] });
    engine.addItemFeatures("shoe", [1, 0, 0]);
    engine.addItemFeatures("boot", [0.8, 0.2, 0]);
    engine.addItemFeatures("sandal", [0.9, 0.1, 0]);
    engine.addItemFeatures("laptop", [0, 0, 1]);
    const recs = engine.generateRecommendations("b");
    expect(ids(recs)).toContain("sandal");
    expect(recs.find((recommendation) => recommendation.itemId === "sandal")).toMatchObject({
      reason: "content",
      basedOnItemId: "boot",
    });
    // Orthogonal features give no content score, and nobody interacted with the laptop.
    expect(ids(recs)).not.toContain("laptop");
  });

  it("gives cold and unknown users the most popular items (ties in natural id order)", () => {
    const engine = new RecommendationEngine({ minInteractions: 3 });
    views(engine, { a: ["item-10", "item-2", "item-3"], b: ["item-10", "item-2"], c: ["item-10"] });
    const unknown = engine.generateRecommendations("stranger");
    expect(unknown).toEqual([
      { itemId: "item-10", score: 1, reason: "popular_fallback" },
      { itemId: "item-2", score: 2 / 3, reason: "popular_fallback" },
      { itemId: "item-3", score: 1 / 3, reason: "popular_fallback" },
    ]);
    // b has two items, fewer than minInteractions: fallback without the items b already has.
    expect(engine.generateRecommendations("b")).toEqual([
      { itemId: "item-3", score: 1 / 3, reason: "popular_fallback" },
    ]);
  });

  it("filters interacted, excluded, unavailable and expired items", () => {
    const clock = createManualClock(1_000);
    const engine = new RecommendationEngine({ ...itemOnly, clock });
    views(engine, SMALL);
    expect(ids(engine.generateRecommendations("u4"))).toEqual(["B", "C", "D"]);
    expect(ids(engine.generateRecommendations("u1"))).not.toContain("A");
    // With includeInteracted, u1's A and B score through each other (an item is never its own neighbour).
    expect(personalIds(engine.generateRecommendations("u1", { includeInteracted: true }))).toEqual(
      expect.arrayContaining(["A", "B"]),
    );
    expect(ids(engine.generateRecommendations("u4", { exclude: ["B", "no-such-item"] }))).not.toContain("B");
    engine.setItemAvailability("B", { available: false });
    expect(ids(engine.generateRecommendations("u4"))).not.toContain("B");
    engine.setItemAvailability("B", { available: true, expiresAt: 2_000 });
    expect(ids(engine.generateRecommendations("u4"))).toContain("B");
    clock.advance(1_000);
    expect(ids(engine.generateRecommendations("u4"))).not.toContain("B");
    engine.setItemAvailability("B", { expiresAt: null });
    expect(ids(engine.generateRecommendations("u4"))[0]).toBe("B");
  });

  it("honours limit and maxRecommendations", () => {
    const engine = new RecommendationEngine({ minInteractions: 1, maxRecommendations: 2 });
    views(engine, SMALL);
    expect(engine.generateRecommendations("u3")).toHaveLength(2);
    expect(engine.generateRecommendations("u3", { limit: 1 })).toHaveLength(1);
    expectValidationError(() => engine.generateRecommendations("u3", { limit: 3 }), "options.limit");
  });

  it("changes results as interactions arrive, without a rebuild", () => {
    const engine = new RecommendationEngine(itemOnly);
    views(engine, SMALL);
    expect(personalIds(engine.generateRecommendations("u4"))).not.toContain("E");
    engine.trackInteraction("u1", "E", "view");
    expect(personalIds(engine.generateRecommendations("u4"))).toContain("E");
    // Order of arrival does not matter: a fresh engine fed the same interactions backwards scores the same.
    const reversed = new RecommendationEngine(itemOnly);
    const pairs = Object.entries(SMALL).flatMap(([user, items]) => items.map((item) => [user, item] as const));
    for (const [user, item] of [...pairs, ["u1", "E"] as const].reverse())
      reversed.trackInteraction(user, item, "view");
    const scores = (source: RecommendationEngine): Record<string, number> =>
      Object.fromEntries(source.generateRecommendations("u4").map((entry) => [entry.itemId, entry.score]));
    const expected = scores(engine);
    for (const [item, score] of Object.entries(scores(reversed)))
      expect(score).toBeCloseTo(expected[item] as number, 12);
  });

  it("rejects bad interactions with VALIDATION_ERROR and records nothing", () => {
    const engine = new RecommendationEngine();
    views(engine, SMALL);
    const before = JSON.stringify(engine.toJSON());
    expectValidationError(() => engine.trackInteraction("", "A", "view"), "userId");
    expectValidationError(() => engine.trackInteraction("u1", "", "view"), "itemId");
    expectValidationError(() => engine.trackInteraction("u1", "A", "like" as never), "type");
    expectValidationError(() => engine.trackInteraction("u1", "A", "rating"), "value");
    expectValidationError(() => engine.trackInteraction("u1", "A", "purchase", Number.NaN), "value");
    expectValidationError(() => engine.trackInteraction("u1", "A", "purchase", Number.POSITIVE_INFINITY), "value");
    expectValidationError(() => engine.trackInteraction("u1", "A", "purchase", -1), "value");
    expectValidationError(() => engine.trackInteraction("u1", "A", "purchase", 2e9), "value");
    expectValidationError(() => engine.trackInteraction("new-user", "new-item", "view", 0), "value");
    expect(JSON.stringify(engine.toJSON())).toBe(before);
  });

  it("rejects bad feature vectors and availability and stores nothing", () => {
    const engine = new RecommendationEngine();
    engine.addItemFeatures("A", [1, 2, 3]);
    const before = JSON.stringify(engine.toJSON());
    expectValidationError(() => engine.addItemFeatures("B", [1, 2]), "vector");
    expectValidationError(() => engine.addItemFeatures("B", [1, Number.NaN, 3]), "vector.1");
    expectValidationError(() => engine.addItemFeatures("B", "1,2,3" as never), "vector");
    expectValidationError(() => engine.addItemFeatures("", [1, 2, 3]), "itemId");
    expectValidationError(() => engine.setItemAvailability("B", { expiresAt: "tomorrow" }), "availability.expiresAt");
    expectValidationError(
      () => engine.setItemAvailability("B", { available: "no" as never }),
      "availability.available",
    );
    expect(JSON.stringify(engine.toJSON())).toBe(before);
    const fixed = new RecommendationEngine({ featureDimension: 2 });
    expectValidationError(() => fixed.addItemFeatures("A", [1, 2, 3]), "vector");
  });

  it("rejects invalid options and generate options", () => {
    expectValidationError(() => new RecommendationEngine({ minInteractions: -1 }), "options.minInteractions");
    expectValidationError(() => new RecommendationEngine({ maxRecommendations: 0 }), "options.maxRecommendations");
    expectValidationError(
      () => new RecommendationEngine({ interactionWeights: { view: 0 } }),
      "options.interactionWeights.view",
    );
    expectValidationError(
      () => new RecommendationEngine({ interactionWeights: { like: 1 } as never }),
      "options.interactionWeights.like",
    );
    expectValidationError(
      () => new RecommendationEngine({ itemSimilarityAsymmetry: 2 }),
      "options.itemSimilarityAsymmetry",
    );
    expectValidationError(
      () => new RecommendationEngine({ userNeighbourhoodSize: 0 }),
      "options.userNeighbourhoodSize",
    );
    expectValidationError(() => new RecommendationEngine({ blend: { item: 0, user: 0, content: 0 } }), "options.blend");
    const engine = new RecommendationEngine();
    expectValidationError(() => engine.generateRecommendations(""), "userId");
    expectValidationError(() => engine.generateRecommendations("u", { exclude: [""] }), "options.exclude.0");
    expectValidationError(
      () => engine.generateRecommendations("u", { includeInteracted: 1 as never }),
      "options.includeInteracted",
    );
  });

  it("round-trips through toJSON / fromJSON and rejects a malformed snapshot", () => {
    const engine = new RecommendationEngine({ minInteractions: 1 });
    views(engine, SMALL);
    engine.trackInteraction("u4", "C", "rating", 4);
    engine.addItemFeatures("D", [1, 0]);
    engine.addItemFeatures("A", [0.5, 0.5]);
    engine.setItemAvailability("B", { available: false, expiresAt: 5_000 });
    const snapshot = JSON.parse(JSON.stringify(engine));
    const restored = RecommendationEngine.fromJSON(snapshot, { minInteractions: 1 });
    expect(restored.toJSON()).toEqual(engine.toJSON());
    for (const user of ["u1", "u2", "u3", "u4", "u5", "nobody"]) {
      expect(restored.generateRecommendations(user)).toEqual(engine.generateRecommendations(user));
    }
    const broken = { ...snapshot, interactions: [...snapshot.interactions, [0, 99, 1, 0]] };
    expectValidationError(() => RecommendationEngine.fromJSON(broken), "json.interactions.10");
    expect(() => RecommendationEngine.fromJSON({ ...snapshot, version: 3 })).toThrow(/cannot read .* version 3/);
  });
});
