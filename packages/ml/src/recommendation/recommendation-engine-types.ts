/** Why an item was recommended. */
export type RecommendationReason = "collaborative" | "similar_item" | "content" | "popular_fallback";

/** One recommended item. */
export interface Recommendation {
  /** The recommended item. */
  readonly itemId: string;
  /**
   * Ranking score, higher is better; lists are sorted by it (ties by item id in natural order). Personalised
   * scores are the blended, per-user normalised component scores (at most the sum of the blend weights); a pure
   * popularity list scores each item by the share of users who interacted with it; popular items used to fill up
   * a short personalised list score 0. Compare scores within one list only.
   */
  readonly score: number;
  /**
   * The component that contributed most: `similar_item` (item-item kNN, items like the user's own),
   * `collaborative` (user-user kNN, what similar users chose), `content` (feature similarity from
   * {@link RecommendationEngine.addItemFeatures}), or `popular_fallback` (not enough history for personalisation).
   */
  readonly reason: RecommendationReason;
  /** For `similar_item` and `content`: the user's own item this one is most similar to. */
  readonly basedOnItemId?: string;
}

/** Relative weights of the three personalised components; each component is scaled to at most 1 per user first. */
export interface RecommendationBlend {
  /** Item-item kNN (asymmetric cosine) weight. @default 0.8 */
  item?: number;
  /** User-user kNN (cosine) weight. @default 0.2 */
  user?: number;
  /** Content (feature cosine to the user's feature profile) weight. @default 0.2 */
  content?: number;
}

/** Options of one {@link RecommendationEngine.generateRecommendations} call. */
export interface GenerateRecommendationsOptions {
  /** How many items to return, at most the engine's `maxRecommendations`. @default maxRecommendations */
  limit?: number;
  /** Item ids never to return (unknown ids are ignored). @default [] */
  exclude?: readonly string[];
  /** Also return items the user already interacted with (re-purchase, re-watch). @default false */
  includeInteracted?: boolean;
}

/** Availability of an item; unavailable or expired items are never recommended. */
export interface ItemAvailability {
  /** Whether the item can be recommended at all. @default true */
  available?: boolean;
  /** The moment (Date, epoch ms or ISO-8601) from which the item is expired; `null` clears it. @default null */
  expiresAt?: Date | number | string | null;
}

/** Counts describing what the engine holds. */
export interface RecommendationEngineStats {
  /** Users with at least one interaction. */
  readonly users: number;
  /** Known items (from interactions, features or availability). */
  readonly items: number;
  /** Distinct user-item pairs. */
  readonly interactions: number;
  /** Items with a feature vector. */
  readonly featuredItems: number;
}
