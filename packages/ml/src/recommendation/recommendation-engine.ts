import { type Clock, createValidator, systemClock, toEpochMillis, type Validator } from "@pelbiot/core";
import { DEFAULT_INTERACTION_WEIGHTS, INTERACTION_TYPES, type InteractionType } from "./interaction-types";
import { createBoundedHeap } from "./internal/bounded-heap";
import { createSparseRow, getRowValue, type SparseRow, setRowValue } from "./internal/sparse-row";

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

/** Options of {@link RecommendationEngine}. */
export interface RecommendationEngineOptions {
  /** Users with fewer distinct items than this get the popularity fallback instead of personalised results. @default 5 */
  minInteractions?: number;
  /** Upper bound (and default) for the number of recommendations one call returns. @default 10 */
  maxRecommendations?: number;
  /**
   * Overrides of the per-type weights (positive, finite); unspecified types keep
   * {@link DEFAULT_INTERACTION_WEIGHTS} (view 1, click 2, add_to_cart 3, purchase 5, rating 1).
   * @default DEFAULT_INTERACTION_WEIGHTS
   */
  interactionWeights?: Partial<Record<InteractionType, number>>;
  /**
   * How many most-similar items each target item keeps (item kNN). `Infinity` keeps all, which needs no cache and
   * scored best on the reference data; a finite size caches each item's neighbours until the next interaction.
   * @default Infinity
   */
  itemNeighbourhoodSize?: number;
  /** How many most-similar users feed the user-user component (ties: the user seen first). @default 50 */
  userNeighbourhoodSize?: number;
  /**
   * Asymmetric cosine exponent α (Aiolli 2013): `sim(i, j) = dot(i, j) / (‖i‖^(2α) · ‖j‖^(2(1−α)))` for a target
   * item `i` and a user's item `j`. 0.5 is the plain cosine; smaller values favour popular targets, which scored
   * higher on both reference splits of fixtures/ml/reco (see the evaluation test).
   * @default 0.3
   */
  itemSimilarityAsymmetry?: number;
  /** Weights of the personalised components. @default { item: 0.8, user: 0.2, content: 0.2 } */
  blend?: RecommendationBlend;
  /**
   * Fixes the length of feature vectors; when omitted, the first {@link RecommendationEngine.addItemFeatures} call
   * fixes it.
   */
  featureDimension?: number;
  /** Time source for item expiry. @default systemClock */
  clock?: Clock;
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

/** The plain-JSON state written by {@link RecommendationEngine.toJSON}. Options are not part of it. */
export interface RecommendationEngineSnapshot {
  /** Format version. */
  readonly version: 1;
  /** User ids, by internal index. */
  readonly users: readonly string[];
  /** Item ids, by internal index. */
  readonly items: readonly string[];
  /** `[userIndex, itemIndex, strength, ratingPart]`: the affinity and the share of it that came from the rating. */
  readonly interactions: readonly (readonly [number, number, number, number])[];
  /** `[itemIndex, vector]`. */
  readonly features: readonly (readonly [number, readonly number[]])[];
  /** `[itemIndex, available, expiresAtEpochMs | null]` for items with availability set. */
  readonly availability: readonly (readonly [number, boolean, number | null])[];
}

interface NeighbourCacheEntry {
  readonly generation: number;
  readonly similarities: Map<number, number>;
}

const ID_MAX_LENGTH = 512;
const MAX_INTERACTION_VALUE = 1e9;
const MAX_FEATURE_DIMENSION = 10_000;
const OWN_ITEM = 1;
const EXCLUDED_ITEM = 2;
const idCollator = new Intl.Collator("en", { numeric: true });

/** Natural order of ids ("item-2" before "item-10"), falling back to code units so the order is total. */
function compareIds(a: string, b: string): number {
  return idCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Recommends items from implicit and explicit interactions: an item-item kNN (asymmetric cosine) blended with a
 * user-user kNN and, when items have feature vectors, content similarity. Users with too little history, and
 * users the engine has never seen, get the most popular items (`reason: "popular_fallback"`).
 *
 * Every interaction updates the sparse user×item matrix and the item and user norms in place (O(1) amortised),
 * and scores are computed from that state at query time, so a new interaction changes the next call's results
 * without any rebuild. Scoring one user costs O(Σ over the user's items j of |users(j)| + Σ over the touched users
 * v of |items(v)|), independent of the catalogue size. All methods are synchronous.
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
  readonly #minInteractions: number;
  readonly #maxRecommendations: number;
  readonly #weights: Readonly<Record<InteractionType, number>>;
  readonly #itemNeighbourhoodSize: number;
  readonly #userNeighbourhoodSize: number;
  readonly #asymmetry: number;
  readonly #blendItem: number;
  readonly #blendUser: number;
  readonly #blendContent: number;
  readonly #clock: Clock;
  #featureDimension: number | undefined;

  readonly #userIds: string[] = [];
  readonly #userIndex = new Map<string, number>();
  readonly #userRows: SparseRow[] = [];
  readonly #userRatings: (Map<number, number> | undefined)[] = [];
  readonly #userSquaredNorm: number[] = [];

  readonly #itemIds: string[] = [];
  readonly #itemIndex = new Map<string, number>();
  readonly #itemRows: SparseRow[] = [];
  readonly #itemSquaredNorm: number[] = [];
  readonly #targetScale: number[] = [];
  readonly #sourceScale: number[] = [];
  readonly #features: (Float64Array | undefined)[] = [];
  readonly #featureNorm: number[] = [];
  readonly #featuredItems: number[] = [];
  readonly #unavailable: number[] = [];
  readonly #expiresAt: number[] = [];
  readonly #availabilitySet = new Set<number>();

  #pairs = 0;
  #generation = 0;
  #popularOrder: number[] | undefined;
  readonly #neighbourCache = new Map<number, NeighbourCacheEntry>();

  // Scratch buffers reused across calls so scoring allocates nothing per candidate.
  readonly #touchedItems: number[] = [];
  #touchedItemCount = 0;
  readonly #touchedUsers: number[] = [];
  #userAccumulator = new Float64Array(64);
  #userDot = new Float64Array(64);
  #userMark = new Uint8Array(64);
  #itemScore = new Float64Array(64);
  #userScore = new Float64Array(64);
  #contentScore = new Float64Array(64);
  #blendScore = new Float64Array(64);
  #itemMark = new Uint8Array(64);
  #itemFlags = new Uint8Array(64);

  /**
   * @param options - See {@link RecommendationEngineOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid option.
   */
  constructor(options: RecommendationEngineOptions = {}) {
    const {
      minInteractions = 5,
      maxRecommendations = 10,
      interactionWeights = {},
      itemNeighbourhoodSize = Number.POSITIVE_INFINITY,
      userNeighbourhoodSize = 50,
      itemSimilarityAsymmetry = 0.3,
      blend = {},
      featureDimension,
      clock = systemClock,
    } = options;
    const check = createValidator("RecommendationEngine");
    check.object("options", options);
    check.number("minInteractions", minInteractions, { integer: true, min: 0 });
    check.number("maxRecommendations", maxRecommendations, { integer: true, min: 1, max: 10_000 });
    if (check.object("interactionWeights", interactionWeights)) {
      for (const [type, weight] of Object.entries(interactionWeights)) {
        if (check.oneOf(`interactionWeights.${type}`, type, INTERACTION_TYPES) && weight !== undefined) {
          check.number(`interactionWeights.${type}`, weight, { positive: true, max: MAX_INTERACTION_VALUE });
        }
      }
    }
    checkNeighbourhood(check, "itemNeighbourhoodSize", itemNeighbourhoodSize);
    checkNeighbourhood(check, "userNeighbourhoodSize", userNeighbourhoodSize);
    check.number("itemSimilarityAsymmetry", itemSimilarityAsymmetry, { min: 0, max: 1 });
    const blendObject: RecommendationBlend = typeof blend === "object" && blend !== null ? blend : {};
    check.object("blend", blend);
    const { item = 0.8, user = 0.2, content = 0.2 } = blendObject;
    const blendValid = [
      check.number("blend.item", item, { min: 0 }),
      check.number("blend.user", user, { min: 0 }),
      check.number("blend.content", content, { min: 0 }),
    ].every(Boolean);
    if (blendValid) check.check(item + user + content > 0, "blend", "needs at least one positive weight");
    if (featureDimension !== undefined) {
      check.number("featureDimension", featureDimension, { integer: true, min: 1, max: MAX_FEATURE_DIMENSION });
    }
    check.check(
      typeof clock === "object" && clock !== null && typeof clock.now === "function",
      "clock",
      "must be a Clock (an object with now())",
    );
    check.done();
    this.#minInteractions = minInteractions;
    this.#maxRecommendations = maxRecommendations;
    this.#weights = Object.freeze({ ...DEFAULT_INTERACTION_WEIGHTS, ...interactionWeights });
    this.#itemNeighbourhoodSize = itemNeighbourhoodSize;
    this.#userNeighbourhoodSize = userNeighbourhoodSize;
    this.#asymmetry = itemSimilarityAsymmetry;
    this.#blendItem = item;
    this.#blendUser = user;
    this.#blendContent = content;
    this.#featureDimension = featureDimension;
    this.#clock = clock;
  }

  /**
   * Records one interaction. Its affinity contribution is `weight(type) × value`; contributions of the same user
   * and item add up, except a `rating`, which replaces the user's previous rating of that item. The next
   * {@link generateRecommendations} call sees it; nothing is rebuilt.
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
    const contribution = this.#weights[type] * (value ?? 1);
    const user = this.#registerUser(userId);
    const item = this.#registerItem(itemId);
    const previous = getRowValue(this.#userRows[user] as SparseRow, item);
    if (type === "rating") {
      let ratings = this.#userRatings[user];
      if (ratings === undefined) {
        ratings = new Map();
        this.#userRatings[user] = ratings;
      }
      const previousRating = ratings.get(item) ?? 0;
      ratings.set(item, contribution);
      this.#setStrength(user, item, previous - previousRating + contribution);
    } else {
      this.#setStrength(user, item, previous + contribution);
    }
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
      const expected = this.#featureDimension;
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
    this.#featureDimension ??= vector.length;
    const item = this.#registerItem(itemId);
    // `+ 0` turns -0 into 0: JSON has no -0, and snapshots must round-trip exactly.
    const copy = Float64Array.from(vector, (entry) => entry + 0);
    let squared = 0;
    for (const entry of copy) squared += entry * entry;
    if (this.#features[item] === undefined) this.#featuredItems.push(item);
    this.#features[item] = copy;
    this.#featureNorm[item] = Math.sqrt(squared);
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
      if (availability.available !== undefined) check.boolean("availability.available", availability.available);
      if (availability.expiresAt === null) expiresAt = null;
      else if (availability.expiresAt !== undefined) {
        expiresAt = toEpochMillis(availability.expiresAt);
        if (expiresAt === undefined) check.timestamp("availability.expiresAt", availability.expiresAt);
      }
    }
    check.done();
    const item = this.#registerItem(itemId);
    if (availability.available !== undefined) this.#unavailable[item] = availability.available ? 0 : 1;
    if (expiresAt !== undefined) this.#expiresAt[item] = expiresAt ?? Number.POSITIVE_INFINITY;
    this.#availabilitySet.add(item);
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
      options.limit === undefined &&
      options.exclude === undefined &&
      options.includeInteracted === undefined;
    if (!plainCall) this.#checkGenerateArguments(userId, options);
    const { limit = this.#maxRecommendations, exclude = [], includeInteracted = false } = options;
    const user = this.#userIndex.get(userId);
    const flags = this.#itemFlags;
    const flagged: number[] = [];
    const flag = (item: number, bit: number): void => {
      if (flags[item] === 0) flagged.push(item);
      flags[item] = (flags[item] as number) | bit;
    };
    for (const id of exclude) {
      const item = this.#itemIndex.get(id);
      if (item !== undefined) flag(item, EXCLUDED_ITEM);
    }
    const userRow = user === undefined ? undefined : (this.#userRows[user] as SparseRow);
    if (userRow !== undefined && !includeInteracted) for (const item of userRow.columns) flag(item, OWN_ITEM);
    try {
      const now = this.#clock.now();
      const isBlocked = (item: number): boolean =>
        flags[item] !== 0 || this.#unavailable[item] === 1 || (this.#expiresAt[item] as number) <= now;
      if (user === undefined || userRow === undefined || userRow.columns.length < this.#minInteractions) {
        return this.#popular(limit, isBlocked, [], true);
      }
      const personal = this.#personalised(user, userRow, limit, now);
      if (personal.length >= limit) return personal;
      return this.#popular(limit, isBlocked, personal, false);
    } finally {
      for (const item of flagged) flags[item] = 0;
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
    return {
      users: this.#userIds.length,
      items: this.#itemIds.length,
      interactions: this.#pairs,
      featuredItems: this.#featuredItems.length,
    };
  }

  /**
   * The whole learned state as plain JSON (options excluded: pass them again to {@link RecommendationEngine.fromJSON}).
   *
   * @returns A {@link RecommendationEngineSnapshot}.
   * @example
   * ```ts
   * const restored = RecommendationEngine.fromJSON(JSON.parse(JSON.stringify(recommender)), options);
   * ```
   */
  toJSON(): RecommendationEngineSnapshot {
    const interactions: [number, number, number, number][] = [];
    this.#userRows.forEach((row, user) => {
      const ratings = this.#userRatings[user];
      row.columns.forEach((item, position) => {
        interactions.push([user, item, row.values[position] as number, ratings?.get(item) ?? 0]);
      });
    });
    return {
      version: 1,
      users: [...this.#userIds],
      items: [...this.#itemIds],
      interactions,
      features: this.#featuredItems.map((item) => [item, Array.from(this.#features[item] as Float64Array)] as const),
      availability: [...this.#availabilitySet].map((item) => {
        const expiresAt = this.#expiresAt[item] as number;
        return [item, this.#unavailable[item] !== 1, Number.isFinite(expiresAt) ? expiresAt : null] as const;
      }),
    };
  }

  /**
   * Rebuilds an engine from {@link RecommendationEngine.toJSON} output; it recommends what the original did (the
   * same items, reasons and order; scores equal up to floating-point rounding, as norms are re-summed).
   *
   * @param snapshot - A snapshot (for example parsed back from JSON).
   * @param options - The engine options (not part of the snapshot).
   * @returns A new engine.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the snapshot is malformed (bad version, indices out of
   * range, duplicate pairs, non-finite or non-positive strengths, inconsistent feature lengths) or the options are.
   * @example
   * ```ts
   * const restored = RecommendationEngine.fromJSON(saved, { minInteractions: 5 });
   * ```
   */
  static fromJSON(
    snapshot: RecommendationEngineSnapshot,
    options: RecommendationEngineOptions = {},
  ): RecommendationEngine {
    const engine = new RecommendationEngine(options);
    const check = createValidator("RecommendationEngine.fromJSON");
    if (!check.object("snapshot", snapshot)) check.done();
    check.check(snapshot.version === 1, "snapshot.version", `must be 1, got ${String(snapshot.version)}`);
    const usersValid = check.array("snapshot.users", snapshot.users);
    const itemsValid = check.array("snapshot.items", snapshot.items);
    if (usersValid) for (const [index, id] of snapshot.users.entries()) checkId(check, `snapshot.users.${index}`, id);
    if (itemsValid) for (const [index, id] of snapshot.items.entries()) checkId(check, `snapshot.items.${index}`, id);
    check.check(
      !usersValid || new Set(snapshot.users).size === snapshot.users.length,
      "snapshot.users",
      "has duplicates",
    );
    check.check(
      !itemsValid || new Set(snapshot.items).size === snapshot.items.length,
      "snapshot.items",
      "has duplicates",
    );
    check.done();
    const userCount = snapshot.users.length;
    const itemCount = snapshot.items.length;
    const isIndex = (value: unknown, count: number): boolean =>
      typeof value === "number" && Number.isInteger(value) && value >= 0 && value < count;
    const seenPairs = new Set<number>();
    if (check.array("snapshot.interactions", snapshot.interactions)) {
      for (const [index, entry] of snapshot.interactions.entries()) {
        const path = `snapshot.interactions.${index}`;
        if (!Array.isArray(entry) || entry.length !== 4) {
          check.fail(path, "must be [user, item, strength, rating]");
          continue;
        }
        const [user, item, strength, rating] = entry;
        check.check(isIndex(user, userCount) && isIndex(item, itemCount), path, "has an index out of range");
        check.number(`${path}.2`, strength, { positive: true });
        check.number(`${path}.3`, rating, { min: 0 });
        const key = user * itemCount + item;
        check.check(!seenPairs.has(key), path, "repeats a user-item pair");
        seenPairs.add(key);
      }
    }
    let dimension = engine.#featureDimension;
    if (check.array("snapshot.features", snapshot.features)) {
      for (const [index, entry] of snapshot.features.entries()) {
        const path = `snapshot.features.${index}`;
        if (!Array.isArray(entry) || entry.length !== 2 || !Array.isArray(entry[1])) {
          check.fail(path, "must be [item, vector]");
          continue;
        }
        check.check(isIndex(entry[0], itemCount), path, "has an item index out of range");
        dimension ??= entry[1].length;
        check.check(entry[1].length === dimension, `${path}.1`, `must hold ${dimension} numbers`);
        for (const [position, value] of entry[1].entries()) check.number(`${path}.1.${position}`, value);
      }
    }
    if (check.array("snapshot.availability", snapshot.availability)) {
      for (const [index, entry] of snapshot.availability.entries()) {
        const path = `snapshot.availability.${index}`;
        if (!Array.isArray(entry) || entry.length !== 3) {
          check.fail(path, "must be [item, available, expiresAt]");
          continue;
        }
        check.check(isIndex(entry[0], itemCount), path, "has an item index out of range");
        check.boolean(`${path}.1`, entry[1]);
        if (entry[2] !== null) check.number(`${path}.2`, entry[2]);
      }
    }
    check.done();
    for (const id of snapshot.users) engine.#registerUser(id);
    for (const id of snapshot.items) engine.#registerItem(id);
    for (const [user, item, strength, rating] of snapshot.interactions) {
      if (rating > 0) {
        const ratings = engine.#userRatings[user] ?? new Map<number, number>();
        engine.#userRatings[user] = ratings;
        ratings.set(item, rating);
      }
      engine.#setStrength(user, item, strength);
    }
    for (const [item, vector] of snapshot.features) engine.addItemFeatures(snapshot.items[item] as string, vector);
    for (const [item, available, expiresAt] of snapshot.availability) {
      engine.setItemAvailability(snapshot.items[item] as string, { available, expiresAt });
    }
    return engine;
  }

  #checkGenerateArguments(userId: string, options: GenerateRecommendationsOptions): void {
    const check = createValidator("RecommendationEngine.generateRecommendations");
    checkId(check, "userId", userId);
    if (check.object("options", options)) {
      const { limit, exclude, includeInteracted } = options;
      if (limit !== undefined)
        check.number("options.limit", limit, { integer: true, min: 1, max: this.#maxRecommendations });
      if (exclude !== undefined && check.array("options.exclude", exclude)) {
        for (const [index, id] of exclude.entries()) checkId(check, `options.exclude.${index}`, id);
      }
      if (includeInteracted !== undefined) check.boolean("options.includeInteracted", includeInteracted);
    }
    check.done();
  }

  #registerUser(userId: string): number {
    const existing = this.#userIndex.get(userId);
    if (existing !== undefined) return existing;
    const user = this.#userIds.length;
    this.#userIds.push(userId);
    this.#userIndex.set(userId, user);
    this.#userRows.push(createSparseRow());
    this.#userRatings.push(undefined);
    this.#userSquaredNorm.push(0);
    if (user >= this.#userMark.length) {
      const size = this.#userMark.length * 2;
      this.#userAccumulator = new Float64Array(size);
      this.#userDot = new Float64Array(size);
      this.#userMark = new Uint8Array(size);
    }
    return user;
  }

  #registerItem(itemId: string): number {
    const existing = this.#itemIndex.get(itemId);
    if (existing !== undefined) return existing;
    const item = this.#itemIds.length;
    this.#itemIds.push(itemId);
    this.#itemIndex.set(itemId, item);
    this.#itemRows.push(createSparseRow());
    this.#itemSquaredNorm.push(0);
    this.#targetScale.push(0);
    this.#sourceScale.push(0);
    this.#features.push(undefined);
    this.#featureNorm.push(0);
    this.#unavailable.push(0);
    this.#expiresAt.push(Number.POSITIVE_INFINITY);
    if (item >= this.#itemMark.length) {
      const size = this.#itemMark.length * 2;
      this.#itemScore = new Float64Array(size);
      this.#userScore = new Float64Array(size);
      this.#contentScore = new Float64Array(size);
      this.#blendScore = new Float64Array(size);
      this.#itemMark = new Uint8Array(size);
      const flags = new Uint8Array(size);
      flags.set(this.#itemFlags);
      this.#itemFlags = flags;
    }
    this.#popularOrder = undefined;
    return item;
  }

  /** The single place the matrix changes: rows, norms, similarity scales and popularity move together. */
  #setStrength(user: number, item: number, strength: number): void {
    const userRow = this.#userRows[user] as SparseRow;
    const previous = getRowValue(userRow, item);
    setRowValue(userRow, item, strength);
    setRowValue(this.#itemRows[item] as SparseRow, user, strength);
    const delta = strength * strength - previous * previous;
    this.#userSquaredNorm[user] = (this.#userSquaredNorm[user] as number) + delta;
    const squared = (this.#itemSquaredNorm[item] as number) + delta;
    this.#itemSquaredNorm[item] = squared;
    this.#targetScale[item] = squared > 0 ? squared ** -this.#asymmetry : 0;
    this.#sourceScale[item] = squared > 0 ? squared ** -(1 - this.#asymmetry) : 0;
    if (previous === 0) {
      this.#pairs += 1;
      this.#popularOrder = undefined;
    }
    this.#generation += 1;
  }

  #personalised(user: number, userRow: SparseRow, limit: number, now: number): Recommendation[] {
    const itemScore = this.#itemScore;
    const userScore = this.#userScore;
    const contentScore = this.#contentScore;
    const itemMark = this.#itemMark;
    // Reused across calls (a list plus a count) so a call over thousands of candidates allocates no arrays.
    const touchedItems = this.#touchedItems;
    this.#touchedItemCount = 0;
    const touch = (item: number): void => {
      if (itemMark[item] === 0) {
        itemMark[item] = 1;
        touchedItems[this.#touchedItemCount++] = item;
        itemScore[item] = 0;
        userScore[item] = 0;
        contentScore[item] = 0;
      }
    };
    try {
      this.#accumulateCollaborative(user, userRow);
      if (this.#blendContent > 0) this.#accumulateContent(userRow, touch);
      const touchedCount = this.#touchedItemCount;
      const factorised = this.#blendItem > 0 && !Number.isFinite(this.#itemNeighbourhoodSize);
      const targetScale = this.#targetScale;
      const flags = this.#itemFlags;
      const unavailable = this.#unavailable;
      const expiresAt = this.#expiresAt;
      const pruned = this.#blendItem > 0 && Number.isFinite(this.#itemNeighbourhoodSize);
      let maxItem = 0;
      let maxUser = 0;
      for (let position = 0; position < touchedCount; position += 1) {
        const item = touchedItems[position] as number;
        if (flags[item] !== 0 || unavailable[item] === 1 || (expiresAt[item] as number) <= now) continue;
        if (factorised) itemScore[item] = (itemScore[item] as number) * (targetScale[item] as number);
        else if (pruned) itemScore[item] = this.#prunedItemScore(item, userRow);
        if ((itemScore[item] as number) > maxItem) maxItem = itemScore[item] as number;
        if ((userScore[item] as number) > maxUser) maxUser = userScore[item] as number;
      }
      const itemFactor = maxItem > 0 ? this.#blendItem / maxItem : 0;
      const userFactor = maxUser > 0 ? this.#blendUser / maxUser : 0;
      const contentFactor = this.#blendContent;
      const blendScore = this.#blendScore;
      const itemIds = this.#itemIds;
      const heap = createBoundedHeap<number>(limit, (a, b) => {
        const difference = (blendScore[a] as number) - (blendScore[b] as number);
        return difference > 0 || (difference === 0 && compareIds(itemIds[a] as string, itemIds[b] as string) < 0);
      });
      let threshold = 0;
      for (let position = 0; position < touchedCount; position += 1) {
        const item = touchedItems[position] as number;
        if (flags[item] !== 0 || unavailable[item] === 1 || (expiresAt[item] as number) <= now) continue;
        const total =
          (itemScore[item] as number) * itemFactor +
          (userScore[item] as number) * userFactor +
          (contentScore[item] as number) * contentFactor;
        // Most candidates lose to a full heap's worst entry; skip the comparator call for them.
        if (total > 0 && total >= threshold) {
          blendScore[item] = total;
          heap.offer(item);
          if (heap.size === limit) threshold = blendScore[heap.worst() as number] as number;
        }
      }
      return heap.drain().map((item) => {
        const parts = {
          similar_item: (itemScore[item] as number) * itemFactor,
          collaborative: (userScore[item] as number) * userFactor,
          content: (contentScore[item] as number) * contentFactor,
        };
        const reason =
          parts.similar_item >= parts.collaborative && parts.similar_item >= parts.content
            ? "similar_item"
            : parts.collaborative >= parts.content
              ? "collaborative"
              : "content";
        const basedOn =
          reason === "similar_item"
            ? this.#strongestNeighbour(item, userRow)
            : reason === "content"
              ? this.#closestFeatured(item, userRow)
              : undefined;
        const recommendation: Recommendation = {
          itemId: itemIds[item] as string,
          score: blendScore[item] as number,
          reason,
          ...(basedOn === undefined ? {} : { basedOnItemId: itemIds[basedOn] as string }),
        };
        return recommendation;
      });
    } finally {
      for (let position = 0; position < this.#touchedItemCount; position += 1)
        itemMark[touchedItems[position] as number] = 0;
    }
  }

  /**
   * One pass over the users who share an item with `user` feeds both kNN components. Item kNN uses the factorised
   * form `score(i) = t(i) Σ_v R[v,i] Σ_{j∈u} R[u,j] R[v,j] s(j)` (t, s: the asymmetric cosine scales), which equals
   * `Σ_{j∈u} R[u,j] sim(i, j)` without materialising any item-item matrix; user kNN needs the same `R[u]·R[v]` dots.
   */
  #accumulateCollaborative(user: number, userRow: SparseRow): void {
    const accumulator = this.#userAccumulator;
    const dot = this.#userDot;
    const mark = this.#userMark;
    const sourceScale = this.#sourceScale;
    const touchedUsers = this.#touchedUsers;
    let userCount = 0;
    const { columns, values } = userRow;
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      const weight = values[position] as number;
      const sourceWeight = weight * (sourceScale[item] as number);
      const itemRow = this.#itemRows[item] as SparseRow;
      const others = itemRow.columns;
      const otherValues = itemRow.values;
      for (let index = 0; index < others.length; index += 1) {
        const other = others[index] as number;
        const otherWeight = otherValues[index] as number;
        if (mark[other] === 0) {
          mark[other] = 1;
          touchedUsers[userCount++] = other;
          accumulator[other] = 0;
          dot[other] = 0;
        }
        accumulator[other] = (accumulator[other] as number) + sourceWeight * otherWeight;
        dot[other] = (dot[other] as number) + weight * otherWeight;
      }
    }
    const itemScore = this.#itemScore;
    const userScore = this.#userScore;
    const touchedItems = this.#touchedItems;
    let itemCount = this.#touchedItemCount;
    try {
      const factorised = this.#blendItem > 0 && !Number.isFinite(this.#itemNeighbourhoodSize);
      const itemMark = this.#itemMark;
      const contentScore = this.#contentScore;
      const userRows = this.#userRows;
      // The hot loop of every call: touching is inlined (same bookkeeping as `touch` in #personalised).
      for (let userPosition = 0; userPosition < userCount; userPosition += 1) {
        const other = touchedUsers[userPosition] as number;
        const { columns: items, values: weights } = userRows[other] as SparseRow;
        const contribution = factorised ? (accumulator[other] as number) : 0;
        for (let index = 0; index < items.length; index += 1) {
          const item = items[index] as number;
          if (itemMark[item] === 0) {
            itemMark[item] = 1;
            touchedItems[itemCount++] = item;
            itemScore[item] = 0;
            userScore[item] = 0;
            contentScore[item] = 0;
          }
          itemScore[item] = (itemScore[item] as number) + (weights[index] as number) * contribution;
        }
      }
      if (factorised) {
        for (let position = 0; position < columns.length; position += 1) {
          const item = columns[position] as number;
          // sim(i, i) is 0 by definition; remove the self term the factorised sum picked up.
          const self =
            (values[position] as number) * (sourceScale[item] as number) * (this.#itemSquaredNorm[item] as number);
          itemScore[item] = (itemScore[item] as number) - self;
        }
      }
      this.#touchedItemCount = itemCount;
      if (this.#blendUser > 0) this.#accumulateUserKnn(user, touchedUsers, userCount, userScore);
    } finally {
      this.#touchedItemCount = itemCount;
      for (let position = 0; position < userCount; position += 1) mark[touchedUsers[position] as number] = 0;
    }
  }

  /** Content component: cosine between each featured item and the user's strength-weighted mean unit vector. */
  #accumulateContent(userRow: SparseRow, touch: (item: number) => void): void {
    const dimension = this.#featureDimension;
    if (dimension === undefined || this.#featuredItems.length === 0) return;
    const profile = new Float64Array(dimension);
    const { columns, values } = userRow;
    for (let position = 0; position < columns.length; position += 1) {
      const item = columns[position] as number;
      const vector = this.#features[item];
      const norm = this.#featureNorm[item] as number;
      if (vector === undefined || norm === 0) continue;
      const scale = (values[position] as number) / norm;
      for (let index = 0; index < dimension; index += 1) {
        profile[index] = (profile[index] as number) + scale * (vector[index] as number);
      }
    }
    let squared = 0;
    for (const entry of profile) squared += entry * entry;
    if (squared === 0) return;
    const profileNorm = Math.sqrt(squared);
    const contentScore = this.#contentScore;
    for (const item of this.#featuredItems) {
      const vector = this.#features[item] as Float64Array;
      const norm = this.#featureNorm[item] as number;
      if (norm === 0) continue;
      let dot = 0;
      for (let index = 0; index < dimension; index += 1) dot += (profile[index] as number) * (vector[index] as number);
      const cosine = dot / (profileNorm * norm);
      if (cosine > 0) {
        touch(item);
        contentScore[item] = cosine;
      }
    }
  }

  /** Item-kNN score restricted to each target's cached top-k neighbours (finite `itemNeighbourhoodSize`). */
  #prunedItemScore(item: number, userRow: SparseRow): number {
    const cached = this.#neighbourCache.get(item);
    let similarities = cached?.generation === this.#generation ? cached.similarities : undefined;
    if (similarities === undefined) {
      similarities = this.#computeNeighbours(item);
      this.#neighbourCache.set(item, { generation: this.#generation, similarities });
    }
    let score = 0;
    if (similarities.size < userRow.columns.length) {
      for (const [other, similarity] of similarities) score += similarity * getRowValue(userRow, other);
    } else {
      const { columns, values } = userRow;
      for (let position = 0; position < columns.length; position += 1) {
        score += (similarities.get(columns[position] as number) ?? 0) * (values[position] as number);
      }
    }
    return score;
  }

  /** Dot products of `item` with every co-occurring item, from the rows of the item's users. */
  #itemDots(item: number): Map<number, number> {
    const dots = new Map<number, number>();
    const { columns: users, values: weights } = this.#itemRows[item] as SparseRow;
    for (let index = 0; index < users.length; index += 1) {
      const weight = weights[index] as number;
      const { columns, values } = this.#userRows[users[index] as number] as SparseRow;
      for (let position = 0; position < columns.length; position += 1) {
        const other = columns[position] as number;
        if (other === item) continue;
        dots.set(other, (dots.get(other) ?? 0) + weight * (values[position] as number));
      }
    }
    return dots;
  }

  #computeNeighbours(item: number): Map<number, number> {
    const targetScale = this.#targetScale[item] as number;
    const entries: { other: number; similarity: number }[] = [];
    for (const [other, dot] of this.#itemDots(item)) {
      entries.push({ other, similarity: dot * targetScale * (this.#sourceScale[other] as number) });
    }
    const itemIds = this.#itemIds;
    const heap = createBoundedHeap<{ other: number; similarity: number }>(
      Math.max(1, Math.min(this.#itemNeighbourhoodSize, entries.length)),
      (a, b) =>
        a.similarity > b.similarity ||
        (a.similarity === b.similarity && compareIds(itemIds[a.other] as string, itemIds[b.other] as string) < 0),
    );
    for (const entry of entries) heap.offer(entry);
    return new Map(heap.drain().map((entry) => [entry.other, entry.similarity]));
  }

  /** The user's item that contributes most to `item`'s item-kNN score, for `basedOnItemId`. */
  #strongestNeighbour(item: number, userRow: SparseRow): number | undefined {
    // Mark the item's users with their strengths so each dot(item, j) is one pass over j's users.
    const strengthOf = this.#userAccumulator;
    const mark = this.#userMark;
    const { columns: users, values: strengths } = this.#itemRows[item] as SparseRow;
    for (let index = 0; index < users.length; index += 1) {
      mark[users[index] as number] = 1;
      strengthOf[users[index] as number] = strengths[index] as number;
    }
    let best: number | undefined;
    let bestValue = 0;
    try {
      const { columns, values } = userRow;
      for (let position = 0; position < columns.length; position += 1) {
        const other = columns[position] as number;
        if (other === item) continue;
        const { columns: otherUsers, values: otherStrengths } = this.#itemRows[other] as SparseRow;
        let dot = 0;
        for (let index = 0; index < otherUsers.length; index += 1) {
          const otherUser = otherUsers[index] as number;
          if (mark[otherUser] === 1) dot += (strengthOf[otherUser] as number) * (otherStrengths[index] as number);
        }
        const value = dot * (values[position] as number) * (this.#sourceScale[other] as number);
        if (value > bestValue || (value === bestValue && best !== undefined && this.#itemOrder(other, best) < 0)) {
          best = other;
          bestValue = value;
        }
      }
    } finally {
      for (const user of users) mark[user] = 0;
    }
    return best;
  }

  /** The user's featured item with the highest feature cosine to `item`, for `basedOnItemId`. */
  #closestFeatured(item: number, userRow: SparseRow): number | undefined {
    const vector = this.#features[item];
    const norm = this.#featureNorm[item] as number;
    if (vector === undefined || norm === 0) return undefined;
    let best: number | undefined;
    let bestValue = 0;
    for (const other of userRow.columns) {
      const otherVector = this.#features[other];
      const otherNorm = this.#featureNorm[other] as number;
      if (otherVector === undefined || otherNorm === 0 || other === item) continue;
      let dot = 0;
      for (let index = 0; index < vector.length; index += 1) {
        dot += (vector[index] as number) * (otherVector[index] as number);
      }
      const cosine = dot / (norm * otherNorm);
      if (cosine > bestValue || (cosine === bestValue && best !== undefined && this.#itemOrder(other, best) < 0)) {
        best = other;
        bestValue = cosine;
      }
    }
    return best;
  }

  #itemOrder(a: number, b: number): number {
    return compareIds(this.#itemIds[a] as string, this.#itemIds[b] as string);
  }

  /**
   * Appends the most popular (most distinct users) unblocked items not already in `personal`. A pure fallback
   * scores each by its share of users; fill-ups after personalised items score 0 so the list stays sorted.
   */
  #popular(
    limit: number,
    isBlocked: (item: number) => boolean,
    personal: Recommendation[],
    pure: boolean,
  ): Recommendation[] {
    this.#popularOrder ??= this.#itemRows
      .map((row, item) => ({ item, count: row.columns.length }))
      .filter((entry) => entry.count > 0)
      .sort((a, b) => b.count - a.count || this.#itemOrder(a.item, b.item))
      .map((entry) => entry.item);
    const result = [...personal];
    const chosen = new Set(personal.map((recommendation) => recommendation.itemId));
    const userCount = Math.max(1, this.#userIds.length);
    for (const item of this.#popularOrder) {
      if (result.length >= limit) break;
      const itemId = this.#itemIds[item] as string;
      if (isBlocked(item) || chosen.has(itemId)) continue;
      const count = (this.#itemRows[item] as SparseRow).columns.length;
      result.push({ itemId, score: pure ? count / userCount : 0, reason: "popular_fallback" });
    }
    return result;
  }

  #accumulateUserKnn(user: number, touchedUsers: readonly number[], userCount: number, userScore: Float64Array): void {
    const dot = this.#userDot;
    const userNorm = Math.sqrt(this.#userSquaredNorm[user] as number);
    if (userNorm === 0) return;
    const similarity = this.#userAccumulator;
    // Equal similarities are common with binary feedback; the user seen first wins, which is cheaper on this hot path
    // than comparing ids (and is id order when users arrive in id order, as in the reference protocol).
    const heap = createBoundedHeap<number>(Math.max(1, Math.min(this.#userNeighbourhoodSize, userCount)), (a, b) => {
      const difference = (similarity[a] as number) - (similarity[b] as number);
      return difference > 0 || (difference === 0 && a < b);
    });
    const capacity = Math.min(this.#userNeighbourhoodSize, userCount);
    const squaredNorms = this.#userSquaredNorm;
    let threshold = 0;
    for (let position = 0; position < userCount; position += 1) {
      const other = touchedUsers[position] as number;
      if (other === user) continue;
      const otherNorm = Math.sqrt(squaredNorms[other] as number);
      // The item-kNN accumulator is no longer needed, so it holds the user similarities.
      const value = otherNorm > 0 ? (dot[other] as number) / (userNorm * otherNorm) : 0;
      similarity[other] = value;
      // Users below a full heap's worst neighbour cannot enter it; skip the comparator for them.
      if (value > 0 && value >= threshold) {
        heap.offer(other);
        if (heap.size === capacity) threshold = similarity[heap.worst() as number] as number;
      }
    }
    for (const neighbour of heap.drain()) {
      const weight = similarity[neighbour] as number;
      const { columns, values } = this.#userRows[neighbour] as SparseRow;
      for (let index = 0; index < columns.length; index += 1) {
        const item = columns[index] as number;
        userScore[item] = (userScore[item] as number) + weight * (values[index] as number);
      }
    }
  }
}

function isPlainId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= ID_MAX_LENGTH;
}

function checkId(check: Validator, path: string, value: unknown): boolean {
  return check.string(path, value, { maxLength: ID_MAX_LENGTH });
}

function checkNeighbourhood(check: Validator, path: string, value: unknown): void {
  if (value === Number.POSITIVE_INFINITY) return;
  check.number(path, value, { integer: true, min: 1 });
}
