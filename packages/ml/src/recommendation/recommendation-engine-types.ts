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

/**
 * A model the engine can score with: the item/user kNN blend, EASE (closed-form item-item regression) or implicit
 * ALS (matrix factorisation with confidence weights).
 */
export type RecommendationModel = "knn" | "ease" | "als";

/** The hyper-parameters of an implicit-ALS model. */
export interface AlsSummary {
  /** Latent factors per user and item. */
  readonly factors: number;
  /** Ridge strength on every factor vector. */
  readonly lambda: number;
  /** Confidence of an interaction: `1 + alpha × strength`. */
  readonly alpha: number;
  /** Alternating sweeps. */
  readonly iterations: number;
  /** Interaction strengths (`weighted`) or 1 per interacted item (`binary`). */
  readonly input: "weighted" | "binary";
}

/** The `model` option: choose by validation (`"auto"`) or fix one. */
export type RecommendationModelChoice = "auto" | RecommendationModel;

/** Why the engine scores with the model it reports. */
export type RecommendationModelReason =
  /** It won the validation (`"auto"`), or its λ did (`"ease"`). */
  | "validated"
  /** `model: "knn"` was asked for; nothing is trained. */
  | "fixed"
  /** `model: "ease"` was asked for but the catalogue has more than `maxEaseItems` items; kNN is used instead. */
  | "too_many_items"
  /** Fewer than 10 users could hold out an interaction: no validation; `"auto"` keeps kNN, `"ease"` uses λ = 1. */
  | "too_little_data";

/**
 * Which of each validation user's items model selection holds out: the latest (by first interaction) or a seeded
 * random share.
 */
export type ValidationHoldOut = "latest" | "random";

/** One candidate scored on the held-out interactions. */
export interface ModelCandidateReport {
  /** The model. */
  readonly model: RecommendationModel;
  /** EASE only: the ridge strength as a multiple of the mean item count (mean diagonal of `XᵀX`). */
  readonly lambdaFactor?: number;
  /** EASE only: `X` from interaction strengths (`weighted`) or 1 per interacted item (`binary`). */
  readonly input?: "weighted" | "binary";
  /** ALS only: its hyper-parameters. */
  readonly als?: AlsSummary;
  /** Mean NDCG@10 over the validation users. */
  readonly ndcg: number;
}

/** What the engine trained and why: {@link RecommendationEngine.getModelReport}. */
export interface RecommendationModelReport {
  /** The `model` option. */
  readonly requested: RecommendationModelChoice;
  /** The model that scores personalised recommendations now. */
  readonly model: RecommendationModel;
  /** Why this model. */
  readonly reason: RecommendationModelReason;
  /** EASE only: the ridge strength λ of the refit on all data, and its factor and input. */
  readonly ease?: {
    /** The ridge strength λ. */
    readonly lambda: number;
    /** λ as a multiple of the mean item count (mean diagonal of `XᵀX`). */
    readonly lambdaFactor: number;
    /** `X` from interaction strengths (`weighted`) or 1 per interacted item (`binary`). */
    readonly input: "weighted" | "binary";
  };
  /** ALS only: the hyper-parameters of the refit on all data. */
  readonly als?: AlsSummary;
  /** Distinct user-item pairs at training time (later ones are scored with the trained model until a retrain). */
  readonly trainedInteractions: number;
  /** Items known at training time; EASE has no weights for items added later (they come from popularity). */
  readonly trainedItems: number;
  /** The validation run, absent when there was none (`fixed`, `too_little_data`). */
  readonly validation?: {
    /** Users who held out part of their interactions and were scored. */
    readonly users: number;
    /** Interactions held out in all. */
    readonly heldOut: number;
    /**
     * Which items were held out: each user's latest (the `validationHoldOut` option's default) or a random share.
     * Absent in reports saved before the option existed (those held out a random share).
     */
    readonly holdOut?: ValidationHoldOut;
    /** Every candidate tried, in the order tried, with its NDCG@10; the winner has the highest. */
    readonly candidates: readonly ModelCandidateReport[];
  };
}
