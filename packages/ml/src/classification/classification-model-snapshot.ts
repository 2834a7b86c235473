import { createValidator, readSnapshot, type Validator } from "@pelbiot/core";
import type { TrainedClassifier } from "./classification-model-types";

/** The `format` of a {@link ClassificationModelSnapshot}. */
export const CLASSIFICATION_MODEL_FORMAT = "pelbiot.ml.ClassificationModel";

/** The header the previous release wrote; its layout is version 1 of the current format. */
const LEGACY_FORMAT = "pelbiot.ml.classification";

const CONTEXT = "ClassificationModel.fromJSON";

/** The JSON form of a {@link ClassificationModel}: every stored model. */
export interface ClassificationModelSnapshot {
  /** Identifies the payload. */
  format: typeof CLASSIFICATION_MODEL_FORMAT;
  /** Snapshot layout version. */
  version: 1;
  /** Every stored model. */
  models: TrainedClassifier[];
}

/**
 * Writes the stored models as a snapshot of plain JSON values (deep copies).
 *
 * @param models - The stored models, in training order.
 * @returns The snapshot.
 */
export function toClassificationModelSnapshot(models: Iterable<TrainedClassifier>): ClassificationModelSnapshot {
  return {
    format: CLASSIFICATION_MODEL_FORMAT,
    version: 1,
    models: [...models].map((model) => structuredClone(model)),
  };
}

/**
 * Reads a snapshot written by `toJSON()` (or by the previous release, whose header was
 * `{ format: "pelbiot.ml.classification", version: 1 }`) and validates every model in it.
 *
 * @param json - The snapshot object or its JSON text.
 * @returns The models, validated and copied.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field.
 * @throws {PelbiotError} UNSUPPORTED for a version written by a newer release.
 */
export function fromClassificationModelSnapshot(json: unknown): TrainedClassifier[] {
  const { snapshot } = readSnapshot(mapLegacyHeader(json), {
    context: CONTEXT,
    format: CLASSIFICATION_MODEL_FORMAT,
    versions: [1],
  });
  const check = createValidator(CONTEXT);
  const models: TrainedClassifier[] = [];
  if (check.array("json.models", snapshot.models)) {
    const names = new Set<string>();
    snapshot.models.forEach((candidate, index) => {
      const path = `json.models.${index}`;
      const model = validateModel(check, path, candidate);
      if (model === undefined) return;
      check.check(!names.has(model.name), `${path}.name`, `repeats the model name ${JSON.stringify(model.name)}`);
      names.add(model.name);
      models.push(structuredClone(model));
    });
  }
  check.done();
  return models;
}

/** Gives a previous-release snapshot the current header (same layout), so one reader handles both. */
function mapLegacyHeader(json: unknown): unknown {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch {
      return json; // readSnapshot reports the bad text
    }
  }
  const isLegacy =
    typeof value === "object" && value !== null && (value as { format?: unknown }).format === LEGACY_FORMAT;
  return isLegacy ? { ...(value as object), format: CLASSIFICATION_MODEL_FORMAT } : value;
}

function isNumberMatrix(value: unknown, rows: number, columns: number): value is number[][] {
  return (
    Array.isArray(value) &&
    value.length === rows &&
    value.every(
      (row) =>
        Array.isArray(row) &&
        row.length === columns &&
        row.every((entry) => typeof entry === "number" && Number.isFinite(entry)),
    )
  );
}

function isNumberVector(value: unknown, length: number): value is number[] {
  return isNumberMatrix([value], 1, length);
}

function validateModel(check: Validator, path: string, candidate: unknown): TrainedClassifier | undefined {
  if (!check.object(path, candidate)) return undefined;
  const before = check.issues.length;
  check.string(`${path}.name`, candidate.name, { maxLength: 128 });
  const { features, classes } = candidate;
  const featureCount = Array.isArray(features) ? features.length : 0;
  const classCount = Array.isArray(classes) ? classes.length : 0;
  check.check(
    Array.isArray(features) &&
      featureCount > 0 &&
      features.every((feature) => typeof feature === "string" && feature.length > 0) &&
      new Set(features).size === featureCount,
    `${path}.features`,
    "must be a non-empty array of distinct feature names",
  );
  check.check(
    Array.isArray(classes) &&
      classCount >= 2 &&
      (classes.every((label) => typeof label === "string") ||
        classes.every((label) => typeof label === "number" && Number.isFinite(label))) &&
      new Set(classes.map(String)).size === classCount,
    `${path}.classes`,
    "must hold at least 2 distinct labels, all strings or all finite numbers",
  );
  if (check.oneOf(`${path}.mode`, candidate.mode, ["binary", "multinomial", "ovr"])) {
    const outputs = candidate.mode === "binary" ? 1 : classCount;
    check.check(candidate.mode !== "binary" || classCount === 2, `${path}.mode`, "binary needs exactly 2 classes");
    for (const key of ["standardizedCoefficients", "coefficients"] as const) {
      check.check(
        isNumberMatrix(candidate[key], outputs, featureCount),
        `${path}.${key}`,
        `must be ${outputs} × ${featureCount} finite numbers`,
      );
    }
    for (const key of ["standardizedIntercepts", "intercepts"] as const) {
      check.check(isNumberVector(candidate[key], outputs), `${path}.${key}`, `must be ${outputs} finite numbers`);
    }
  }
  check.check(
    isNumberVector(candidate.scalerMean, featureCount),
    `${path}.scalerMean`,
    `must be ${featureCount} finite numbers`,
  );
  check.check(
    isNumberVector(candidate.scalerScale, featureCount) && candidate.scalerScale.every((scale) => scale > 0),
    `${path}.scalerScale`,
    `must be ${featureCount} positive numbers`,
  );
  check.boolean(`${path}.converged`, candidate.converged);
  check.number(`${path}.iterations`, candidate.iterations, { integer: true, min: 0 });
  check.number(`${path}.gradientNorm`, candidate.gradientNorm, { min: 0 });
  check.oneOf(`${path}.solver`, candidate.solver, ["lbfgs", "gradient-descent"]);
  if (check.issues.length > before) return undefined;
  return candidate as unknown as TrainedClassifier;
}
