import { describe, expectTypeOf, it } from "vitest";
import type { InteractionType } from "../../src/recommendation/interaction-types";
import {
  type Recommendation,
  RecommendationEngine,
  type RecommendationModel,
  type RecommendationModelChoice,
  type RecommendationModelReport,
  type RecommendationReason,
  type ValidationHoldOut,
} from "../../src/recommendation/recommendation-engine";

describe("RecommendationEngine types", () => {
  it("exposes the documented shapes", () => {
    const engine = new RecommendationEngine({ minInteractions: 5, maxRecommendations: 10 });
    expectTypeOf(engine.generateRecommendations("user-1")).toEqualTypeOf<Recommendation[]>();
    expectTypeOf<RecommendationReason>().toEqualTypeOf<
      "collaborative" | "similar_item" | "content" | "popular_fallback"
    >();
    expectTypeOf<InteractionType>().toEqualTypeOf<"view" | "click" | "add_to_cart" | "purchase" | "rating">();
    expectTypeOf(engine.trackInteraction).parameter(2).toEqualTypeOf<InteractionType>();
    // @ts-expect-error: interaction types are a closed set
    engine.trackInteraction("user-1", "item-5", "like");
    // @ts-expect-error: options are typed
    engine.generateRecommendations("user-1", { limit: "10" });
  });

  it("types the model choice and its report", () => {
    const engine = new RecommendationEngine({ model: "ease", maxEaseItems: 1_500 });
    expectTypeOf(engine.train()).toEqualTypeOf<RecommendationModelReport>();
    expectTypeOf(engine.getModelReport().model).toEqualTypeOf<RecommendationModel>();
    expectTypeOf<RecommendationModelChoice>().toEqualTypeOf<"auto" | "knn" | "ease" | "als">();
    // @ts-expect-error: the model is a closed set
    new RecommendationEngine({ model: "bpr" });
    expectTypeOf<ValidationHoldOut>().toEqualTypeOf<"latest" | "random">();
    expectTypeOf(engine.getModelReport().validation?.holdOut).toEqualTypeOf<ValidationHoldOut | undefined>();
    // @ts-expect-error: the hold-out is a closed set
    new RecommendationEngine({ validationHoldOut: "newest" });
  });
});
