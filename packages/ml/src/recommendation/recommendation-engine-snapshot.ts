import { createValidator, readSnapshot, type Validator } from "@pelbiot/core";
import { fitAls } from "./internal/als-model";
import { fitEase, gramMatrix } from "./internal/ease-model";
import type { InteractionMatrix } from "./internal/interaction-matrix";
import type { TrainedModel } from "./internal/model-selection";
import {
  checkId,
  MAX_FEATURE_DIMENSION,
  RECOMMENDATION_MODEL_CHOICES,
  VALIDATION_HOLD_OUTS,
} from "./recommendation-engine-options";
import type { RecommendationModelReport } from "./recommendation-engine-types";

/** The `format` of a {@link RecommendationEngineSnapshot}. */
export const RECOMMENDATION_ENGINE_FORMAT = "pelbiot.ml.RecommendationEngine";

const CONTEXT = "RecommendationEngine.fromJSON";

/** The plain-JSON state written by {@link RecommendationEngine.toJSON}. Options are not part of it. */
export interface RecommendationEngineSnapshot {
  /** Identifies the payload. */
  readonly format: typeof RECOMMENDATION_ENGINE_FORMAT;
  /** Format version: 2 adds `model`; version 1 snapshots are still read. */
  readonly version: 1 | 2;
  /** User ids, by internal index. */
  readonly users: readonly string[];
  /** Item ids, by internal index. */
  readonly items: readonly string[];
  /**
   * `[userIndex, itemIndex, strength, ratingPart]`: the affinity and the share of it that came from the rating. Each
   * user's pairs are listed in the order the engine first saw them, which restoring keeps (model selection holds out
   * each user's latest items).
   */
  readonly interactions: readonly (readonly [number, number, number, number])[];
  /** `[itemIndex, vector]`. */
  readonly features: readonly (readonly [number, readonly number[]])[];
  /** `[itemIndex, available, expiresAtEpochMs | null]` for items with availability set. */
  readonly availability: readonly (readonly [number, boolean, number | null])[];
  /**
   * The trained model's report, when the engine had trained. EASE's weights are not stored (items² numbers); they
   * are recomputed on load from the snapshot's interactions with the stored λ and input over the first
   * `trainedItems` items, which gives the original weights exactly when nothing was added since training.
   */
  readonly model?: RecommendationModelReport;
}

/**
 * Writes an engine's learned state as plain JSON.
 *
 * @param matrix - The engine's state.
 * @param trained - The trained model, if any (its report is stored).
 * @returns The snapshot.
 */
export function toRecommendationEngineSnapshot(
  matrix: InteractionMatrix,
  trained?: TrainedModel,
): RecommendationEngineSnapshot {
  const interactions: [number, number, number, number][] = [];
  matrix.userRows.forEach((row, user) => {
    const ratings = matrix.userRatings[user];
    row.columns.forEach((item, position) => {
      interactions.push([user, item, row.values[position] as number, ratings?.get(item) ?? 0]);
    });
  });
  return {
    format: RECOMMENDATION_ENGINE_FORMAT,
    version: 2,
    users: [...matrix.userIds],
    items: [...matrix.itemIds],
    interactions,
    features: matrix.featuredItems.map((item) => [item, Array.from(matrix.features[item] as Float64Array)] as const),
    availability: [...matrix.availabilitySet].map((item) => {
      const expiresAt = matrix.expiresAt[item] as number;
      return [item, matrix.unavailable[item] !== 1, Number.isFinite(expiresAt) ? expiresAt : null] as const;
    }),
    ...(trained === undefined ? {} : { model: structuredClone(trained.report) }),
  };
}

/**
 * Rebuilds the trained model of a snapshot: the report as stored and, for EASE, the weights refitted from the
 * restored interactions with the stored λ and input.
 *
 * @param matrix - The restored matrix.
 * @param report - The snapshot's `model`.
 * @returns The trained model.
 */
export function restoreTrainedModel(matrix: InteractionMatrix, report: RecommendationModelReport): TrainedModel {
  const size = Math.min(report.trainedItems, matrix.itemIds.length);
  if (report.model === "als" && report.als !== undefined) {
    return { report, personal: fitAls(matrix.userRows, size, report.als) };
  }
  if (report.model !== "ease" || report.ease === undefined) return { report, personal: undefined };
  const gram = gramMatrix(matrix.userRows, size, report.ease.input);
  return { report, personal: fitEase(gram, size, report.ease.lambda, report.ease.input) };
}

/**
 * Reads and validates a snapshot written by `toJSON()` (or by the previous release, which wrote `{ version: 1, … }`
 * without a `format`), checking every field before anything is restored.
 *
 * @param json - The snapshot object or its JSON text.
 * @param featureDimension - The engine's fixed feature length, if its options set one.
 * @returns The validated snapshot.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field.
 * @throws {PelbiotError} UNSUPPORTED for a version written by a newer release.
 */
export function readRecommendationEngineSnapshot(
  json: unknown,
  featureDimension: number | undefined,
): RecommendationEngineSnapshot {
  const { snapshot } = readSnapshot(mapLegacyHeader(json), {
    context: CONTEXT,
    format: RECOMMENDATION_ENGINE_FORMAT,
    versions: [1, 2],
  });
  const check = createValidator(CONTEXT);
  const users = checkIds(check, "json.users", snapshot.users);
  const items = checkIds(check, "json.items", snapshot.items);
  check.done();
  checkInteractions(check, snapshot.interactions, users.length, items.length);
  checkFeatures(check, snapshot.features, items.length, featureDimension);
  checkAvailability(check, snapshot.availability, items.length);
  if (snapshot.model !== undefined) checkModel(check, snapshot.model, items.length);
  check.done();
  return snapshot as unknown as RecommendationEngineSnapshot;
}

/**
 * Restores a validated snapshot into an empty matrix.
 *
 * @param matrix - A fresh matrix.
 * @param snapshot - A snapshot returned by {@link readRecommendationEngineSnapshot}.
 */
export function restoreRecommendationEngineSnapshot(
  matrix: InteractionMatrix,
  snapshot: RecommendationEngineSnapshot,
): void {
  for (const id of snapshot.users) matrix.registerUser(id);
  for (const id of snapshot.items) matrix.registerItem(id);
  for (const [user, item, strength, rating] of snapshot.interactions) matrix.restorePair(user, item, strength, rating);
  for (const [item, vector] of snapshot.features) matrix.setFeatures(item, vector);
  for (const [item, available, expiresAt] of snapshot.availability) matrix.setAvailability(item, available, expiresAt);
}

/** The previous release wrote no `format`; its layout is version 1 of the current one. */
function mapLegacyHeader(json: unknown): unknown {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch {
      return json; // readSnapshot reports the bad text
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const isLegacy = !("format" in record) && record.version === 1 && Array.isArray(record.interactions);
  return isLegacy ? { format: RECOMMENDATION_ENGINE_FORMAT, ...record } : value;
}

function isIndex(value: unknown, count: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < count;
}

function checkIds(check: Validator, path: string, value: unknown): string[] {
  if (!check.array(path, value)) return [];
  for (const [index, id] of value.entries()) checkId(check, `${path}.${index}`, id);
  check.check(new Set(value).size === value.length, path, "has duplicates");
  return value as string[];
}

function checkInteractions(check: Validator, value: unknown, userCount: number, itemCount: number): void {
  if (!check.array("json.interactions", value)) return;
  const seenPairs = new Set<number>();
  for (const [index, entry] of value.entries()) {
    const path = `json.interactions.${index}`;
    if (!Array.isArray(entry) || entry.length !== 4) {
      check.fail(path, "must be [user, item, strength, rating]");
      continue;
    }
    const [user, item, strength, rating] = entry as unknown[];
    if (!check.check(isIndex(user, userCount) && isIndex(item, itemCount), path, "has an index out of range")) continue;
    const strengthValid = check.number(`${path}.2`, strength, { positive: true });
    if (check.number(`${path}.3`, rating, { min: 0 }) && strengthValid) {
      // The rating is a share of the strength, so it can never exceed it.
      check.check(rating <= strength, `${path}.3`, `must be at most the strength (${strength})`);
    }
    const key = (user as number) * itemCount + (item as number);
    check.check(!seenPairs.has(key), path, "repeats a user-item pair");
    seenPairs.add(key);
  }
}

function checkFeatures(check: Validator, value: unknown, itemCount: number, fixed: number | undefined): void {
  if (!check.array("json.features", value)) return;
  let dimension = fixed;
  const seen = new Set<number>();
  for (const [index, entry] of value.entries()) {
    const path = `json.features.${index}`;
    if (!Array.isArray(entry) || entry.length !== 2 || !Array.isArray(entry[1])) {
      check.fail(path, "must be [item, vector]");
      continue;
    }
    const [item, vector] = entry as [unknown, unknown[]];
    if (check.check(isIndex(item, itemCount), path, "has an item index out of range")) {
      check.check(!seen.has(item as number), path, "repeats an item");
      seen.add(item as number);
    }
    dimension ??= vector.length;
    check.check(
      vector.length === dimension && dimension >= 1 && dimension <= MAX_FEATURE_DIMENSION,
      `${path}.1`,
      `must hold ${dimension} numbers (1 to ${MAX_FEATURE_DIMENSION}, the same for every item)`,
    );
    for (const [position, number] of vector.entries()) check.number(`${path}.1.${position}`, number);
  }
}

function checkAvailability(check: Validator, value: unknown, itemCount: number): void {
  if (!check.array("json.availability", value)) return;
  const seen = new Set<number>();
  for (const [index, entry] of value.entries()) {
    const path = `json.availability.${index}`;
    if (!Array.isArray(entry) || entry.length !== 3) {
      check.fail(path, "must be [item, available, expiresAt]");
      continue;
    }
    const [item, available, expiresAt] = entry as unknown[];
    if (check.check(isIndex(item, itemCount), path, "has an item index out of range")) {
      check.check(!seen.has(item as number), path, "repeats an item");
      seen.add(item as number);
    }
    check.boolean(`${path}.1`, available);
    if (expiresAt !== null) check.number(`${path}.2`, expiresAt);
  }
}

const MODEL_REASONS = ["validated", "fixed", "too_many_items", "too_little_data"] as const;

function checkModel(check: Validator, value: unknown, itemCount: number): void {
  if (!check.object("json.model", value)) return;
  const report = value as Record<string, unknown>;
  check.oneOf("json.model.requested", report.requested, RECOMMENDATION_MODEL_CHOICES);
  const model = check.oneOf("json.model.model", report.model, ["knn", "ease", "als"]);
  check.oneOf("json.model.reason", report.reason, MODEL_REASONS);
  check.number("json.model.trainedInteractions", report.trainedInteractions, { integer: true, min: 0 });
  check.number("json.model.trainedItems", report.trainedItems, { integer: true, min: 0, max: itemCount });
  if (model && report.model === "ease" && check.object("json.model.ease", report.ease)) {
    const ease = report.ease as Record<string, unknown>;
    check.number("json.model.ease.lambda", ease.lambda, { positive: true });
    check.number("json.model.ease.lambdaFactor", ease.lambdaFactor, { positive: true });
    check.oneOf("json.model.ease.input", ease.input, ["weighted", "binary"]);
  }
  if (model && report.model === "als" && check.object("json.model.als", report.als)) {
    checkAlsSummary(check, "json.model.als", report.als as Record<string, unknown>);
  }
  if (report.validation !== undefined && check.object("json.model.validation", report.validation)) {
    const validation = report.validation as Record<string, unknown>;
    check.number("json.model.validation.users", validation.users, { integer: true, min: 0 });
    check.number("json.model.validation.heldOut", validation.heldOut, { integer: true, min: 0 });
    if (validation.holdOut !== undefined) {
      check.oneOf("json.model.validation.holdOut", validation.holdOut, VALIDATION_HOLD_OUTS);
    }
    if (check.array("json.model.validation.candidates", validation.candidates)) {
      for (const [index, candidate] of validation.candidates.entries()) {
        const path = `json.model.validation.candidates.${index}`;
        if (!check.object(path, candidate)) continue;
        check.oneOf(`${path}.model`, (candidate as Record<string, unknown>).model, ["knn", "ease", "als"]);
        check.number(`${path}.ndcg`, (candidate as Record<string, unknown>).ndcg, { min: 0, max: 1 });
      }
    }
  }
}

/** Bounds that keep a restored ALS refit affordable: the factors and sweeps a snapshot may ask for. */
const MAX_ALS_FACTORS = 256;
const MAX_ALS_ITERATIONS = 100;

function checkAlsSummary(check: Validator, path: string, als: Record<string, unknown>): void {
  check.number(`${path}.factors`, als.factors, { integer: true, min: 1, max: MAX_ALS_FACTORS });
  check.number(`${path}.lambda`, als.lambda, { positive: true });
  check.number(`${path}.alpha`, als.alpha, { min: 0 });
  check.number(`${path}.iterations`, als.iterations, { integer: true, min: 1, max: MAX_ALS_ITERATIONS });
  check.oneOf(`${path}.input`, als.input, ["weighted", "binary"]);
}
