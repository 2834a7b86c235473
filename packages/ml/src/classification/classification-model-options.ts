import { createValidator, type Validator } from "@pelbiot/core";
import { checkSeed } from "../internal/check-seed";
import type { LogisticSolver } from "./fit-logistic-regression";

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
   * sum over rows, so a fixed value such as 1e-4 reaches the optimum to about 1e-4 in the standardised coefficients.
   * When not given, the fit stops once the gradient of the *mean* loss is at most 1e-5, i.e. at
   * `1e-5 × the summed row weights` (scikit-learn stops at 1e-4 of the same quantity). By then accuracy and macro-F1
   * no longer change and log-loss by less than about 3e-4 on the reference data sets (five-fold
   * cross-validation inside their training rows), at roughly half the iterations of 1e-4 on digits; the coefficients
   * are then within about 1e-2 of the optimum (4e-2 on digits). Pass e.g. 1e-4 (or 1e-6) for coefficients to about
   * 1e-4 (1e-6).
   * @default 1e-5 × the summed row weights
   */
  tolerance?: number | undefined;
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
  split?:
    | {
        /** Row indices to train on. */
        train: readonly number[];
        /** Row indices to score the model on. */
        test: readonly number[];
      }
    | undefined;
}
/** Every option of {@link ClassificationModelOptions}, in documentation order. */
export const CLASSIFICATION_MODEL_OPTION_KEYS = [
  "testSplitRatio",
  "learningRate",
  "solver",
  "multiClass",
  "penalty",
  "l2Strength",
  "classWeight",
  "maxIterations",
  "tolerance",
  "seed",
] as const;

/** Every option of {@link TrainModelOptions}: the constructor's plus `split`. */
export const TRAIN_MODEL_OPTION_KEYS = [...CLASSIFICATION_MODEL_OPTION_KEYS, "split"] as const;

/** The constructor's options with every default applied. */
export type ResolvedClassificationModelOptions = Readonly<
  Required<Omit<ClassificationModelOptions, "classWeight" | "tolerance">> &
    Pick<ClassificationModelOptions, "classWeight" | "tolerance">
>;

/**
 * The default stopping rule: max |∇| of the summed objective at most this value times the summed row weights (the
 * gradient of the mean loss at most 1e-5). Chosen by five-fold cross-validation inside the training rows of the
 * reference data sets (accuracy and macro-F1 unchanged on every fold against a tight fit, log-loss within 1.1e-4).
 */
export const DEFAULT_RELATIVE_TOLERANCE = 1e-5;

const DEFAULTS: ResolvedClassificationModelOptions = {
  testSplitRatio: 0.2,
  learningRate: 0.01,
  solver: "lbfgs",
  multiClass: "auto",
  penalty: "l2",
  l2Strength: 1,
  classWeight: undefined,
  maxIterations: 1000,
  seed: 42,
};

/**
 * Validates the options of `new ClassificationModel(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option (with the accepted keys).
 * @example
 * ```ts
 * resolveClassificationModelOptions({ testSplitRatio: 0.25 }).seed; // 42
 * ```
 */
export function resolveClassificationModelOptions(options: unknown): ResolvedClassificationModelOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("ClassificationModel constructor");
  if (check.object("options", given)) {
    check.knownKeys("options", given, CLASSIFICATION_MODEL_OPTION_KEYS);
    checkModelSettings(check, "options", given);
  }
  check.done();
  return Object.freeze({ ...DEFAULTS, ...withoutUndefined(given as ClassificationModelOptions) });
}

/**
 * Validates per-call {@link TrainModelOptions} (the `split` indices are checked later, against the rows) and merges
 * them over the constructor's options.
 *
 * @param check - The validator of the `trainModel` call; issues are added to it.
 * @param options - The per-call options.
 * @param defaults - The constructor's resolved options.
 * @returns The settings of this fit.
 */
export function resolveTrainModelOptions(
  check: Validator,
  options: unknown,
  defaults: ResolvedClassificationModelOptions,
): ResolvedClassificationModelOptions {
  const given = options === undefined ? {} : options;
  if (!check.object("options", given)) return defaults;
  check.knownKeys("options", given, TRAIN_MODEL_OPTION_KEYS);
  checkModelSettings(check, "options", given);
  const { split: _split, ...overrides } = given as TrainModelOptions;
  return { ...defaults, ...withoutUndefined(overrides) };
}

function checkModelSettings(check: Validator, path: string, options: Record<string, unknown>): void {
  const at = (key: string) => `${path}.${key}`;
  const { testSplitRatio, classWeight } = options;
  if (testSplitRatio !== undefined && check.number(at("testSplitRatio"), testSplitRatio, { min: 0 })) {
    check.check(testSplitRatio < 1, at("testSplitRatio"), "must be below 1 (some rows must be trained on)");
  }
  if (options.learningRate !== undefined) check.number(at("learningRate"), options.learningRate, { positive: true });
  if (options.solver !== undefined) check.oneOf(at("solver"), options.solver, ["lbfgs", "gradient-descent"]);
  if (options.multiClass !== undefined)
    check.oneOf(at("multiClass"), options.multiClass, ["auto", "multinomial", "ovr"]);
  if (options.penalty !== undefined) check.oneOf(at("penalty"), options.penalty, ["l2", "none"]);
  if (options.l2Strength !== undefined) check.number(at("l2Strength"), options.l2Strength, { positive: true });
  if (options.maxIterations !== undefined) {
    check.number(at("maxIterations"), options.maxIterations, { integer: true, min: 1 });
  }
  if (options.tolerance !== undefined) check.number(at("tolerance"), options.tolerance, { positive: true });
  if (options.seed !== undefined) checkSeed(check, at("seed"), options.seed);
  if (classWeight !== undefined && classWeight !== "balanced" && check.object(at("classWeight"), classWeight)) {
    for (const [label, weight] of Object.entries(classWeight)) {
      check.number(`${at("classWeight")}.${label}`, weight, { positive: true });
    }
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
