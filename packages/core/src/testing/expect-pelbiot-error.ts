import type { PelbiotErrorCode } from "../errors/error-codes";
import { PelbiotError } from "../errors/pelbiot-error";

/**
 * Runs `action`, which must throw a {@link PelbiotError} with `code`, and returns that error for further assertions.
 * Framework-free: it throws a plain `Error` describing the mismatch, which every test runner reports as a failure.
 *
 * @param action - A call expected to throw.
 * @param code - The expected stable code; omitted, any `PelbiotError` passes (assert its code yourself).
 * @returns The error thrown.
 * @throws {Error} when `action` succeeds or throws something else.
 * @example
 * ```ts
 * const error = expectPelbiotError(() => engine.trainModel("", []), "VALIDATION_ERROR");
 * expect(error.message).toContain("trainModel");
 * ```
 */
export function expectPelbiotError(action: () => unknown, code?: PelbiotErrorCode): PelbiotError {
  let result: unknown;
  try {
    result = action();
  } catch (error) {
    return checkError(error, code);
  }
  if (result instanceof Promise) {
    // Keep the rejection from going unhandled; the caller used the wrong helper.
    result.catch(() => undefined);
    throw new Error(
      `Expected a synchronous ${code ?? "PelbiotError"}, but the call returned a promise; use expectPelbiotErrorAsync`,
    );
  }
  throw new Error(`Expected the call to throw ${code ?? "a PelbiotError"}, but it succeeded`);
}

/**
 * Awaits `action` (a promise or a function returning one), which must reject with a {@link PelbiotError} with
 * `code`, and returns that error. A synchronous throw from the function counts as a rejection.
 *
 * @param action - A promise, or a call returning one, expected to reject.
 * @param code - The expected stable code; omitted, any `PelbiotError` passes (assert its code yourself).
 * @returns The error it rejected with.
 * @throws {Error} when `action` resolves or rejects with something else.
 * @example
 * ```ts
 * await expectPelbiotErrorAsync(manager.getCredentials("missing"), "NOT_FOUND");
 * ```
 */
export async function expectPelbiotErrorAsync(
  action: Promise<unknown> | (() => unknown),
  code?: PelbiotErrorCode,
): Promise<PelbiotError> {
  try {
    await (typeof action === "function" ? action() : action);
  } catch (error) {
    return checkError(error, code);
  }
  throw new Error(`Expected the call to reject with ${code ?? "a PelbiotError"}, but it resolved`);
}

function checkError(error: unknown, code: PelbiotErrorCode | undefined): PelbiotError {
  if (PelbiotError.is(error, code)) return error;
  const got = PelbiotError.is(error)
    ? `PelbiotError ${error.code}: ${error.message}`
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
  throw new Error(`Expected a PelbiotError${code === undefined ? "" : ` with code ${code}`}, got ${got}`, {
    cause: error,
  });
}
