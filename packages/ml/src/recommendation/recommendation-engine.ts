import { createValidator, toEpochMillis, toPelbiotError } from "@pelbiot/core";
import { INTERACTION_TYPES, type InteractionType } from "./interaction-types";
import { InteractionMatrix } from "./internal/interaction-matrix";
import { type TrainedModel, trainModel } from "./internal/model-selection";
import { RecommendationScorer } from "./internal/recommendation-scorer";
import {
  checkGenerateOptions,
  checkId,
  isPlainId,
  MAX_FEATURE_DIMENSION,
  MAX_INTERACTION_VALUE,
  type RecommendationEngineOptions,
  type ResolvedRecommendationEngineOptions,
  resolveRecommendationEngineOptions,
} from "./recommendation-engine-options";
import {
  type RecommendationEngineSnapshot,
  readRecommendationEngineSnapshot,
  restoreRecommendationEngineSnapshot,
  restoreTrainedModel,
  toRecommendationEngineSnapshot,
} from "./recommendation-engine-snapshot";
import type {
  GenerateRecommendationsOptions,
  ItemAvailability,
  Recommendation,
  RecommendationEngineStats,
  RecommendationModelReport,
} from "./recommendation-engine-types";

export type { RecommendationEngineOptions } from "./recommendation-engine-options";
export type { RecommendationEngineSnapshot } from "./recommendation-engine-snapshot";
export type {
  GenerateRecommendationsOptions,
  ItemAvailability,
  ModelCandidateReport,
  Recommendation,
  RecommendationBlend,
  RecommendationEngineStats,
  RecommendationModel,
  RecommendationModelChoice,
  RecommendationModelReason,
  RecommendationModelReport,
  RecommendationReason,
  ValidationHoldOut,
} from "./recommendation-engine-types";

/**
 * Recommends items from implicit and explicit interactions with one of two models, chosen on the engine's own data
 * (option `model`, default `"auto"`): an item-item kNN (asymmetric cosine) blended with a user-user kNN and, when
 * items have feature vectors, content similarity; or EASE (Steck 2019), a closed-form item-item regression
 * `B = I − P·diag(1/diag(P))`, `P = (XᵀX + λI)⁻¹`. Users with too little history, and users the engine has never
 * seen, get the most popular items (`reason: "popular_fallback"`).
 *
 * Every interaction updates the sparse user×item matrix and the item and user norms in place (O(1) amortised). The
 * kNN blend scores from that state at query time, so a new interaction changes the next call's results without any
 * rebuild; it costs O(Σ over the user's items j of |users(j)| + Σ over the touched users v of |items(v)|).
 *
 * Training (`"auto"` and `"ease"`) happens on the first `generateRecommendations` / `getModelReport` call, on
 * {@link RecommendationEngine.train}, and again once the data has grown by `retrainGrowth` (default: doubled). It
 * holds out 20% of the items of up to 1,000 users (by default each user's latest items, in the order they were first
 * tracked: option `validationHoldOut`), scores the candidates by NDCG@10, keeps the winner and refits it on everything. Between trainings, EASE scores each user's current row (new interactions count at once) with the
 * trained weights; items first seen after training have no EASE weights and are reached only by the popularity
 * fill-up until the next training. EASE scoring costs O(|user's items| × items). All methods are synchronous.
 *
 * @example
 * ```ts
 * const recommender = new RecommendationEngine({ minInteractions: 5, maxRecommendations: 10 });
 * recommender.trackInteraction("user-1", "item-5", "purchase", 5);
 * const recs = recommender.generateRecommendations("user-1");
 * recommender.addItemFeatures("item-5", [0.5, 0.8, 0.2, 0.9]);
 * ```
 */
export class RecommendationEngine {
  readonly #options: ResolvedRecommendationEngineOptions;
  readonly #matrix: InteractionMatrix;
  readonly #scorer: RecommendationScorer;
  #trained: TrainedModel | undefined;

  /**
   * @param options - See {@link RecommendationEngineOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (the message lists the
   *   accepted options).
   */
  constructor(options: RecommendationEngineOptions = {}) {
    this.#options = resolveRecommendationEngineOptions(options);
    this.#matrix = new InteractionMatrix(this.#options.itemSimilarityAsymmetry, this.#options.featureDimension);
    this.#scorer = new RecommendationScorer(this.#matrix, this.#options);
  }

  /**
   * Records one interaction. Its affinity contribution is `weight(type) × value`; contributions of the same user
   * and item add up, except a `rating`, which replaces the user's previous rating of that item. The next
   * {@link generateRecommendations} call sees it; nothing is rebuilt. With a trained EASE model the user's new row is
   * scored with the trained weights; an item first seen after training gets EASE weights at the next training
   * (automatic once the data has grown by `retrainGrowth`, or {@link train}).
   *
   * @param userId - The user (non-empty, at most 512 characters).
   * @param itemId - The item (non-empty, at most 512 characters).
   * @param type - One of {@link INTERACTION_TYPES}.
   * @param value - A positive multiplier such as a quantity (default 1); for `rating`, the rating itself (required).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for empty ids, an unknown type, or a missing, non-finite,
   * non-positive or too large (> 1e9) value; nothing is recorded then.
   * @example
   * ```ts
   * recommender.trackInteraction("user-1", "item-5", "purchase", 5);
   * recommender.trackInteraction("user-1", "item-7", "rating", 4);
   * ```
   */
  trackInteraction(userId: string, itemId: string, type: InteractionType, value?: number): void {
    // Interactions arrive in bulk, so well-formed calls skip building a validator; anything else gets the full report.
    const wellFormed =
      isPlainId(userId) &&
      isPlainId(itemId) &&
      (INTERACTION_TYPES as readonly unknown[]).includes(type) &&
      (value === undefined
        ? type !== "rating"
        : typeof value === "number" && value > 0 && value <= MAX_INTERACTION_VALUE);
    if (!wellFormed) {
      const check = createValidator("RecommendationEngine.trackInteraction");
      checkId(check, "userId", userId);
      checkId(check, "itemId", itemId);
      const typeValid = check.oneOf("type", type, INTERACTION_TYPES);
      if (typeValid && type === "rating" && value === undefined) {
        check.fail("value", "is required for a rating (the rating itself, a positive number)");
      } else if (value !== undefined) {
        check.number("value", value, { positive: true, max: MAX_INTERACTION_VALUE });
      }
      check.done();
    }
    const contribution = this.#options.interactionWeights[type] * (value ?? 1);
    const user = this.#matrix.registerUser(userId);
    const item = this.#matrix.registerItem(itemId);
    this.#matrix.addInteraction(user, item, contribution, type === "rating");
  }

  /**
   * Attaches (or replaces) an item's feature vector, so content similarity can recommend it even before anyone
   * interacts with it. All vectors must have the same length.
   *
   * @param itemId - The item (registered if new).
   * @param vector - Finite numbers, length `featureDimension` (or the length of the first vector added).
   * @throws {PelbiotValidationError} VALIDATION_ERROR for an empty id, a non-finite entry or a wrong length;
   * nothing is stored then.
   * @example
   * ```ts
   * recommender.addItemFeatures("item-5", [0.5, 0.8, 0.2, 0.9]);
   * ```
   */
  addItemFeatures(itemId: string, vector: readonly number[] | Float64Array): void {
    const check = createValidator("RecommendationEngine.addItemFeatures");
    checkId(check, "itemId", itemId);
    const isVector = Array.isArray(vector) || vector instanceof Float64Array;
    if (!isVector) {
      check.fail("vector", "must be an array of finite numbers or a Float64Array");
    } else {
      const expected = this.#matrix.featureDimension;
      if (expected === undefined) {
        check.check(
          vector.length >= 1 && vector.length <= MAX_FEATURE_DIMENSION,
          "vector",
          `must hold 1 to ${MAX_FEATURE_DIMENSION} numbers, got ${vector.length}`,
        );
      } else {
        check.check(
          vector.length === expected,
          "vector",
          `must hold exactly ${expected} numbers (the feature dimension), got ${vector.length}`,
        );
      }
      for (let index = 0; index < vector.length; index += 1) check.number(`vector.${index}`, vector[index]);
    }
    check.done();
    this.#matrix.setFeatures(this.#matrix.registerItem(itemId), vector);
  }

  /**
   * Marks an item available or not, and sets or clears its expiry; unavailable and expired items never appear in
   * results (checked against the clock at each call).
   *
   * @param itemId - The item (registered if new).
   * @param availability - `available` and/or `expiresAt`; omitted fields keep their previous value.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for an empty id, a non-boolean `available` or an invalid
   * `expiresAt`; nothing changes then.
   * @example
   * ```ts
   * recommender.setItemAvailability("item-9", { available: false });
   * recommender.setItemAvailability("deal-3", { expiresAt: "2030-01-01T00:00:00Z" });
   * ```
   */
  setItemAvailability(itemId: string, availability: ItemAvailability): void {
    const check = createValidator("RecommendationEngine.setItemAvailability");
    checkId(check, "itemId", itemId);
    let expiresAt: number | null | undefined;
    if (check.object("availability", availability)) {
      check.knownKeys("availability", availability, ["available", "expiresAt"]);
      if (availability.available !== undefined) check.boolean("availability.available", availability.available);
      if (availability.expiresAt === null) expiresAt = null;
      else if (availability.expiresAt !== undefined) {
        expiresAt = toEpochMillis(availability.expiresAt);
        if (expiresAt === undefined) check.timestamp("availability.expiresAt", availability.expiresAt);
      }
    }
    check.done();
    this.#matrix.setAvailability(this.#matrix.registerItem(itemId), availability.available, expiresAt);
  }

  /**
   * Recommends items for a user, best first. Users with fewer than `minInteractions` distinct items, and users the
   * engine has never seen (no error: they are simply cold), get the most popular items with
   * `reason: "popular_fallback"`; when personalised scoring finds fewer items than asked, popular items fill the
   * rest (score 0). Already-interacted items (unless `includeInteracted`), `exclude`d, unavailable and expired items
   * are never returned, and no item appears twice.
   *
   * @param userId - The user.
   * @param options - Limit, exclusions, whether to include interacted items.
   * @returns At most `limit` recommendations sorted by score descending.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for an empty id, a limit outside 1..maxRecommendations or a
   * malformed `exclude`.
   * @example
   * ```ts
   * const recs = recommender.generateRecommendations("user-1", { exclude: ["item-3"] });
   * recs[0]; // { itemId: "item-8", score: 0.97, reason: "similar_item", basedOnItemId: "item-5" }
   * ```
   */
  generateRecommendations(userId: string, options: GenerateRecommendationsOptions = {}): Recommendation[] {
    // The common call (an id and no options) skips building a validator: it sits on the request path.
    const plainCall =
      isPlainId(userId) &&
      typeof options === "object" &&
      options !== null &&
      !Array.isArray(options) &&
      Object.keys(options).length === 0;
    if (!plainCall) {
      const check = createValidator("RecommendationEngine.generateRecommendations");
      checkId(check, "userId", userId);
      checkGenerateOptions(check, options, this.#options.maxRecommendations);
      check.done();
    }
    const { limit = this.#options.maxRecommendations, exclude = [], includeInteracted = false } = options;
    const { personal } = this.#currentModel();
    return this.#scorer.recommend(
      { userId, limit, exclude, includeInteracted, now: this.#options.clock.now() },
      personal,
    );
  }

  /**
   * Trains now on everything the engine holds: for `model: "auto"`, holds out 20% of the items of up to 1,000 users
   * (each user's latest by default, see `validationHoldOut`),
   * scores the kNN blend and EASE (λ factors of the mean item count walked from 16 towards the better side; weighted
   * and binarised `X` when strengths differ; above `maxEaseItems`, implicit ALS over its own λ walk instead) by
   * NDCG@10, keeps the best and refits it on all data. `"ease"` and `"als"` search λ only; `"knn"` trains nothing. Training also runs by itself on first use and after `retrainGrowth`; call this
   * to choose when the cost is paid (EASE: about items³/2 multiply-adds per λ tried).
   *
   * @returns The {@link RecommendationModelReport} of this training.
   * @throws {PelbiotError} INTERNAL_ERROR if the numerical fit fails (the previous model stays in use).
   * @example
   * ```ts
   * const report = recommender.train();
   * report.model; // "ease"
   * report.validation?.candidates; // [{ model: "knn", ndcg: 0.37 }, { model: "ease", lambdaFactor: 4, … }, …]
   * ```
   */
  train(): RecommendationModelReport {
    this.#trained = this.#trainNow();
    return this.#trained.report;
  }

  /**
   * Which model scores personalised recommendations, why, and the validation figures of every candidate tried.
   * Trains first when needed (first use, or after `retrainGrowth`), like {@link generateRecommendations}.
   *
   * @returns The {@link RecommendationModelReport}.
   * @example
   * ```ts
   * const { model, reason, validation } = recommender.getModelReport();
   * ```
   */
  getModelReport(): RecommendationModelReport {
    return this.#currentModel().report;
  }

  /** The trained model, training first on first use or once the data has grown by `retrainGrowth`. */
  #currentModel(): TrainedModel {
    const trained = this.#trained;
    const pairs = this.#matrix.pairs;
    const stale =
      trained === undefined ||
      (trained.report.reason !== "fixed" &&
        pairs > trained.report.trainedInteractions &&
        pairs >= trained.report.trainedInteractions * this.#options.retrainGrowth);
    if (!stale) return trained;
    this.#trained = this.#trainNow();
    return this.#trained;
  }

  /** Runs model selection; an internal failure leaves the previous model in place and surfaces as a PelbiotError. */
  #trainNow(): TrainedModel {
    try {
      return trainModel(this.#matrix, this.#options);
    } catch (error) {
      throw toPelbiotError(error);
    }
  }

  /**
   * Counts of users, items, user-item pairs and featured items.
   *
   * @returns A {@link RecommendationEngineStats}.
   * @example
   * ```ts
   * recommender.getStats().interactions; // distinct user-item pairs
   * ```
   */
  getStats(): RecommendationEngineStats {
    const matrix = this.#matrix;
    return {
      users: matrix.userIds.length,
      items: matrix.itemIds.length,
      interactions: matrix.pairs,
      featuredItems: matrix.featuredItems.length,
    };
  }

  /**
   * The whole learned state as plain JSON, under the header `{ format: "pelbiot.ml.RecommendationEngine",
   * version: 2 }` (options excluded: pass them again to {@link RecommendationEngine.fromJSON}). A trained model is
   * stored as its report (λ, input, validation figures), not as EASE's items² weights, which `fromJSON` recomputes:
   * the snapshot stays the size of the interactions.
   *
   * @returns A {@link RecommendationEngineSnapshot}.
   * @example
   * ```ts
   * const restored = RecommendationEngine.fromJSON(JSON.stringify(recommender), options);
   * ```
   */
  toJSON(): RecommendationEngineSnapshot {
    return toRecommendationEngineSnapshot(this.#matrix, this.#trained);
  }

  /**
   * Rebuilds an engine from {@link RecommendationEngine.toJSON} output (also version 1 and the release before it,
   * which had no `format`); it recommends what the original did (the same items, reasons and order; scores equal up
   * to floating-point rounding, as norms are re-summed). An EASE model is refitted from the snapshot's interactions
   * with the stored λ (one matrix inverse, no validation): identical weights when nothing was tracked after the last
   * training, otherwise those of a retrain with the same λ. A model trained under a different `model` option is
   * dropped and the engine trains on first use.
   *
   * @param json - A snapshot object or its JSON text.
   * @param options - The engine options (not part of the snapshot).
   * @returns A new engine.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or a malformed snapshot (indices out of
   * range, duplicate pairs, non-finite or non-positive strengths, a rating above its strength, inconsistent feature
   * lengths), or bad options.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot version written by a newer release.
   * @example
   * ```ts
   * const restored = RecommendationEngine.fromJSON(saved, { minInteractions: 5 });
   * ```
   */
  static fromJSON(json: unknown, options: RecommendationEngineOptions = {}): RecommendationEngine {
    const engine = new RecommendationEngine(options);
    const snapshot = readRecommendationEngineSnapshot(json, engine.#options.featureDimension);
    restoreRecommendationEngineSnapshot(engine.#matrix, snapshot);
    // A model trained under another `model` option is not reused: the engine trains on first use instead.
    if (snapshot.model !== undefined && snapshot.model.requested === engine.#options.model) {
      engine.#trained = restoreTrainedModel(engine.#matrix, snapshot.model);
    }
    return engine;
  }
}
