import { PelbiotValidationError, type ValidationIssue } from "../errors/pelbiot-validation-error";
import type { Logger } from "../logging/logger";
import type { StorageAdapter } from "../storage/storage-adapter";
import { type Clock, isClock } from "../time/clock";
import { closestName } from "./closest-name";
import { describeType } from "./describe-type";

/** Bounds for {@link Validator.number}. */
export interface NumberRule {
  /** Inclusive lower bound. */
  min?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Require a whole number. @default false */
  integer?: boolean;
  /** Reject zero and below. @default false */
  positive?: boolean;
}

/** Bounds for {@link Validator.string}. */
export interface StringRule {
  /** Minimum length in UTF-16 units. @default 1 */
  minLength?: number;
  /** Maximum length in UTF-16 units. */
  maxLength?: number;
  /** A pattern the whole string must match, with a human description of it. */
  pattern?: {
    /** The expression the whole string must match. */
    regex: RegExp;
    /** What matches, completing "must be …", e.g. `"a lowercase hex string"`. */
    description: string;
  };
}

/**
 * Options of {@link createValidator}.
 *
 * @example
 * ```ts
 * const check = createValidator("storeCredentials", { redactStrings: true });
 * ```
 */
export interface ValidatorOptions {
  /**
   * Describe rejected strings by their length only, never their content: for calls where any argument may be a
   * secret passed in the wrong place.
   * @default false
   */
  redactStrings?: boolean;
}

/**
 * Collects every validation issue of a call, then throws them together as one {@link PelbiotValidationError}.
 * Each check returns whether the value passed, so dependent checks can be skipped.
 *
 * @example
 * ```ts
 * const check = createValidator("trainModel");
 * check.string("modelId", modelId, { maxLength: 128 });
 * check.array("trainingData", trainingData, { minLength: 1 });
 * check.done(); // throws VALIDATION_ERROR listing every issue, or returns
 * ```
 */
export interface Validator {
  /** Issues collected so far. */
  readonly issues: readonly ValidationIssue[];
  /** Records an issue when `condition` is false. */
  check(condition: boolean, path: string, message: string): boolean;
  /** Records an issue unconditionally. */
  fail(path: string, message: string): false;
  /** A non-empty string (by default) within the rule's bounds. */
  string(path: string, value: unknown, rule?: StringRule): value is string;
  /** A finite number within the rule's bounds. */
  number(path: string, value: unknown, rule?: NumberRule): value is number;
  /** A boolean. */
  boolean(path: string, value: unknown): value is boolean;
  /** A plain object (not null, not an array). */
  object(path: string, value: unknown): value is Record<string, unknown>;
  /** An array whose length is within bounds. */
  array(path: string, value: unknown, rule?: { minLength?: number; maxLength?: number }): value is unknown[];
  /** One of the listed literal values. */
  oneOf<const T extends string | number | boolean>(path: string, value: unknown, allowed: readonly T[]): value is T;
  /** A valid `Date` or a finite epoch-milliseconds number or an ISO-8601 string; see {@link toEpochMillis}. */
  timestamp(path: string, value: unknown): boolean;
  /** A function. */
  fn(path: string, value: unknown): value is (...args: never[]) => unknown;
  /**
   * An options object whose keys are all in `accepted`: each unknown key is an issue that lists the accepted ones
   * (and the nearest one, for a likely typo). Keys whose value is `undefined` are checked too.
   */
  knownKeys(path: string, value: Record<string, unknown>, accepted: readonly string[]): boolean;
  /** A {@link Clock}: `now`, `setTimeout` and `clearTimeout`. */
  clock(path: string, value: unknown): value is Clock;
  /** A {@link Logger}: `debug`, `info`, `warn`, `error` and `child`. */
  logger(path: string, value: unknown): value is Logger;
  /** A {@link StorageAdapter}: every method of the storage contract. */
  storage(path: string, value: unknown): value is StorageAdapter;
  /** A duration in whole milliseconds, at least `min` (default 0) and at most `max` (default 2^31 − 1, timers' limit). */
  durationMs(path: string, value: unknown, rule?: { min?: number; max?: number }): value is number;
  /** Throws the collected issues as one {@link PelbiotValidationError}; returns when there are none. */
  done(): void;
}

/** The largest delay `setTimeout` honours; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const LOGGER_METHODS = ["debug", "info", "warn", "error", "child"] as const;
const STORAGE_METHODS = ["getItem", "getEntry", "setItem", "removeItem", "compareAndSet", "keys"] as const;

/**
 * Creates a {@link Validator} for one call.
 *
 * @param context - What is being validated, shown in the error message (e.g. `"WebhookManager.registerWebhook"`).
 * @param options - `redactStrings` to keep string values out of messages.
 * @returns A fresh validator.
 */
export function createValidator(context?: string, options?: ValidatorOptions): Validator {
  return new IssueCollector(context, options?.redactStrings === true);
}

// A class rather than an object of closures: validators are created on every public call, so construction must
// be cheap (one object, methods on the prototype).
class IssueCollector implements Validator {
  readonly issues: ValidationIssue[] = [];
  readonly #context: string | undefined;
  readonly #redactStrings: boolean;

  constructor(context: string | undefined, redactStrings: boolean) {
    this.#context = context;
    this.#redactStrings = redactStrings;
  }

  #describe(value: unknown): string {
    return describeType(value, this.#redactStrings);
  }

  check(condition: boolean, path: string, message: string): boolean {
    return condition || this.fail(path, message);
  }

  fail(path: string, message: string): false {
    this.issues.push({ path, message });
    return false;
  }

  string(path: string, value: unknown, rule: StringRule = {}): value is string {
    const { minLength = 1, maxLength, pattern } = rule;
    if (typeof value !== "string") return this.fail(path, `must be a string, got ${this.#describe(value)}`);
    if (value.length < minLength) {
      return this.fail(
        path,
        minLength === 1 ? "must be a non-empty string" : `must be at least ${minLength} characters`,
      );
    }
    if (maxLength !== undefined && value.length > maxLength) {
      return this.fail(path, `must be at most ${maxLength} characters, got ${value.length}`);
    }
    if (pattern && !pattern.regex.test(value)) return this.fail(path, `must be ${pattern.description}`);
    return true;
  }

  number(path: string, value: unknown, rule: NumberRule = {}): value is number {
    const { min, max, integer = false, positive = false } = rule;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return this.fail(path, `must be a finite number, got ${this.#describe(value)}`);
    }
    if (integer && !Number.isInteger(value)) return this.fail(path, `must be an integer, got ${value}`);
    if (positive && value <= 0) return this.fail(path, `must be greater than 0, got ${value}`);
    if (min !== undefined && value < min) return this.fail(path, `must be at least ${min}, got ${value}`);
    if (max !== undefined && value > max) return this.fail(path, `must be at most ${max}, got ${value}`);
    return true;
  }

  boolean(path: string, value: unknown): value is boolean {
    return typeof value === "boolean" || this.fail(path, `must be a boolean, got ${this.#describe(value)}`);
  }

  object(path: string, value: unknown): value is Record<string, unknown> {
    const ok = typeof value === "object" && value !== null && !Array.isArray(value);
    return ok || this.fail(path, `must be an object, got ${this.#describe(value)}`);
  }

  array(path: string, value: unknown, rule: { minLength?: number; maxLength?: number } = {}): value is unknown[] {
    if (!Array.isArray(value)) return this.fail(path, `must be an array, got ${this.#describe(value)}`);
    const { minLength = 0, maxLength } = rule;
    if (value.length < minLength)
      return this.fail(path, `must hold at least ${minLength} item(s), got ${value.length}`);
    if (maxLength !== undefined && value.length > maxLength) {
      return this.fail(path, `must hold at most ${maxLength} item(s), got ${value.length}`);
    }
    return true;
  }

  oneOf<const T extends string | number | boolean>(path: string, value: unknown, allowed: readonly T[]): value is T {
    if ((allowed as readonly unknown[]).includes(value)) return true;
    const list = allowed.map((item) => JSON.stringify(item)).join(", ");
    return this.fail(path, `must be one of ${list}, got ${this.#describe(value)}`);
  }

  timestamp(path: string, value: unknown): boolean {
    return (
      toEpochMillis(value) !== undefined ||
      this.fail(path, `must be a Date, epoch milliseconds or an ISO-8601 string, got ${this.#describe(value)}`)
    );
  }

  fn(path: string, value: unknown): value is (...args: never[]) => unknown {
    return typeof value === "function" || this.fail(path, `must be a function, got ${this.#describe(value)}`);
  }

  knownKeys(path: string, value: Record<string, unknown>, accepted: readonly string[]): boolean {
    let ok = true;
    for (const key of Object.keys(value)) {
      if (accepted.includes(key)) continue;
      const nearest = closestName(key, accepted);
      const hint = nearest === undefined ? "" : ` (did you mean ${JSON.stringify(nearest)}?)`;
      // The key is the user's own text, never a value: clip it rather than hide it.
      const shown = key.length > 40 ? `${JSON.stringify(key.slice(0, 40))}…` : JSON.stringify(key);
      ok = this.fail(
        path ? `${path}.${key.slice(0, 40)}` : key.slice(0, 40),
        `${shown} is not a known option${hint}; accepted: ${accepted.join(", ")}`,
      );
    }
    return ok;
  }

  clock(path: string, value: unknown): value is Clock {
    return (
      isClock(value) || this.fail(path, `must be a Clock (now, setTimeout, clearTimeout), got ${describeType(value)}`)
    );
  }

  logger(path: string, value: unknown): value is Logger {
    return this.#hasMethods(path, value, LOGGER_METHODS, "a Logger");
  }

  storage(path: string, value: unknown): value is StorageAdapter {
    return this.#hasMethods(path, value, STORAGE_METHODS, "a StorageAdapter");
  }

  durationMs(path: string, value: unknown, rule: { min?: number; max?: number } = {}): value is number {
    const { min = 0, max = MAX_TIMER_MS } = rule;
    return this.number(path, value, { integer: true, min, max });
  }

  #hasMethods(path: string, value: unknown, methods: readonly string[], what: string): boolean {
    const target = value as Record<string, unknown> | null;
    const missing =
      (typeof value === "object" || typeof value === "function") && value !== null
        ? methods.filter((method) => typeof target?.[method] !== "function")
        : methods;
    if (missing.length === 0) return true;
    return this.fail(path, `must be ${what} (${methods.join(", ")}); missing ${missing.join(", ")}`);
  }

  done(): void {
    if (this.issues.length > 0) throw new PelbiotValidationError(this.issues, this.#context);
  }
}

/**
 * Converts a `Date`, epoch milliseconds or an ISO-8601 string to epoch milliseconds.
 *
 * @param value - The timestamp in any of the accepted forms.
 * @returns Epoch milliseconds, or `undefined` when the value is not a valid timestamp.
 */
export function toEpochMillis(value: unknown): number | undefined {
  if (value instanceof Date) {
    const time = value.getTime();
    return Number.isFinite(time) ? time : undefined;
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const time = Date.parse(value);
    return Number.isFinite(time) ? time : undefined;
  }
  return undefined;
}
