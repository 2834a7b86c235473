import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { RecommendationEngine } from "../../src/recommendation/recommendation-engine";

describe("RecommendationEngine options", () => {
  it("rejects a misspelt constructor option, naming the accepted keys and the nearest one", () => {
    const error = expectPelbiotError(
      () => new RecommendationEngine({ minInteraction: 3 } as never),
      "VALIDATION_ERROR",
    );
    expect(error.message).toMatch(/^Invalid input to RecommendationEngine constructor: options\.minInteraction:/);
    expect(error.message).toContain('did you mean "minInteractions"');
    expect(error.message).toContain(
      "accepted: minInteractions, maxRecommendations, interactionWeights, itemNeighbourhoodSize, userNeighbourhoodSize, itemSimilarityAsymmetry, blend, featureDimension, model, maxEaseItems, validationHoldOut, retrainGrowth, clock",
    );
  });

  it("accepts validationHoldOut latest or random only, naming the accepted values", () => {
    expect(() => new RecommendationEngine({ validationHoldOut: "random" })).not.toThrow();
    expect(captureValidationIssues(() => new RecommendationEngine({ validationHoldOut: "newest" as never }))).toEqual([
      expect.stringMatching(/^options\.validationHoldOut: .*latest.*random/),
    ]);
  });

  it("rejects misspelt keys inside blend and interactionWeights", () => {
    expect(captureValidationIssues(() => new RecommendationEngine({ blend: { iten: 1 } as never }))).toEqual([
      expect.stringMatching(/^options\.blend\.iten: .*did you mean "item".*accepted: item, user, content/),
    ]);
    expect(
      captureValidationIssues(() => new RecommendationEngine({ interactionWeights: { purchse: 2 } as never })),
    ).toEqual([expect.stringMatching(/^options\.interactionWeights\.purchse: .*did you mean "purchase"/)]);
  });

  it("rejects a misspelt generateRecommendations option instead of ignoring it", () => {
    const engine = new RecommendationEngine({ minInteractions: 1 });
    engine.trackInteraction("u", "a", "view");
    const issues = captureValidationIssues(() => engine.generateRecommendations("u", { exclued: ["a"] } as never));
    expect(issues).toEqual([
      expect.stringMatching(/^options\.exclued: .*did you mean "exclude".*accepted: limit, exclude, includeInteracted/),
    ]);
  });

  it("rejects a misspelt availability field instead of ignoring it", () => {
    const engine = new RecommendationEngine();
    expect(captureValidationIssues(() => engine.setItemAvailability("a", { availble: false } as never))).toEqual([
      expect.stringMatching(/^availability\.availble: .*did you mean "available"/),
    ]);
    expect(engine.getStats().items).toBe(0);
  });

  it("checks the clock with the shared port check", () => {
    expect(captureValidationIssues(() => new RecommendationEngine({ clock: { now: "soon" } as never }))).toEqual([
      expect.stringMatching(/^options\.clock: must be a Clock/),
    ]);
  });

  it("gives a user below minInteractions the popularity fallback with its reason, honouring limit and exclude", () => {
    const engine = new RecommendationEngine({ minInteractions: 3 });
    for (const [user, items] of Object.entries({ a: ["x", "y", "z"], b: ["x", "y"], c: ["x", "w"] })) {
      for (const item of items) engine.trackInteraction(user, item, "view");
    }
    // c holds 2 items, below minInteractions: the popular items it has not seen, each with its share of users.
    expect(engine.generateRecommendations("c")).toEqual([
      { itemId: "y", score: 2 / 3, reason: "popular_fallback" },
      { itemId: "z", score: 1 / 3, reason: "popular_fallback" },
    ]);
    expect(engine.generateRecommendations("c", { limit: 1, exclude: ["y"] })).toEqual([
      { itemId: "z", score: 1 / 3, reason: "popular_fallback" },
    ]);
  });
});
