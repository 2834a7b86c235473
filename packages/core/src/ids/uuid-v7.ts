import { PelbiotError } from "../errors/pelbiot-error";
import { type Clock, isClock } from "../time/clock";
import { systemClock } from "../time/system-clock";
import { createValidator } from "../validation/validator";

/** Options of {@link uuidv7}. */
export interface UuidV7Options {
  /**
   * The clock that supplies the embedded timestamp. Each clock keeps its own monotonic sequence.
   * @default systemClock
   */
  clock?: Clock | undefined;
}

// Layout (RFC 9562 §5.7): 48-bit Unix ms | version 7 | 12-bit rand_a | variant 0b10 | 62-bit rand_b.
// rand_a and the top 30 bits of rand_b form a 42-bit counter (RFC 9562 §6.2, method 1), so one millisecond holds
// about 2^41 ids before the counter rolls over; the last 32 bits stay random in every id.
const COUNTER_LOW_BITS = 30;
const COUNTER_LOW_RANGE = 2 ** COUNTER_LOW_BITS;
const MAX_COUNTER = 2 ** 42 - 1;
const MAX_TIMESTAMP = 2 ** 48 - 1;

const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

interface SequenceState {
  timestamp: number;
  counter: number;
}

// Keyed by clock so a test's manual clock never inherits the sequence (and the timestamp) of the system clock.
const sequences = new WeakMap<Clock, SequenceState>();

// getRandomValues is comparatively slow per call, so random bytes are drawn in batches.
const POOL_SIZE = 4096;
let pool: Uint8Array | undefined;
let poolOffset = POOL_SIZE;

function randomBytes(count: number): Uint8Array {
  if (pool === undefined || poolOffset + count > POOL_SIZE) {
    const crypto = globalThis.crypto as Crypto | undefined;
    if (typeof crypto?.getRandomValues !== "function") {
      throw new PelbiotError(
        "UNSUPPORTED",
        "uuidv7 needs globalThis.crypto.getRandomValues (Web Crypto), which this runtime lacks. " +
          "Use Node 20+, a modern browser, or install a Web Crypto polyfill.",
      );
    }
    pool ??= new Uint8Array(POOL_SIZE);
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return bytes;
}

// A fresh counter starts with its top bit clear (RFC 9562 §6.2) so at least 2^41 increments fit in a millisecond.
function randomCounterSeed(): number {
  const bytes = randomBytes(6);
  let seed = (bytes[0] as number) & 0x01;
  for (let index = 1; index < 6; index++) seed = seed * 256 + (bytes[index] as number);
  return seed;
}

function readTimestamp(clock: Clock): number {
  const now = clock.now();
  if (typeof now !== "number" || !Number.isFinite(now) || now < 0 || now > MAX_TIMESTAMP) {
    const check = createValidator("uuidv7");
    check.fail("options.clock", `now() must return epoch milliseconds between 0 and 2^48 - 1, got ${String(now)}`);
    check.done();
  }
  return Math.floor(now);
}

function nextState(clock: Clock): SequenceState {
  const now = readTimestamp(clock);
  const previous = sequences.get(clock);
  let state: SequenceState;
  if (previous === undefined || now > previous.timestamp) {
    state = { timestamp: now, counter: randomCounterSeed() };
  } else if (previous.counter < MAX_COUNTER) {
    // Same millisecond, or the clock stepped back: stay on the previous timestamp so ids keep increasing.
    state = { timestamp: previous.timestamp, counter: previous.counter + 1 };
  } else {
    // Counter exhausted: borrow the next millisecond rather than break ordering (RFC 9562 §6.2).
    state = { timestamp: previous.timestamp + 1, counter: randomCounterSeed() };
  }
  sequences.set(clock, state);
  return state;
}

/**
 * Generates an RFC 9562 UUID version 7: a 48-bit millisecond timestamp followed by a counter and Web Crypto random
 * bits. Ids from the same clock are strictly increasing, also within one millisecond and when the clock steps
 * back, so they sort lexically in creation order and make good database keys.
 *
 * @param options - The clock supplying the timestamp.
 * @returns A lowercase, hyphenated UUID such as `01936f0e-8a4b-7c2d-9e3f-0a1b2c3d4e5f`.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `options.clock` is not a clock or returns a time outside
 * 0 … 2^48 − 1.
 * @throws {PelbiotError} UNSUPPORTED when the runtime has no `crypto.getRandomValues`.
 * @example
 * ```ts
 * const id = uuidv7(); // "0193…-7…"
 * uuidv7Timestamp(id); // ≈ Date.now()
 * ```
 */
export function uuidv7(options: UuidV7Options = {}): string {
  const check = createValidator("uuidv7");
  if (check.object("options", options) && options.clock !== undefined) {
    check.check(isClock(options.clock), "options.clock", "must be a Clock (now, setTimeout, clearTimeout)");
  }
  check.done();
  const { clock = systemClock } = options;

  const { timestamp, counter } = nextState(clock);
  const counterHigh = Math.floor(counter / COUNTER_LOW_RANGE);
  const counterLow = counter % COUNTER_LOW_RANGE;
  const tail = randomBytes(4);

  const bytes = new Uint8Array(16);
  let remaining = timestamp;
  for (let index = 5; index >= 0; index--) {
    bytes[index] = remaining % 256;
    remaining = Math.floor(remaining / 256);
  }
  bytes[6] = 0x70 | (counterHigh >>> 8);
  bytes[7] = counterHigh & 0xff;
  bytes[8] = 0x80 | ((counterLow >>> 24) & 0x3f);
  bytes[9] = (counterLow >>> 16) & 0xff;
  bytes[10] = (counterLow >>> 8) & 0xff;
  bytes[11] = counterLow & 0xff;
  bytes.set(tail, 12);

  let text = "";
  for (let index = 0; index < 16; index++) {
    if (index === 4 || index === 6 || index === 8 || index === 10) text += "-";
    text += HEX[bytes[index] as number];
  }
  return text;
}

/**
 * Whether a value is a UUID version 7 with the RFC 9562 variant, in canonical hyphenated form (either case).
 *
 * @param value - Anything.
 * @returns `true` for a well-formed UUIDv7 string.
 * @example
 * ```ts
 * isUuidV7(uuidv7()); // true
 * isUuidV7("f47ac10b-58cc-4372-a567-0e02b2c3d479"); // false: version 4
 * ```
 */
export function isUuidV7(value: unknown): value is string {
  return typeof value === "string" && UUID_V7_PATTERN.test(value);
}

/**
 * Reads the creation time embedded in a UUIDv7.
 *
 * @param id - A UUIDv7 in canonical hyphenated form.
 * @returns The embedded timestamp in epoch milliseconds.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when `id` is not a UUIDv7.
 * @example
 * ```ts
 * new Date(uuidv7Timestamp(order.id)).toISOString();
 * ```
 */
export function uuidv7Timestamp(id: string): number {
  const check = createValidator("uuidv7Timestamp");
  check.check(isUuidV7(id), "id", "must be a UUIDv7 such as 01936f0e-8a4b-7c2d-9e3f-0a1b2c3d4e5f");
  check.done();
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
