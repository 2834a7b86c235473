import { PelbiotValidationError, type ValidationIssue } from "../errors/pelbiot-validation-error";

/**
 * Runs `action`, which must fail validation, and returns the issues it reported, for tests that assert exact paths
 * and messages. Framework-free: works with any test runner.
 *
 * @param action - A call expected to throw a `PelbiotValidationError`.
 * @returns The issues, in the order reported, as `"path: message"` lines.
 * @throws {Error} when `action` succeeds; any other error `action` throws is rethrown unchanged.
 * @example
 * ```ts
 * expect(captureValidationIssues(() => createLogger({ sink: 1 as never }))).toEqual(["options.sink: must be a function, got number 1"]);
 * ```
 */
export function captureValidationIssues(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (PelbiotValidationError.isValidationError(error)) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error("Expected the call to fail validation, but it succeeded");
}

/**
 * Awaits `action`, which must reject with a validation error, and returns the issues it reported.
 *
 * @param action - An async call expected to reject with a `PelbiotValidationError`.
 * @returns The issues as `"path: message"` lines.
 * @throws {Error} when `action` resolves; any other rejection is rethrown unchanged.
 */
export async function captureValidationIssuesAsync(action: () => Promise<unknown>): Promise<string[]> {
  try {
    await action();
  } catch (error) {
    if (PelbiotValidationError.isValidationError(error)) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error("Expected the call to fail validation, but it succeeded");
}

function formatIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}
