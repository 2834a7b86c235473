import { PelbiotValidationError } from "@pelbiot/core";

/**
 * Runs a helper that validates its own arguments and reports its issues as the public method's: under the method's
 * name, with paths as the caller wrote them (the helper's `options.minRatio` is the caller's
 * `options.typeScale.minRatio`).
 *
 * @param context - The public method, e.g. `"MobileUIOptimizer.getTypographyScale"`.
 * @param renamePath - Maps a path of the helper to the caller's.
 * @param operation - The helper call.
 * @returns What the helper returns.
 * @throws {PelbiotValidationError} VALIDATION_ERROR with the helper's issues, renamed; other errors pass unchanged.
 */
export function withValidationContext<T>(context: string, renamePath: (path: string) => string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (!PelbiotValidationError.isValidationError(error)) throw error;
    throw new PelbiotValidationError(
      error.issues.map((issue) => ({ ...issue, path: renamePath(issue.path) })),
      context,
    );
  }
}

/**
 * A path renamer that replaces a leading segment.
 *
 * @param from - The helper's leading segment, e.g. `"options"`.
 * @param to - The caller's, e.g. `"options.typeScale"`.
 * @returns The renamer.
 */
export function replacePathPrefix(from: string, to: string): (path: string) => string {
  return (path) => (path === from ? to : path.startsWith(`${from}.`) ? `${to}${path.slice(from.length)}` : path);
}

/** Leaves paths as they are. */
export const samePath = (path: string): string => path;
