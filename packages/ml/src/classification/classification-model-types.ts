import type { ClassificationReport } from "../metrics/classification-report";
import type { LogisticMode, LogisticSolver } from "./fit-logistic-regression";

/** A class label: a string or a finite number. All labels of one model share one type. */
export type ClassLabel = string | number;

/** One training or prediction row: feature values (finite numbers) keyed by feature name; other keys are ignored. */
export type FeatureRecord = Readonly<Record<string, unknown>>;

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
