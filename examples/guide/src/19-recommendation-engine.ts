/**
 * Guide, "Module Details › 4. AI/ML Features":
 * "RecommendationEngine - Recommendations"
 *
 * Runs as written. With one interaction of its own, `user-1` is below `minInteractions` (5), so it gets the
 * popularity fallback; the set-up adds other users' purchases so there is something to recommend.
 */
import { RecommendationEngine } from "@pelbiot/ml";

export const title = "RecommendationEngine - Recommendations";

export async function run() {
  // Initialize
  const recommender = new RecommendationEngine({
    minInteractions: 5,
    maxRecommendations: 10,
  });

  for (const user of ["user-2", "user-3", "user-4"]) {
    for (const item of ["item-1", "item-2", "item-5", "item-7", "item-9"]) {
      recommender.trackInteraction(user, item, "purchase", 5);
    }
  }

  // Track interactions
  recommender.trackInteraction("user-1", "item-5", "purchase", 5);

  // Generate recommendations
  const recs = recommender.generateRecommendations("user-1");

  // Add item features
  recommender.addItemFeatures("item-5", [0.5, 0.8, 0.2, 0.9]);

  return { items: recs.map((recommendation) => recommendation.itemId) };
}
