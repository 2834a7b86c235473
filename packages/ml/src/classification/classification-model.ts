import { createValidator, PelbiotError } from "@pelbiot/core";
import { argmax, classProbabilities } from "./class-probabilities";
import {
  type ClassificationModelOptions,
  type ResolvedClassificationModelOptions,
  resolveClassificationModelOptions,
  resolveTrainModelOptions,
  type TrainModelOptions,
} from "./classification-model-options";
import {
  type ClassificationModelSnapshot,
  fromClassificationModelSnapshot,
  toClassificationModelSnapshot,
} from "./classification-model-snapshot";
import type {
  ClassLabel,
  ClassPrediction,
  FeatureRecord,
  TrainedClassifier,
  TrainingResult,
} from "./classification-model-types";
import { describeValue, readFeatureNames, readTrainingRows } from "./read-training-rows";
import { trainClassifier } from "./train-classifier";

export type { ClassificationModelOptions, TrainModelOptions } from "./classification-model-options";
export type { ClassificationModelSnapshot } from "./classification-model-snapshot";
export type {
  ClassificationMetrics,
  ClassLabel,
  ClassPrediction,
  FeatureRecord,
  TrainedClassifier,
  TrainingResult,
} from "./classification-model-types";

/**
 * Logistic-regression classifiers, trained by name and kept in memory: binary, multinomial (softmax) and
 * one-vs-rest, L2-penalised, on internally standardised features, fitted by L-BFGS to scikit-learn's objective so
 * that the same data give the same model.
 *
 * Data shapes: `trainingData` is an array of records (`{ tenure: 12, spend: 40.5, churned: "yes" }`); `features` names
 * the numeric keys to use, in order; `labels` is either the key of the label in each record or an array of labels
 * aligned with `trainingData`. Labels are strings or numbers (one type per model); classes are sorted (numbers
 * ascending, strings by code unit) and probability vectors follow that order.
 *
 * @example
 * ```ts
 * const classifier = new ClassificationModel({ testSplitRatio: 0.2, learningRate: 0.01 });
 * const result = classifier.trainModel("user_churn", trainingData, ["tenure", "spend"], "churned");
 * result.testMetrics?.accuracy;
 * const prediction = classifier.predictClass("user_churn", { tenure: 3, spend: 80 });
 * prediction.label; // "yes"
 * prediction.probabilities; // { no: 0.18, yes: 0.82 }
 * ```
 */
export class ClassificationModel {
  readonly #options: ResolvedClassificationModelOptions;
  readonly #models = new Map<string, TrainedClassifier>();

  /**
   * @param options - Defaults for every model; see {@link ClassificationModelOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an option is out of range or unknown (the message lists the
   *   accepted options), listing every issue.
   */
  constructor(options: ClassificationModelOptions = {}) {
    this.#options = resolveClassificationModelOptions(options);
  }

  /**
   * Fits a model, stores it under `name` (replacing any model of that name only on success) and reports its metrics
   * on the held-out rows.
   *
   * Complexity O(iterations · n · d · K).
   *
   * @param name - The model name (non-empty, at most 128 characters).
   * @param trainingData - One record per row; every feature must be a finite number.
   * @param features - The feature names to read from each record (unique, at least one).
   * @param labels - The key of the label in each record, or the labels themselves aligned with `trainingData`.
   * @param options - Per-model overrides of the constructor's options and an optional fixed `split`.
   * @returns The training diagnostics and test metrics.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for malformed rows (missing or non-finite features, a row that is
   *   not an object), bad labels, labels of mixed types, or a bad split; nothing is stored.
   * @throws {PelbiotError} INSUFFICIENT_DATA when fewer than two classes occur, or a class has no training row.
   * @example
   * ```ts
   * classifier.trainModel("iris", rows, ["petal_length", "petal_width"], "species", { multiClass: "ovr" });
   * ```
   */
  trainModel(
    name: string,
    trainingData: readonly FeatureRecord[],
    features: readonly string[],
    labels: string | readonly ClassLabel[],
    options: TrainModelOptions = {},
  ): TrainingResult {
    const check = createValidator("ClassificationModel.trainModel");
    check.string("name", name, { maxLength: 128 });
    const settings = resolveTrainModelOptions(check, options, this.#options);
    const featureNames = readFeatureNames(check, features);
    check.array("trainingData", trainingData, { minLength: 2 });
    check.done();
    const rows = readTrainingRows(check, trainingData, featureNames, labels);
    check.done();
    const outcome = trainClassifier({ name, featureNames, rows, settings, split: options?.split });
    const { model } = outcome;
    this.#models.set(name, model);
    return {
      name,
      classes: [...model.classes],
      features: [...featureNames],
      mode: model.mode,
      solver: model.solver,
      trainSize: outcome.trainSize,
      testSize: outcome.testSize,
      converged: model.converged,
      iterations: model.iterations,
      gradientNorm: model.gradientNorm,
      testMetrics: outcome.testMetrics,
    };
  }

  /**
   * Predicts the class of one row.
   *
   * Complexity O(d · K).
   *
   * @param name - A trained (or loaded) model.
   * @param input - A record holding every feature by name, or a vector of feature values in the model's feature order.
   * @returns The most probable label and the probability of every class.
   * @throws {PelbiotError} MODEL_NOT_FOUND when no model has that name.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when a feature is missing or non-finite, or the vector has the
   *   wrong length.
   * @example
   * ```ts
   * classifier.predictClass("user_churn", { tenure: 3, spend: 80 });
   * classifier.predictClass("user_churn", [3, 80]);
   * ```
   */
  predictClass(name: string, input: FeatureRecord | readonly number[] | Float64Array): ClassPrediction {
    const model = this.#require(name, "predictClass");
    const check = createValidator("ClassificationModel.predictClass");
    const featureCount = model.features.length;
    const standardized = new Float64Array(featureCount);
    const isVector = Array.isArray(input) || input instanceof Float64Array;
    if (isVector) {
      const vector = input as ArrayLike<unknown>;
      if (vector.length !== featureCount) {
        check.fail("input", `must hold ${featureCount} values (${model.features.join(", ")}), got ${vector.length}`);
      }
    } else if (typeof input !== "object" || input === null) {
      check.fail("input", "must be a record of feature values or a feature vector");
    }
    check.done();
    for (let feature = 0; feature < featureCount; feature += 1) {
      const key = model.features[feature] as string;
      const value = isVector ? (input as ArrayLike<unknown>)[feature] : (input as FeatureRecord)[key];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        check.fail(`input.${isVector ? feature : key}`, `must be a finite number, got ${describeValue(value)}`);
        continue;
      }
      standardized[feature] = (value - (model.scalerMean[feature] as number)) / (model.scalerScale[feature] as number);
    }
    check.done();
    const probabilities = classProbabilities(model, standardized);
    const byLabel: Record<string, number> = {};
    model.classes.forEach((label, index) => {
      byLabel[String(label)] = probabilities[index] as number;
    });
    return { label: model.classes[argmax(probabilities)] as ClassLabel, probabilities: byLabel };
  }

  /**
   * The stored model: classes, scaler, coefficients on both scales and training diagnostics (a deep copy).
   *
   * @param name - The model name.
   * @returns The model.
   * @throws {PelbiotError} MODEL_NOT_FOUND when no model has that name.
   * @example
   * ```ts
   * classifier.getModel("user_churn").coefficients; // per feature, original units
   * ```
   */
  getModel(name: string): TrainedClassifier {
    return structuredClone(this.#require(name, "getModel"));
  }

  /**
   * Names of the stored models, in training order.
   *
   * @returns The names.
   * @example
   * ```ts
   * classifier.listModels(); // ["user_churn"]
   * ```
   */
  listModels(): string[] {
    return [...this.#models.keys()];
  }

  /**
   * Every stored model as plain JSON (numbers survive `JSON.stringify`/`JSON.parse` exactly), under the header
   * `{ format: "pelbiot.ml.ClassificationModel", version: 1 }`.
   *
   * @returns The snapshot.
   * @example
   * ```ts
   * const saved = JSON.stringify(classifier);
   * const restored = ClassificationModel.fromJSON(saved);
   * ```
   */
  toJSON(): ClassificationModelSnapshot {
    return toClassificationModelSnapshot(this.#models.values());
  }

  /**
   * Restores models saved with {@link ClassificationModel.toJSON} (also snapshots of the previous release, whose
   * header was `{ format: "pelbiot.ml.classification", version: 1 }`).
   *
   * @param json - The snapshot object or its JSON text.
   * @param options - Defaults for models trained later.
   * @returns A classifier holding the saved models; it predicts exactly as the one that wrote the snapshot.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or any malformed field (e.g. a scale of 0,
   *   a coefficient matrix of the wrong shape), or bad options.
   * @throws {PelbiotError} UNSUPPORTED for a snapshot version written by a newer release.
   * @example
   * ```ts
   * const restored = ClassificationModel.fromJSON(JSON.parse(text));
   * restored.predictClass("user_churn", [3, 80]);
   * ```
   */
  static fromJSON(json: unknown, options: ClassificationModelOptions = {}): ClassificationModel {
    const models = fromClassificationModelSnapshot(json);
    const classifier = new ClassificationModel(options);
    for (const model of models) classifier.#models.set(model.name, model);
    return classifier;
  }

  #require(name: string, method: string): TrainedClassifier {
    const check = createValidator(`ClassificationModel.${method}`);
    check.string("name", name);
    check.done();
    const model = this.#models.get(name);
    if (model === undefined) {
      throw new PelbiotError(
        "MODEL_NOT_FOUND",
        `ClassificationModel.${method}: no model named ${JSON.stringify(name)}; train it with trainModel or load it with fromJSON`,
        { details: { id: name } },
      );
    }
    return model;
  }
}
