import { type Clock, createValidator, systemClock, type Validator } from "@pelbiot/core";
import { DEFAULT_INTERACTION_WEIGHTS, INTERACTION_TYPES, type InteractionType } from "./interaction-types";
import type { RecommendationBlend, RecommendationModelChoice, ValidationHoldOut } from "./recommendation-engine-types";

/** Ids (users, items) are non-empty strings of at most this many characters. */
export const ID_MAX_LENGTH = 512;
/** The largest interaction value and interaction weight accepted. */
export const MAX_INTERACTION_VALUE = 1e9;
/** The longest feature vector accepted. */
export const MAX_FEATURE_DIMENSION = 10_000;
/** The accepted values of the `model` option. */
export const RECOMMENDATION_MODEL_CHOICES = ["auto", "knn", "ease", "als"] as const;
/** The accepted values of the `validationHoldOut` option. */
export const VALIDATION_HOLD_OUTS = ["latest", "random"] as const;
/** The largest `maxEaseItems` accepted (EASE holds a dense items × items matrix: 20,000 items are 3.2 GB). */
export const MAX_EASE_ITEMS_LIMIT = 20_000;

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
  /**
   * Which model scores personalised recommendations. `"auto"` trains on first use (or {@link
   * RecommendationEngine.train}): it holds out a share of each user's interactions, scores the kNN blend and EASE
   * (over a λ search) by NDCG@10 on them — or, above `maxEaseItems` items, the kNN blend and implicit ALS over a
   * λ search (as `"als"` does, stopping early where the fits would pass a training budget of about four fits of a
   * second each) while one ALS fit stays within about a second (MovieLens-100k-sized data fits; beyond it the kNN
   * blend is kept, `reason: "too_many_items"`) — keeps the winner and refits it on everything
   * ({@link RecommendationEngine.getModelReport} tells which and why).
   * `"knn"` is the item/user kNN blend with no training; `"ease"` and `"als"` always use that model, with its
   * hyper-parameters chosen the same way. EASE and ALS learn from interactions only: item features (content
   * similarity) and the user-user component are part of the kNN blend, so with features that matter for cold items,
   * validation decides or fix `"knn"`.
   * @default "auto"
   */
  model?: RecommendationModelChoice;
  /**
   * EASE inverts a dense items × items matrix (time grows with items³; memory about 32 bytes × items² while
   * training, 8 bytes × items² kept); above this many items it is not tried: `"auto"` then chooses between the kNN
   * blend and implicit ALS (whose cost grows with interactions × factors², not items³), and `model: "ease"` falls
   * back to kNN with `reason: "too_many_items"` in the model report. Training runs synchronously on first use; with
   * the λ search (three or four fits, then the refit on all data) on 100,000 interactions it takes 1.2–1.5 s of CPU
   * at 1,000 items and 2.5–2.9 s at 1,682 on a shared two-core machine, and grows with items³, so the default keeps
   * first use well under 3 s. Raise it (and call {@link RecommendationEngine.train} off the request path) for larger
   * catalogues.
   * @default 1000
   */
  maxEaseItems?: number;
  /**
   * Which of each validation user's items model selection holds out. `"latest"`: the items the user reached last
   * (in the order `trackInteraction` first saw each of them), so `"auto"` keeps the model that best predicts what a
   * user does next; track interactions in the order they happened. `"random"`: a seeded random share, for data
   * loaded in an order that says nothing about time.
   * @default "latest"
   */
  validationHoldOut?: ValidationHoldOut;
  /**
   * After training, the next `generateRecommendations` or `getModelReport` call retrains once the number of distinct
   * user-item pairs has reached `retrainGrowth` × the number at the last training (2: every doubling, so retraining
   * costs amortised O(1) per interaction). `Infinity` retrains only through {@link RecommendationEngine.train}.
   * @default 2
   */
  retrainGrowth?: number;
  /** Time source for item expiry. @default systemClock */
  clock?: Clock;
}
/** Every option of {@link RecommendationEngineOptions}. */
export const RECOMMENDATION_ENGINE_OPTION_KEYS = [
  "minInteractions",
  "maxRecommendations",
  "interactionWeights",
  "itemNeighbourhoodSize",
  "userNeighbourhoodSize",
  "itemSimilarityAsymmetry",
  "blend",
  "featureDimension",
  "model",
  "maxEaseItems",
  "validationHoldOut",
  "retrainGrowth",
  "clock",
] as const;

/** Every option of {@link GenerateRecommendationsOptions}. */
export const GENERATE_RECOMMENDATIONS_OPTION_KEYS = ["limit", "exclude", "includeInteracted"] as const;

const BLEND_KEYS = ["item", "user", "content"] as const;

/** The constructor's options with every default applied. */
export interface ResolvedRecommendationEngineOptions {
  readonly minInteractions: number;
  readonly maxRecommendations: number;
  /** Every interaction type's weight (defaults merged with the overrides). */
  readonly interactionWeights: Readonly<Record<InteractionType, number>>;
  readonly itemNeighbourhoodSize: number;
  readonly userNeighbourhoodSize: number;
  readonly itemSimilarityAsymmetry: number;
  readonly blend: Readonly<Required<RecommendationBlend>>;
  readonly featureDimension: number | undefined;
  readonly model: RecommendationModelChoice;
  readonly maxEaseItems: number;
  readonly validationHoldOut: ValidationHoldOut;
  readonly retrainGrowth: number;
  readonly clock: Clock;
}

/**
 * Validates the options of `new RecommendationEngine(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted keys).
 * @example
 * ```ts
 * resolveRecommendationEngineOptions({ minInteractions: 3 }).maxRecommendations; // 10
 * ```
 */
export function resolveRecommendationEngineOptions(options: unknown): ResolvedRecommendationEngineOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("RecommendationEngine constructor");
  if (!check.object("options", given)) check.done();
  const record = given as RecommendationEngineOptions & Record<string, unknown>;
  check.knownKeys("options", record, RECOMMENDATION_ENGINE_OPTION_KEYS);
  const {
    minInteractions = 5,
    maxRecommendations = 10,
    interactionWeights = {},
    itemNeighbourhoodSize = Number.POSITIVE_INFINITY,
    userNeighbourhoodSize = 50,
    itemSimilarityAsymmetry = 0.3,
    blend = {},
    featureDimension,
    model = "auto",
    maxEaseItems = 1_000,
    validationHoldOut = "latest",
    retrainGrowth = 2,
    clock = systemClock,
  } = record;
  check.number("options.minInteractions", minInteractions, { integer: true, min: 0 });
  check.number("options.maxRecommendations", maxRecommendations, { integer: true, min: 1, max: 10_000 });
  if (check.object("options.interactionWeights", interactionWeights)) {
    check.knownKeys("options.interactionWeights", interactionWeights, INTERACTION_TYPES);
    for (const [type, weight] of Object.entries(interactionWeights)) {
      if (weight === undefined || !(INTERACTION_TYPES as readonly string[]).includes(type)) continue;
      check.number(`options.interactionWeights.${type}`, weight, { positive: true, max: MAX_INTERACTION_VALUE });
    }
  }
  checkNeighbourhood(check, "options.itemNeighbourhoodSize", itemNeighbourhoodSize);
  checkNeighbourhood(check, "options.userNeighbourhoodSize", userNeighbourhoodSize);
  check.number("options.itemSimilarityAsymmetry", itemSimilarityAsymmetry, { min: 0, max: 1 });
  const resolvedBlend = resolveBlend(check, blend);
  if (featureDimension !== undefined) {
    check.number("options.featureDimension", featureDimension, { integer: true, min: 1, max: MAX_FEATURE_DIMENSION });
  }
  check.oneOf("options.model", model, RECOMMENDATION_MODEL_CHOICES);
  check.number("options.maxEaseItems", maxEaseItems, { integer: true, min: 1, max: MAX_EASE_ITEMS_LIMIT });
  check.oneOf("options.validationHoldOut", validationHoldOut, VALIDATION_HOLD_OUTS);
  if (retrainGrowth !== Number.POSITIVE_INFINITY) {
    check.number("options.retrainGrowth", retrainGrowth, { min: 1.01, max: 1_000 });
  }
  check.clock("options.clock", clock);
  check.done();
  return Object.freeze({
    minInteractions,
    maxRecommendations,
    interactionWeights: Object.freeze({ ...DEFAULT_INTERACTION_WEIGHTS, ...withoutUndefined(interactionWeights) }),
    itemNeighbourhoodSize,
    userNeighbourhoodSize,
    itemSimilarityAsymmetry,
    blend: resolvedBlend,
    featureDimension,
    model,
    maxEaseItems,
    validationHoldOut,
    retrainGrowth,
    clock,
  });
}

/**
 * Validates the options of one `generateRecommendations` call (issues go to `check`).
 *
 * @param check - The validator of the call.
 * @param options - The per-call options.
 * @param maxRecommendations - The engine's cap on `limit`.
 */
export function checkGenerateOptions(check: Validator, options: unknown, maxRecommendations: number): void {
  if (!check.object("options", options)) return;
  check.knownKeys("options", options, GENERATE_RECOMMENDATIONS_OPTION_KEYS);
  const { limit, exclude, includeInteracted } = options;
  if (limit !== undefined) check.number("options.limit", limit, { integer: true, min: 1, max: maxRecommendations });
  if (exclude !== undefined && check.array("options.exclude", exclude)) {
    for (const [index, id] of exclude.entries()) checkId(check, `options.exclude.${index}`, id);
  }
  if (includeInteracted !== undefined) check.boolean("options.includeInteracted", includeInteracted);
}

/**
 * Whether a value is a valid id, without building a validator (the fast path of hot calls).
 *
 * @param value - The value.
 * @returns `true` for a non-empty string of at most {@link ID_MAX_LENGTH} characters.
 */
export function isPlainId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= ID_MAX_LENGTH;
}

/**
 * Checks a user or item id.
 *
 * @param check - The validator of the call.
 * @param path - The id's path.
 * @param value - The given id.
 * @returns Whether the id is valid.
 */
export function checkId(check: Validator, path: string, value: unknown): value is string {
  return check.string(path, value, { maxLength: ID_MAX_LENGTH });
}

function resolveBlend(check: Validator, blend: unknown): Readonly<Required<RecommendationBlend>> {
  const defaults = { item: 0.8, user: 0.2, content: 0.2 };
  if (!check.object("options.blend", blend)) return defaults;
  check.knownKeys("options.blend", blend, BLEND_KEYS);
  const { item, user, content } = { ...defaults, ...withoutUndefined(blend as RecommendationBlend) };
  const valid = [
    check.number("options.blend.item", item, { min: 0 }),
    check.number("options.blend.user", user, { min: 0 }),
    check.number("options.blend.content", content, { min: 0 }),
  ].every(Boolean);
  if (valid) check.check(item + user + content > 0, "options.blend", "needs at least one positive weight");
  return Object.freeze({ item, user, content });
}

function checkNeighbourhood(check: Validator, path: string, value: unknown): void {
  if (value === Number.POSITIVE_INFINITY) return;
  check.number(path, value, { integer: true, min: 1 });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
