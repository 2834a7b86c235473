import { type Clock, isClock } from "../time/clock";
import { createValidator } from "../validation/validator";
import { uuidv7, uuidv7Timestamp } from "./uuid-v7";

/** Options of {@link createIdGenerator}. */
export interface IdGeneratorOptions {
  /**
   * Names the kind of record, e.g. `whk` for webhooks or `pay` for payments: a lowercase letter followed by up to
   * 15 lowercase letters or digits.
   */
  prefix: string;
  /**
   * The clock that supplies the embedded timestamp.
   * @default systemClock
   */
  clock?: Clock | undefined;
}

/** Generates and recognises prefixed ids of one kind; see {@link createIdGenerator}. */
export interface IdGenerator {
  /** The prefix, without the underscore. */
  readonly prefix: string;
  /** A new id: `<prefix>_` followed by the 32 lowercase hex digits of a UUIDv7. */
  next(): string;
  /** Whether `value` is an id of this generator's kind (any clock). */
  isValid(value: unknown): value is string;
  /**
   * The creation time embedded in an id of this kind, in epoch milliseconds.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `id` is not of this kind.
   */
  timestamp(id: string): number;
  /**
   * The canonical hyphenated UUIDv7 inside an id of this kind, e.g. for a database `uuid` column.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `id` is not of this kind.
   */
  toUuid(id: string): string;
}

const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/**
 * Creates a generator of prefixed, time-ordered ids such as `whk_01936f0e8a4b7c2d9e3f0a1b2c3d4e5f`. The prefix makes
 * ids self-describing in logs and support tickets; the UUIDv7 body keeps them unique and sortable by creation time.
 *
 * @param options - The prefix and an optional clock.
 * @returns An {@link IdGenerator}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the prefix or clock is malformed.
 * @example
 * ```ts
 * const webhookIds = createIdGenerator({ prefix: "whk" });
 * const id = webhookIds.next(); // "whk_0193…"
 * webhookIds.isValid(id); // true
 * ```
 */
export function createIdGenerator(options: IdGeneratorOptions): IdGenerator {
  const check = createValidator("createIdGenerator");
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["prefix", "clock"]);
    check.string("options.prefix", options.prefix, {
      pattern: {
        regex: PREFIX_PATTERN,
        description: "a lowercase letter followed by up to 15 lowercase letters or digits",
      },
    });
    if (options.clock !== undefined) {
      check.check(isClock(options.clock), "options.clock", "must be a Clock (now, setTimeout, clearTimeout)");
    }
  }
  check.done();
  const { prefix, clock } = options;

  const idPattern = new RegExp(`^${prefix}_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$`);
  const isValid = (value: unknown): value is string => typeof value === "string" && idPattern.test(value);

  // Shared by toUuid and timestamp so the error names the method the caller actually used.
  const extractUuid = (id: string, method: string): string => {
    const validator = createValidator(`IdGenerator.${method}`);
    validator.check(isValid(id), "id", `must be an id like ${prefix}_ followed by the 32 hex digits of a UUIDv7`);
    validator.done();
    const hex = id.slice(prefix.length + 1);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  return {
    prefix,
    next: () => `${prefix}_${uuidv7(clock === undefined ? {} : { clock }).replaceAll("-", "")}`,
    isValid,
    timestamp: (id) => uuidv7Timestamp(extractUuid(id, "timestamp")),
    toUuid: (id) => extractUuid(id, "toUuid"),
  };
}
