import { createValidator, PelbiotError, type Validator } from "@pelbiot/core";
import { type ClassificationReport, classificationReport } from "../metrics/classification-report";
import { logLoss } from "../metrics/log-loss";
import { multiclassRocAuc } from "../metrics/multiclass-roc-auc";
import { createRandom } from "../random/create-random";
import { fitLogisticRegression, type LogisticMode, type LogisticSolver } from "./fit-logistic-regression";
import { type RowSplit, stratifiedSplit } from "./stratified-split";

/** A class label: a string or a finite number. All labels of one model share one type. */
export type ClassLabel = string | number;

/** One training or prediction row: feature values (finite numbers) keyed by feature name; other keys are ignored. */
export type FeatureRecord = Readonly<Record<string, unknown>>;

/** Hyper-parameters shared by the constructor (as defaults) and {@link ClassificationModel.trainModel} (per model). */
export interface ClassificationModelOptions {
  /**
   * Share of rows held out, per class, to compute the test metrics returned by `trainModel`; in `[0, 1)`. With 0 every
   * row is used for fitting and `testMetrics` is `null`.
   * @default 0.2
   */
  testSplitRatio?: number;
  /**
   * Step size of the `"gradient-descent"` solver, applied to the objective divided by the total row weight. The
   * default L-BFGS solver ignores it.
   * @default 0.01
   */
  learningRate?: number;
  /**
   * `"lbfgs"`: limited-memory BFGS (quasi-Newton), the fast and exact default. `"gradient-descent"`: plain batch
   * gradient descent with `learningRate`; slow, kept for users who want that behaviour.
   * @default "lbfgs"
   */
  solver?: LogisticSolver;
  /**
   * `"auto"`: a single logistic model for two classes, softmax (`"multinomial"`) for more. `"multinomial"`: softmax
   * over K weight rows for three or more classes (two classes always get the single binary model). `"ovr"`: one
   * binary model per class, probabilities = the K sigmoids normalised to sum to 1 (scikit-learn's one-vs-rest).
   * @default "auto"
   */
  multiClass?: "auto" | "multinomial" | "ovr";
  /**
   * `"l2"` adds `l2Strength / 2 · ‖W‖²` to the summed log-loss (intercepts are not penalised); `"none"` fits the
   * unpenalised likelihood (which diverges on separable data: watch `converged`).
   * @default "l2"
   */
  penalty?: "l2" | "none";
  /**
   * λ in the objective `Σᵢ sᵢ · loglossᵢ + λ/2 · ‖W‖²`, on standardised features. scikit-learn's
   * `LogisticRegression(C)` minimises `C · Σ loglossᵢ + ½‖W‖²`, the same minimiser for λ = 1/C; the default matches
   * its default C = 1.
   * @default 1
   */
  l2Strength?: number;
  /**
   * Loss weight per class: `"balanced"` gives class c the weight `n / (K · n_c)` (scikit-learn's formula, on the
   * training rows); a record maps `String(label)` to a positive weight (missing classes weigh 1). In one-vs-rest, a
   * row keeps the weight of its own class in every sub-model.
   * @default undefined (every row weighs 1)
   */
  classWeight?: "balanced" | Readonly<Record<string, number>> | undefined;
  /**
   * Iteration cap of the solver (per sub-model in one-vs-rest). Reaching it leaves `converged: false`.
   * @default 1000
   */
  maxIterations?: number;
  /**
   * Stop when the largest absolute component of the objective's gradient is at most this value. The objective is a
   * sum over rows, so the default reaches the optimum to about 1e-6 in the coefficients.
   * @default 1e-6
   */
  tolerance?: number;
  /**
   * Seed of the stratified train/test split.
   * @default 42
   */
  seed?: number;
}

/** Per-call options of {@link ClassificationModel.trainModel}: any default can be overridden, plus an explicit split. */
export interface TrainModelOptions extends ClassificationModelOptions {
  /**
   * Row indices (into `trainingData`) to train and test on, instead of a seeded split: e.g. to reproduce published
   * figures on a fixed split. Every index may appear once; `test` may be empty.
   */
  split?: { train: readonly number[]; test: readonly number[] } | undefined;
}

/** Test-set metrics returned by {@link ClassificationModel.trainModel}. */
export interface ClassificationMetrics extends ClassificationReport {
  /** Mean natural-log loss of the predicted probabilities (probabilities clipped to [1e-15, 1 − 1e-15]). */
  logLoss: number;
  /**
   * ROC AUC: for two classes on P(second class); otherwise the macro one-vs-rest AUC. `null` when a class is missing
   * from the test rows.
   */
  rocAuc: number | null;
  /** Number of test rows. */
  rowCount: number;
}

/** The outcome of {@link ClassificationModel.trainModel}. */
export interface TrainingResult {
  /** The model name. */
  name: string;
  /** The sorted class labels; probability vectors follow this order. */
  classes: ClassLabel[];
  /** The feature names, in the order of a feature vector. */
  features: string[];
  /** The model form actually fitted. */
  mode: LogisticMode;
  /** The solver used. */
  solver: LogisticSolver;
  /** Rows used to fit. */
  trainSize: number;
  /** Rows held out. */
  testSize: number;
  /** Whether the solver met `tolerance` (for one-vs-rest: every sub-model). Check it: a fit can stop early. */
  converged: boolean;
  /** Solver iterations (for one-vs-rest: the largest over the sub-models). */
  iterations: number;
  /** Final max |∇| of the objective (for one-vs-rest: the largest over the sub-models). */
  gradientNorm: number;
  /** Metrics on the held-out rows, or `null` when nothing was held out. */
  testMetrics: ClassificationMetrics | null;
}

/** A prediction of {@link ClassificationModel.predictClass}. */
export interface ClassPrediction {
  /** The most probable class (the first one on a tie). */
  label: ClassLabel;
  /** The probability of every class, keyed by `String(label)`; they sum to 1. */
  probabilities: Record<string, number>;
}

/** A fitted model as stored and serialised; see {@link ClassificationModel.getModel}. */
export interface TrainedClassifier {
  /** The model name. */
  name: string;
  /** Feature names, in vector order. */
  features: string[];
  /** Sorted class labels. */
  classes: ClassLabel[];
  /** The fitted form. */
  mode: LogisticMode;
  /** Training-row mean of each feature. */
  scalerMean: number[];
  /** Training-row population standard deviation of each feature (1 for a constant feature). */
  scalerScale: number[];
  /**
   * Weights on the standardised features, `z = ((x − mean) / scale) · w + b`: one row for binary (P of the second
   * class), K rows otherwise.
   */
  standardizedCoefficients: number[][];
  /** Intercepts that go with `standardizedCoefficients`. */
  standardizedIntercepts: number[];
  /** The same model on the original feature scale: `z = x · w + b`. */
  coefficients: number[][];
  /** Intercepts on the original scale. */
  intercepts: number[];
  /** Whether the fit met its tolerance. */
  converged: boolean;
  /** Solver iterations. */
  iterations: number;
  /** Final max |∇| of the objective. */
  gradientNorm: number;
  /** The solver used. */
  solver: LogisticSolver;
}

/** The JSON form of a {@link ClassificationModel}: every stored model. */
export interface ClassificationModelSnapshot {
  /** Identifies the payload. */
  format: "pelbiot.ml.classification";
  /** Snapshot layout version. */
  version: 1;
  /** Every stored model. */
  models: TrainedClassifier[];
}

type ResolvedOptions = Required<Omit<ClassificationModelOptions, "classWeight">> &
  Pick<ClassificationModelOptions, "classWeight">;

const MAX_REPORTED_ISSUES = 20;

function validateOptions(check: Validator, path: string, options: ClassificationModelOptions): void {
  const prefix = path === "" ? "" : `${path}.`;
  if (
    options.testSplitRatio !== undefined &&
    check.number(`${prefix}testSplitRatio`, options.testSplitRatio, { min: 0 })
  ) {
    check.check(
      options.testSplitRatio < 1,
      `${prefix}testSplitRatio`,
      "must be below 1 (some rows must be trained on)",
    );
  }
  if (options.learningRate !== undefined)
    check.number(`${prefix}learningRate`, options.learningRate, { positive: true });
  if (options.solver !== undefined) check.oneOf(`${prefix}solver`, options.solver, ["lbfgs", "gradient-descent"]);
  if (options.multiClass !== undefined)
    check.oneOf(`${prefix}multiClass`, options.multiClass, ["auto", "multinomial", "ovr"]);
  if (options.penalty !== undefined) check.oneOf(`${prefix}penalty`, options.penalty, ["l2", "none"]);
  if (options.l2Strength !== undefined) check.number(`${prefix}l2Strength`, options.l2Strength, { positive: true });
  if (options.maxIterations !== undefined) {
    check.number(`${prefix}maxIterations`, options.maxIterations, { integer: true, min: 1 });
  }
  if (options.tolerance !== undefined) check.number(`${prefix}tolerance`, options.tolerance, { positive: true });
  if (options.seed !== undefined)
    check.number(`${prefix}seed`, options.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  const { classWeight } = options;
  if (classWeight !== undefined && classWeight !== "balanced" && check.object(`${prefix}classWeight`, classWeight)) {
    for (const [label, weight] of Object.entries(classWeight)) {
      check.number(`${prefix}classWeight.${label}`, weight, { positive: true });
    }
  }
}

function compareLabels(left: ClassLabel, right: ClassLabel): number {
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left) < String(right) ? -1 : String(left) > String(right) ? 1 : 0;
}

function sigmoid(score: number): number {
  return score >= 0 ? 1 / (1 + Math.exp(-score)) : Math.exp(score) / (1 + Math.exp(score));
}

/** Class probabilities of one standardised row. */
function probabilitiesOf(model: TrainedClassifier, standardized: Float64Array): number[] {
  const scores = model.standardizedCoefficients.map((weights, output) => {
    let score = model.standardizedIntercepts[output] as number;
    for (let feature = 0; feature < weights.length; feature += 1) {
      score += (weights[feature] as number) * (standardized[feature] as number);
    }
    return score;
  });
  if (model.mode === "binary") {
    const positive = sigmoid(scores[0] as number);
    return [1 - positive, positive];
  }
  if (model.mode === "ovr") {
    const sigmoids = scores.map(sigmoid);
    const total = sigmoids.reduce((sum, value) => sum + value, 0);
    return sigmoids.map((value) => value / total);
  }
  const largest = Math.max(...scores);
  const exponents = scores.map((score) => Math.exp(score - largest));
  const total = exponents.reduce((sum, value) => sum + value, 0);
  return exponents.map((value) => value / total);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let index = 1; index < values.length; index += 1) {
    if ((values[index] as number) > (values[best] as number)) best = index;
  }
  return best;
}

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
  readonly #options: ResolvedOptions;
  readonly #models = new Map<string, TrainedClassifier>();

  /**
   * @param options - Defaults for every model; see {@link ClassificationModelOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an option is out of range, listing every issue.
   */
  constructor(options: ClassificationModelOptions = {}) {
    const {
      testSplitRatio = 0.2,
      learningRate = 0.01,
      solver = "lbfgs",
      multiClass = "auto",
      penalty = "l2",
      l2Strength = 1,
      classWeight,
      maxIterations = 1000,
      tolerance = 1e-6,
      seed = 42,
    } = options;
    const check = createValidator("ClassificationModel");
    if (check.object("options", options)) validateOptions(check, "options", options);
    check.done();
    this.#options = {
      testSplitRatio,
      learningRate,
      solver,
      multiClass,
      penalty,
      l2Strength,
      classWeight,
      maxIterations,
      tolerance,
      seed,
    };
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
    if (check.object("options", options)) validateOptions(check, "options", options);
    const featureNames = this.#validateFeatures(check, features);
    const rowCount = Array.isArray(trainingData) ? trainingData.length : 0;
    check.array("trainingData", trainingData, { minLength: 2 });
    check.done();
    const settings: ResolvedOptions = { ...this.#options, ...stripUndefined(options) };
    const featureCount = featureNames.length;
    const design = new Float64Array(rowCount * featureCount);
    const rawLabels: ClassLabel[] = [];
    let issues = 0;
    const report = (path: string, message: string) => {
      if (issues < MAX_REPORTED_ISSUES) check.fail(path, message);
      issues += 1;
    };
    const labelArray = typeof labels === "string" ? undefined : labels;
    if (typeof labels !== "string") {
      if (!Array.isArray(labels)) report("labels", "must be a label key (string) or an array of labels");
      else if (labels.length !== rowCount)
        report("labels", `must hold ${rowCount} labels, one per row, got ${labels.length}`);
    } else if (labels.length === 0) {
      report("labels", "must be a non-empty label key");
    }
    for (let row = 0; row < rowCount; row += 1) {
      const record = trainingData[row];
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        report(`trainingData[${row}]`, "must be a record of feature values");
        continue;
      }
      for (let feature = 0; feature < featureCount; feature += 1) {
        const key = featureNames[feature] as string;
        const value = record[key];
        if (typeof value !== "number" || !Number.isFinite(value)) {
          report(`trainingData[${row}].${key}`, `must be a finite number, got ${describe(value)}`);
        } else {
          design[row * featureCount + feature] = value;
        }
      }
      const label = typeof labels === "string" ? record[labels] : labelArray?.[row];
      if ((typeof label === "number" && Number.isFinite(label)) || (typeof label === "string" && label.length > 0)) {
        rawLabels.push(label);
      } else {
        const where = typeof labels === "string" ? `trainingData[${row}].${labels}` : `labels[${row}]`;
        report(where, `must be a non-empty string or a finite number, got ${describe(label)}`);
      }
    }
    if (issues === 0 && new Set(rawLabels.map((label) => typeof label)).size > 1) {
      report("labels", "must all be strings or all numbers, not a mix");
    }
    if (issues > MAX_REPORTED_ISSUES) check.fail("trainingData", `… and ${issues - MAX_REPORTED_ISSUES} more issue(s)`);
    check.done();
    const classes = [...new Map(rawLabels.map((label) => [String(label), label])).values()].sort(compareLabels);
    if (classes.length < 2) {
      throw new PelbiotError(
        "INSUFFICIENT_DATA",
        `ClassificationModel.trainModel: the labels hold ${classes.length} class; at least 2 distinct classes are needed`,
        { details: { classes } },
      );
    }
    const classIndex = new Map(classes.map((label, index) => [String(label), index]));
    const classIndices = Int32Array.from(rawLabels, (label) => classIndex.get(String(label)) as number);
    const split = this.#resolveSplit(options.split, classIndices, classes.length, settings);
    const weights = this.#classWeights(settings.classWeight, classes, classIndices, split.train);
    const trainCounts = new Array<number>(classes.length).fill(0);
    for (const row of split.train)
      trainCounts[classIndices[row] as number] = (trainCounts[classIndices[row] as number] as number) + 1;
    const missing = classes.filter((_, index) => trainCounts[index] === 0);
    if (missing.length > 0) {
      throw new PelbiotError(
        "INSUFFICIENT_DATA",
        `ClassificationModel.trainModel: class(es) ${missing.map((label) => JSON.stringify(label)).join(", ")} have no training row; give every class at least one training row`,
        { details: { missing } },
      );
    }

    const trainSize = split.train.length;
    const scalerMean = new Array<number>(featureCount).fill(0);
    const scalerScale = new Array<number>(featureCount).fill(0);
    for (let feature = 0; feature < featureCount; feature += 1) {
      let sum = 0;
      for (const row of split.train) sum += design[row * featureCount + feature] as number;
      const mean = sum / trainSize;
      let squares = 0;
      for (const row of split.train) {
        const difference = (design[row * featureCount + feature] as number) - mean;
        squares += difference * difference;
      }
      const deviation = Math.sqrt(squares / trainSize);
      scalerMean[feature] = mean;
      // A constant column keeps scale 1, as scikit-learn's StandardScaler does, instead of dividing by zero.
      scalerScale[feature] = deviation < 10 * Number.EPSILON * Math.max(1, Math.abs(mean)) ? 1 : deviation;
    }
    const standardize = (rows: readonly number[]) => {
      const matrix = new Float64Array(rows.length * featureCount);
      rows.forEach((row, position) => {
        for (let feature = 0; feature < featureCount; feature += 1) {
          matrix[position * featureCount + feature] =
            ((design[row * featureCount + feature] as number) - (scalerMean[feature] as number)) /
            (scalerScale[feature] as number);
        }
      });
      return matrix;
    };
    const mode: LogisticMode =
      classes.length === 2 && settings.multiClass !== "ovr"
        ? "binary"
        : settings.multiClass === "ovr"
          ? "ovr"
          : "multinomial";
    const fit = fitLogisticRegression({
      design: standardize(split.train),
      rowCount: trainSize,
      featureCount,
      classIndices: Int32Array.from(split.train, (row) => classIndices[row] as number),
      classCount: classes.length,
      sampleWeights: Float64Array.from(split.train, (row) => weights[classIndices[row] as number] as number),
      mode,
      solver: settings.solver,
      l2Strength: settings.penalty === "none" ? 0 : settings.l2Strength,
      learningRate: settings.learningRate,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
    });
    const coefficients = fit.coefficients.map((row) =>
      row.map((weight, feature) => weight / (scalerScale[feature] as number)),
    );
    const intercepts = fit.intercepts.map(
      (intercept, output) =>
        intercept -
        (fit.coefficients[output] as number[]).reduce(
          (sum, weight, feature) => sum + (weight * (scalerMean[feature] as number)) / (scalerScale[feature] as number),
          0,
        ),
    );
    const model: TrainedClassifier = {
      name,
      features: featureNames,
      classes,
      mode,
      scalerMean,
      scalerScale,
      standardizedCoefficients: fit.coefficients,
      standardizedIntercepts: fit.intercepts,
      coefficients,
      intercepts,
      converged: fit.converged,
      iterations: fit.iterations,
      gradientNorm: fit.gradientNorm,
      solver: settings.solver,
    };

    let testMetrics: ClassificationMetrics | null = null;
    if (split.test.length > 0) {
      const testMatrix = standardize(split.test);
      const actual = split.test.map((row) => classIndices[row] as number);
      const probabilities = split.test.map((_, position) =>
        probabilitiesOf(model, testMatrix.subarray(position * featureCount, (position + 1) * featureCount)),
      );
      const predicted = probabilities.map(argmax);
      testMetrics = {
        ...classificationReport(actual, predicted, classes.length),
        logLoss: logLoss(actual, probabilities),
        rocAuc: multiclassRocAuc(actual, probabilities, classes.length),
        rowCount: split.test.length,
      };
    }
    this.#models.set(name, model);
    return {
      name,
      classes: [...classes],
      features: [...featureNames],
      mode,
      solver: settings.solver,
      trainSize,
      testSize: split.test.length,
      converged: fit.converged,
      iterations: fit.iterations,
      gradientNorm: fit.gradientNorm,
      testMetrics,
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
        check.fail(isVector ? `input[${feature}]` : `input.${key}`, `must be a finite number, got ${describe(value)}`);
        continue;
      }
      standardized[feature] = (value - (model.scalerMean[feature] as number)) / (model.scalerScale[feature] as number);
    }
    check.done();
    const probabilities = probabilitiesOf(model, standardized);
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
   * Every stored model as plain JSON (numbers survive `JSON.stringify`/`JSON.parse` exactly).
   *
   * @returns The snapshot.
   * @example
   * ```ts
   * const saved = JSON.stringify(classifier);
   * const restored = ClassificationModel.fromJSON(JSON.parse(saved));
   * ```
   */
  toJSON(): ClassificationModelSnapshot {
    return {
      format: "pelbiot.ml.classification",
      version: 1,
      models: [...this.#models.values()].map((model) => structuredClone(model)),
    };
  }

  /**
   * Restores models saved with {@link ClassificationModel.toJSON}.
   *
   * @param snapshot - The parsed JSON.
   * @param options - Defaults for models trained later.
   * @returns A classifier holding the saved models.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the snapshot is not a valid version-1 snapshot.
   * @example
   * ```ts
   * const restored = ClassificationModel.fromJSON(JSON.parse(text));
   * restored.predictClass("user_churn", [3, 80]);
   * ```
   */
  static fromJSON(snapshot: unknown, options: ClassificationModelOptions = {}): ClassificationModel {
    const check = createValidator("ClassificationModel.fromJSON");
    const models: TrainedClassifier[] = [];
    if (check.object("snapshot", snapshot)) {
      check.check(
        snapshot.format === "pelbiot.ml.classification",
        "snapshot.format",
        'must be "pelbiot.ml.classification"',
      );
      check.check(snapshot.version === 1, "snapshot.version", "must be 1");
      if (check.array("snapshot.models", snapshot.models)) {
        snapshot.models.forEach((candidate, index) => {
          const model = validateSnapshotModel(check, `snapshot.models[${index}]`, candidate);
          if (model !== undefined) models.push(model);
        });
      }
    }
    check.done();
    const classifier = new ClassificationModel(options);
    for (const model of models) classifier.#models.set(model.name, structuredClone(model));
    return classifier;
  }

  #validateFeatures(check: Validator, features: readonly string[]): string[] {
    if (!check.array("features", features, { minLength: 1 })) return [];
    const seen = new Set<string>();
    features.forEach((feature, index) => {
      if (check.string(`features[${index}]`, feature)) {
        check.check(!seen.has(feature), `features[${index}]`, `duplicates feature name ${JSON.stringify(feature)}`);
        seen.add(feature);
      }
    });
    return [...features];
  }

  #resolveSplit(
    given: TrainModelOptions["split"],
    classIndices: Int32Array,
    classCount: number,
    settings: ResolvedOptions,
  ): RowSplit {
    if (given === undefined) {
      return stratifiedSplit(classIndices, classCount, settings.testSplitRatio, createRandom(settings.seed));
    }
    const check = createValidator("ClassificationModel.trainModel");
    const rowCount = classIndices.length;
    const used = new Uint8Array(rowCount);
    let issues = 0;
    const collect = (path: string, rows: unknown): number[] => {
      if (!check.array(path, rows)) return [];
      const accepted: number[] = [];
      rows.forEach((row, index) => {
        const valid = typeof row === "number" && Number.isInteger(row) && row >= 0 && row < rowCount;
        if (valid && used[row] === 0) {
          used[row] = 1;
          accepted.push(row);
          return;
        }
        issues += 1;
        if (issues > MAX_REPORTED_ISSUES) return;
        check.fail(
          `${path}[${index}]`,
          valid
            ? `row ${row} is used twice (train and test must not overlap)`
            : `must be a row index in [0, ${rowCount - 1}], got ${describe(row)}`,
        );
      });
      return accepted;
    };
    if (!check.object("options.split", given)) check.done();
    const train = collect("options.split.train", given.train);
    const test = collect("options.split.test", given.test);
    if (issues > MAX_REPORTED_ISSUES)
      check.fail("options.split", `… and ${issues - MAX_REPORTED_ISSUES} more issue(s)`);
    check.check(train.length > 0, "options.split.train", "must hold at least one row");
    check.done();
    return { train, test };
  }

  #classWeights(
    classWeight: ClassificationModelOptions["classWeight"],
    classes: readonly ClassLabel[],
    classIndices: Int32Array,
    trainRows: readonly number[],
  ): number[] {
    if (classWeight === undefined) return classes.map(() => 1);
    if (classWeight === "balanced") {
      const counts = new Array<number>(classes.length).fill(0);
      for (const row of trainRows)
        counts[classIndices[row] as number] = (counts[classIndices[row] as number] as number) + 1;
      return counts.map((count) => (count === 0 ? 1 : trainRows.length / (classes.length * count)));
    }
    const known = new Set(classes.map(String));
    const unknown = Object.keys(classWeight).filter((label) => !known.has(label));
    if (unknown.length > 0) {
      const check = createValidator("ClassificationModel.trainModel");
      check.fail(
        "options.classWeight",
        `names unknown class(es) ${unknown.join(", ")}; known: ${[...known].join(", ")}`,
      );
      check.done();
    }
    return classes.map((label) => classWeight[String(label)] ?? 1);
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
        { details: { name } },
      );
    }
    return model;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
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

function validateSnapshotModel(check: Validator, path: string, candidate: unknown): TrainedClassifier | undefined {
  if (!check.object(path, candidate)) return undefined;
  const before = check.issues.length;
  check.string(`${path}.name`, candidate.name, { maxLength: 128 });
  const features = candidate.features;
  const classes = candidate.classes;
  const featureCount = Array.isArray(features) ? features.length : 0;
  const classCount = Array.isArray(classes) ? classes.length : 0;
  check.check(
    Array.isArray(features) && featureCount > 0 && features.every((feature) => typeof feature === "string"),
    `${path}.features`,
    "must be a non-empty array of feature names",
  );
  check.check(
    Array.isArray(classes) &&
      classCount >= 2 &&
      (classes.every((label) => typeof label === "string") || classes.every((label) => typeof label === "number")),
    `${path}.classes`,
    "must hold at least 2 labels, all strings or all numbers",
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
