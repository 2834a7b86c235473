import { isPelbiotErrorCode, type PelbiotErrorCode } from "./error-codes";

// A registry-wide symbol: the ESM and CJS builds of this package (or two installed copies) share it,
// while each copy has its own class, so `instanceof` fails across them and the marker does not.
const MARKER: unique symbol = Symbol.for("pelbiot.error");

/** Options accepted by {@link PelbiotError}. */
export interface PelbiotErrorOptions {
  /** The underlying failure, kept as the standard ES2022 `cause`. */
  cause?: unknown;
  /** Structured, non-secret context that helps the caller act on the error (ids, limits, counts). */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * The one base class of every error a PELBIOT package throws. Branch on {@link PelbiotError.code}; recognise it
 * with {@link PelbiotError.is}, which, unlike `instanceof`, also works when both the ESM and CJS copies are loaded.
 *
 * @example
 * ```ts
 * try {
 *   engine.detectAnomalies("cpu", points);
 * } catch (error) {
 *   if (PelbiotError.is(error, "MODEL_NOT_FOUND")) engine.trainModel("cpu", history);
 * }
 * ```
 */
export class PelbiotError extends Error {
  /** Marker read by {@link PelbiotError.is}. */
  readonly [MARKER] = true as const;
  /** The stable, documented error code. */
  readonly code: PelbiotErrorCode;
  /** Structured context; never holds secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - A stable code from {@link PelbiotErrorCode}.
   * @param message - What was wrong and what is accepted.
   * @param options - An optional `cause` and `details`.
   */
  constructor(code: PelbiotErrorCode, message: string, options: PelbiotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PelbiotError";
    this.code = code;
    this.details = options.details;
  }

  /**
   * Whether `value` is a PELBIOT error (from any copy of the package), optionally with a given code.
   *
   * @param value - Anything that was thrown.
   * @param code - When given, the error must also carry this code.
   * @returns `true` for a PELBIOT error that matches.
   */
  static is(value: unknown, code?: PelbiotErrorCode): value is PelbiotError {
    if (typeof value !== "object" || value === null) return false;
    const marked = (value as { [MARKER]?: unknown })[MARKER] === true;
    if (!marked || !isPelbiotErrorCode((value as { code?: unknown }).code)) return false;
    return code === undefined || (value as PelbiotError).code === code;
  }

  /** A plain JSON form for logs and API responses (no stack, no cause chain). */
  toJSON(): {
    /** The class name, `PelbiotError` or `PelbiotValidationError`. */
    name: string;
    /** The stable error code. */
    code: PelbiotErrorCode;
    /** The human-readable message. */
    message: string;
    /** The structured details, when the error has any. */
    details?: Readonly<Record<string, unknown>>;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/**
 * Normalises anything thrown into a {@link PelbiotError}: PELBIOT errors pass through unchanged, an `AbortError`
 * becomes `ABORTED`, and every other value becomes `fallbackCode` (default `INTERNAL_ERROR`) with the value as `cause`.
 *
 * @param value - Anything caught.
 * @param fallbackCode - The code for values that are not already PELBIOT errors.
 * @returns A PELBIOT error.
 * @example
 * ```ts
 * catch (error) { throw toPelbiotError(error, "PROVIDER_ERROR"); }
 * ```
 */
export function toPelbiotError(value: unknown, fallbackCode: PelbiotErrorCode = "INTERNAL_ERROR"): PelbiotError {
  if (PelbiotError.is(value)) return value;
  if (value instanceof Error) {
    const code = value.name === "AbortError" ? "ABORTED" : value.name === "TimeoutError" ? "TIMEOUT" : fallbackCode;
    return new PelbiotError(code, value.message || value.name, { cause: value });
  }
  return new PelbiotError(fallbackCode, `Non-error value thrown: ${describeValue(value)}`, { cause: value });
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (value === null || typeof value !== "object") return String(value);
  return Object.prototype.toString.call(value);
}
