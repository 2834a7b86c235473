import { createValidator, readSnapshot } from "@pelbiot/core";
import { checkModel } from "./predictive-analytics-engine-options";

/** The snapshot format `toJSON()` writes. */
export const PREDICTIVE_ANALYTICS_ENGINE_FORMAT = "pelbiot.analytics.PredictiveAnalyticsEngine";
const CONTEXT = "PredictiveAnalyticsEngine.fromJSON";

/** One trained model as held in memory and in snapshots. */
export interface StoredModel {
  readonly modelId: string;
  readonly trainedAt: number;
  readonly updatedAt: number;
  readonly modelName: string;
  readonly modelCode: string;
  readonly seasonalPeriod: number;
  /** Ascending, distinct epoch-ms timestamps. */
  readonly timestamps: readonly number[];
  /** The observation at each timestamp. */
  readonly values: readonly number[];
}

/** The serialised engine, from `PredictiveAnalyticsEngine.toJSON()`: the trained models with their data. */
export interface PredictiveAnalyticsEngineSnapshot {
  /** Always `PREDICTIVE_ANALYTICS_ENGINE_FORMAT`. */
  readonly format: typeof PREDICTIVE_ANALYTICS_ENGINE_FORMAT;
  /** The snapshot layout's version. */
  readonly version: 1;
  /** Trained models, in training order. */
  readonly models: readonly StoredModel[];
}

/**
 * Writes the trained models as plain JSON data.
 *
 * @param models - The models, in training order.
 * @returns The snapshot.
 */
export function toSnapshot(models: Iterable<StoredModel>): PredictiveAnalyticsEngineSnapshot {
  return { format: PREDICTIVE_ANALYTICS_ENGINE_FORMAT, version: 1, models: structuredClone([...models]) };
}

/**
 * Reads a snapshot and checks every model field.
 *
 * @param json - The snapshot, as an object or JSON text.
 * @returns The models.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or a bad field, with its path.
 * @throws {PelbiotError} UNSUPPORTED for a snapshot from a newer release.
 */
export function fromSnapshot(json: unknown): StoredModel[] {
  const { snapshot } = readSnapshot(json, {
    context: CONTEXT,
    format: PREDICTIVE_ANALYTICS_ENGINE_FORMAT,
    versions: [1],
  });
  const check = createValidator(CONTEXT);
  const models: StoredModel[] = [];
  const seen = new Set<string>();
  if (check.array("models", snapshot.models)) {
    snapshot.models.forEach((model, index) => {
      const path = `models.${index}`;
      if (!check.object(path, model)) return;
      check.knownKeys(path, model, [
        "modelId",
        "trainedAt",
        "updatedAt",
        "modelName",
        "modelCode",
        "seasonalPeriod",
        "timestamps",
        "values",
      ]);
      if (check.string(`${path}.modelId`, model.modelId, { maxLength: 200 })) {
        check.check(!seen.has(model.modelId), `${path}.modelId`, "must not repeat another model's id");
        seen.add(model.modelId);
      }
      check.number(`${path}.trainedAt`, model.trainedAt);
      check.number(`${path}.updatedAt`, model.updatedAt);
      check.string(`${path}.modelName`, model.modelName, { maxLength: 200 });
      checkModel(check, `${path}.modelCode`, model.modelCode);
      check.number(`${path}.seasonalPeriod`, model.seasonalPeriod, { integer: true, min: 1, max: 1_000 });
      const timestampsOk = check.array(`${path}.timestamps`, model.timestamps, { minLength: 2 });
      const valuesOk = check.array(`${path}.values`, model.values);
      if (!timestampsOk || !valuesOk) return;
      const timestamps = model.timestamps as unknown[];
      const values = model.values as unknown[];
      check.check(values.length === timestamps.length, `${path}.values`, "must hold one value per timestamp");
      timestamps.forEach((timestamp, position) => {
        const ok = check.number(`${path}.timestamps.${position}`, timestamp);
        const previous = timestamps[position - 1];
        if (ok && position > 0 && typeof previous === "number") {
          check.check(timestamp > previous, `${path}.timestamps.${position}`, "must be later than the one before");
        }
      });
      for (const [position, value] of values.entries()) check.number(`${path}.values.${position}`, value);
      models.push(model as unknown as StoredModel);
    });
  }
  check.done();
  return models.map((model) => structuredClone(model));
}
