import { PelbiotError } from "./pelbiot-error";

/** One problem found while validating input: where it is and what was wrong. */
export interface ValidationIssue {
  /** Dot-path to the offending value, e.g. `options.retry.maxAttempts` or `points.3.value`. */
  readonly path: string;
  /** What was wrong and what is accepted. */
  readonly message: string;
}

/**
 * Thrown (code `VALIDATION_ERROR`) when arguments or options are malformed. Lists every issue at once,
 * each with its dot-path, so a caller can fix them all in one go.
 *
 * @example
 * ```ts
 * if (PelbiotError.is(error, "VALIDATION_ERROR")) console.log((error as PelbiotValidationError).issues);
 * ```
 */
export class PelbiotValidationError extends PelbiotError {
  /** Every problem found, in input order. */
  readonly issues: readonly ValidationIssue[];

  /**
   * @param issues - At least one issue.
   * @param context - What was being validated, e.g. `"WebhookManager.registerWebhook"`.
   */
  constructor(issues: readonly ValidationIssue[], context?: string) {
    const lines = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    const prefix = context ? `Invalid input to ${context}` : "Invalid input";
    super("VALIDATION_ERROR", `${prefix}: ${lines.join("; ")}`, { details: { issues: lines } });
    this.name = "PelbiotValidationError";
    this.issues = Object.freeze([...issues]);
  }

  /**
   * Whether a value is a validation error from any copy of the package.
   *
   * @param value - Anything thrown.
   * @returns `true` for a `VALIDATION_ERROR` that carries `issues`.
   */
  static isValidationError(value: unknown): value is PelbiotValidationError {
    return PelbiotError.is(value, "VALIDATION_ERROR") && Array.isArray((value as { issues?: unknown }).issues);
  }
}
