import { createValidator, PelbiotError } from "@pelbiot/core";
import { classificationReport } from "../metrics/classification-report";
import { logLoss } from "../metrics/log-loss";
import { multiclassRocAuc } from "../metrics/multiclass-roc-auc";
import { createRandom } from "../random/create-random";
import { argmax, classProbabilities } from "./class-probabilities";
import {
  DEFAULT_RELATIVE_TOLERANCE,
  type ResolvedClassificationModelOptions,
  type TrainModelOptions,
} from "./classification-model-options";
import type { ClassificationMetrics, ClassLabel, TrainedClassifier } from "./classification-model-types";
import { fitLogisticRegression, type LogisticMode } from "./fit-logistic-regression";
import { describeValue, MAX_REPORTED_ISSUES, type TrainingRows } from "./read-training-rows";
import { fitStandardScaler, type StandardScaler, standardizeRows } from "./standard-scaler";
import { type RowSplit, stratifiedSplit } from "./stratified-split";

const CONTEXT = "ClassificationModel.trainModel";

/** What {@link trainClassifier} needs besides the validated rows. */
export interface TrainClassifierInput {
  readonly name: string;
  readonly featureNames: string[];
  readonly rows: TrainingRows;
  readonly settings: ResolvedClassificationModelOptions;
  readonly split: TrainModelOptions["split"];
}

/** A fitted model and what it scored on the held-out rows. */
export interface TrainedOutcome {
  readonly model: TrainedClassifier;
  readonly trainSize: number;
  readonly testSize: number;
  readonly testMetrics: ClassificationMetrics | null;
}

/**
 * Splits, standardises, fits and evaluates one model: the whole of `trainModel` after argument validation.
 *
 * @param input - The validated rows, names and settings.
 * @returns The model and its test metrics.
 * @throws {PelbiotError} INSUFFICIENT_DATA (`{ got, need }`) with fewer than 2 classes or a class without training rows.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a bad explicit split or class weights naming unknown classes.
 */
export function trainClassifier(input: TrainClassifierInput): TrainedOutcome {
  const { name, featureNames, rows, settings } = input;
  const classes = [...new Map(rows.labels.map((label) => [String(label), label])).values()].sort(compareLabels);
  if (classes.length < 2) {
    throw new PelbiotError(
      "INSUFFICIENT_DATA",
      `${CONTEXT}: the labels hold ${classes.length} class; at least 2 distinct classes are needed`,
      { details: { got: classes.length, need: 2 } },
    );
  }
  const classIndex = new Map(classes.map((label, index) => [String(label), index]));
  const classIndices = Int32Array.from(rows.labels, (label) => classIndex.get(String(label)) as number);
  const split =
    input.split === undefined
      ? stratifiedSplit(classIndices, classes.length, settings.testSplitRatio, createRandom(settings.seed))
      : readExplicitSplit(input.split, classIndices.length);
  const weights = classWeights(settings.classWeight, classes, classIndices, split.train);
  requireEveryClass(classes, classIndices, split.train);

  const featureCount = featureNames.length;
  const scaler = fitStandardScaler(rows.design, featureCount, split.train);
  const mode: LogisticMode = settings.multiClass === "ovr" ? "ovr" : classes.length === 2 ? "binary" : "multinomial";
  const sampleWeights = Float64Array.from(split.train, (row) => weights[classIndices[row] as number] as number);
  let totalWeight = 0;
  for (const weight of sampleWeights) totalWeight += weight;
  const fit = fitLogisticRegression({
    design: standardizeRows(scaler, rows.design, featureCount, split.train),
    rowCount: split.train.length,
    featureCount,
    classIndices: Int32Array.from(split.train, (row) => classIndices[row] as number),
    classCount: classes.length,
    sampleWeights,
    mode,
    solver: settings.solver,
    l2Strength: settings.penalty === "none" ? 0 : settings.l2Strength,
    learningRate: settings.learningRate,
    maxIterations: settings.maxIterations,
    tolerance: settings.tolerance ?? DEFAULT_RELATIVE_TOLERANCE * totalWeight,
  });
  // The same model on the original feature scale: w / scale, and b − Σ w · mean / scale.
  const coefficients = fit.coefficients.map((row) =>
    row.map((weight, feature) => weight / (scaler.scale[feature] as number)),
  );
  const intercepts = fit.intercepts.map(
    (intercept, output) =>
      intercept -
      (fit.coefficients[output] as number[]).reduce(
        (sum, weight, feature) => sum + (weight * (scaler.mean[feature] as number)) / (scaler.scale[feature] as number),
        0,
      ),
  );
  const model: TrainedClassifier = {
    name,
    features: featureNames,
    classes,
    mode,
    scalerMean: scaler.mean,
    scalerScale: scaler.scale,
    standardizedCoefficients: fit.coefficients,
    standardizedIntercepts: fit.intercepts,
    coefficients,
    intercepts,
    converged: fit.converged,
    iterations: fit.iterations,
    gradientNorm: fit.gradientNorm,
    solver: settings.solver,
  };
  const testMetrics = split.test.length > 0 ? evaluate(model, scaler, rows.design, split.test, classIndices) : null;
  return { model, trainSize: split.train.length, testSize: split.test.length, testMetrics };
}

/** Metrics of a fitted model on the held-out rows. */
function evaluate(
  model: TrainedClassifier,
  scaler: StandardScaler,
  design: Float64Array,
  testRows: readonly number[],
  classIndices: Int32Array,
): ClassificationMetrics {
  const featureCount = model.features.length;
  const testMatrix = standardizeRows(scaler, design, featureCount, testRows);
  const actual = testRows.map((row) => classIndices[row] as number);
  const probabilities = testRows.map((_, position) => classProbabilities(model, testMatrix, position * featureCount));
  return {
    ...classificationReport(actual, probabilities.map(argmax), model.classes.length),
    logLoss: logLoss(actual, probabilities),
    rocAuc: multiclassRocAuc(actual, probabilities, model.classes.length),
    rowCount: testRows.length,
  };
}

/** Numbers ascending, strings by code unit: the order probability vectors follow. */
function compareLabels(left: ClassLabel, right: ClassLabel): number {
  if (typeof left === "number" && typeof right === "number") return left - right;
  return String(left) < String(right) ? -1 : String(left) > String(right) ? 1 : 0;
}

function readExplicitSplit(given: unknown, rowCount: number): RowSplit {
  const check = createValidator(CONTEXT);
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
        `${path}.${index}`,
        valid
          ? `row ${row} is used twice (train and test must not overlap)`
          : `must be a row index in [0, ${rowCount - 1}], got ${describeValue(row)}`,
      );
    });
    return accepted;
  };
  if (!check.object("options.split", given)) check.done();
  const split = given as Record<string, unknown>;
  check.knownKeys("options.split", split, ["train", "test"]);
  const train = collect("options.split.train", split.train);
  const test = collect("options.split.test", split.test);
  if (issues > MAX_REPORTED_ISSUES) check.fail("options.split", `… and ${issues - MAX_REPORTED_ISSUES} more issue(s)`);
  check.check(train.length > 0, "options.split.train", "must hold at least one row");
  check.done();
  return { train, test };
}

function classWeights(
  classWeight: ResolvedClassificationModelOptions["classWeight"],
  classes: readonly ClassLabel[],
  classIndices: Int32Array,
  trainRows: readonly number[],
): number[] {
  if (classWeight === undefined) return classes.map(() => 1);
  if (classWeight === "balanced") {
    const counts = countPerClass(classes.length, classIndices, trainRows);
    return counts.map((count) => (count === 0 ? 1 : trainRows.length / (classes.length * count)));
  }
  const known = new Set(classes.map(String));
  const unknown = Object.keys(classWeight).filter((label) => !known.has(label));
  if (unknown.length > 0) {
    const check = createValidator(CONTEXT);
    check.fail("options.classWeight", `names unknown class(es) ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
    check.done();
  }
  return classes.map((label) => classWeight[String(label)] ?? 1);
}

function requireEveryClass(
  classes: readonly ClassLabel[],
  classIndices: Int32Array,
  trainRows: readonly number[],
): void {
  const counts = countPerClass(classes.length, classIndices, trainRows);
  const missing = classes.filter((_, index) => counts[index] === 0);
  if (missing.length === 0) return;
  throw new PelbiotError(
    "INSUFFICIENT_DATA",
    `${CONTEXT}: class(es) ${missing.map((label) => JSON.stringify(label)).join(", ")} have no training row; give every class at least one training row`,
    { details: { got: classes.length - missing.length, need: classes.length } },
  );
}

function countPerClass(classCount: number, classIndices: Int32Array, rows: readonly number[]): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (const row of rows) counts[classIndices[row] as number] = (counts[classIndices[row] as number] as number) + 1;
  return counts;
}
