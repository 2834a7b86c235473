import { type Clock, createValidator, PelbiotError, systemClock } from "@pelbiot/core";
import { isWellFormedText } from "../internal/well-formed-text";

/** Options for {@link createHybridLogicalClock}. */
export interface HybridLogicalClockOptions {
  /** This replica's id, appended to every timestamp so ties between replicas break deterministically. */
  nodeId: string;
  /** Physical time source. @default systemClock */
  clock?: Clock;
  /** Largest lead a remote timestamp may have over our physical clock before it is refused. @default 60000 */
  maxDriftMs?: number;
}

/**
 * A hybrid logical clock (Kulkarni et al., 2014): timestamps that follow physical time, never go backwards, and
 * order causally related events across devices even when their wall clocks disagree. Timestamps are strings that
 * sort lexicographically in clock order.
 */
export interface HybridLogicalClock {
  /** This replica's id. */
  readonly nodeId: string;
  /** A new timestamp for a local event, greater than every timestamp issued or received so far. */
  now(): string;
  /** Merges a timestamp received from another replica, so later local timestamps sort after it. */
  receive(timestamp: string): void;
}

const WALL_DIGITS = 11;
const COUNTER_DIGITS = 5;
const MAX_COUNTER = 36 ** COUNTER_DIGITS - 1;
const MAX_NODE_ID_LENGTH = 200;
const PATTERN = /^([0-9a-z]{11})-([0-9a-z]{5})-(.+)$/;

/** A decoded hybrid-logical-clock timestamp. */
export interface HlcParts {
  /** Physical component, epoch milliseconds. */
  wallMs: number;
  /** Logical counter within the same millisecond. */
  counter: number;
  /** Replica that issued it. */
  nodeId: string;
}

/**
 * Decodes a timestamp made by a {@link HybridLogicalClock}.
 *
 * @param timestamp - The encoded timestamp.
 * @returns Its parts, or `undefined` when it is not a valid timestamp: wrong shape, a physical time beyond what a
 * number holds exactly, or a node id that is too long or not well-formed text.
 * @example
 * ```ts
 * parseHlc("0000lmn3k2a-00000-device-1"); // { wallMs: 47081482066, counter: 0, nodeId: "device-1" }
 * parseHlc("yesterday"); // undefined
 * ```
 */
export function parseHlc(timestamp: unknown): HlcParts | undefined {
  if (typeof timestamp !== "string") return undefined;
  const match = PATTERN.exec(timestamp);
  if (!match) return undefined;
  const wallMs = Number.parseInt(match[1]!, 36);
  const nodeId = match[3]!;
  // Eleven base-36 digits reach past 2^53; beyond that, two different stamps could decode to the same time.
  if (!Number.isSafeInteger(wallMs)) return undefined;
  if (nodeId.length > MAX_NODE_ID_LENGTH || !isWellFormedText(nodeId)) return undefined;
  return { wallMs, counter: Number.parseInt(match[2]!, 36), nodeId };
}

function encode(wallMs: number, counter: number, nodeId: string): string {
  return `${wallMs.toString(36).padStart(WALL_DIGITS, "0")}-${counter.toString(36).padStart(COUNTER_DIGITS, "0")}-${nodeId}`;
}

/**
 * Creates a {@link HybridLogicalClock}.
 *
 * @param options - Replica id, physical clock and drift limit.
 * @returns The clock.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for an empty, too long or not well-formed node id, or a bad
 * drift limit.
 * @example
 * ```ts
 * const hlc = createHybridLogicalClock({ nodeId: "device-1" });
 * const stamp = hlc.now(); // "0000lmn3k2a-00000-device-1"
 * ```
 */
export function createHybridLogicalClock(options: HybridLogicalClockOptions): HybridLogicalClock {
  const check = createValidator("createHybridLogicalClock");
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["nodeId", "clock", "maxDriftMs"]);
    if (options.clock !== undefined) check.clock("options.clock", options.clock);
    if (check.string("options.nodeId", options.nodeId, { maxLength: MAX_NODE_ID_LENGTH })) {
      check.check(
        isWellFormedText(options.nodeId),
        "options.nodeId",
        "must be well-formed text (no lone UTF-16 surrogate halves)",
      );
    }
    if (options.maxDriftMs !== undefined) check.number("options.maxDriftMs", options.maxDriftMs, { min: 0 });
  }
  check.done();
  const { nodeId, clock = systemClock, maxDriftMs = 60_000 } = options;
  let lastWall = 0;
  let lastCounter = 0;

  return {
    nodeId,
    now() {
      const physical = Math.floor(clock.now());
      if (physical > lastWall) {
        lastWall = physical;
        lastCounter = 0;
      } else if (lastCounter < MAX_COUNTER) {
        lastCounter += 1;
      } else {
        // Counter exhausted within one millisecond: borrow the next millisecond rather than repeat a timestamp.
        lastWall += 1;
        lastCounter = 0;
      }
      return encode(lastWall, lastCounter, nodeId);
    },
    receive(timestamp) {
      const remote = parseHlc(timestamp);
      const inner = createValidator("HybridLogicalClock.receive");
      inner.check(remote !== undefined, "timestamp", "must be a hybrid-logical-clock timestamp");
      inner.done();
      const { wallMs, counter } = remote!;
      const physical = Math.floor(clock.now());
      if (wallMs - physical > maxDriftMs) {
        throw new PelbiotError(
          "VALIDATION_ERROR",
          `Remote timestamp is ${wallMs - physical} ms ahead of this device's clock; at most ${maxDriftMs} ms is accepted`,
          { details: { driftMs: wallMs - physical, maxDriftMs } },
        );
      }
      if (wallMs > lastWall) {
        lastWall = wallMs;
        lastCounter = counter;
      } else if (wallMs === lastWall) {
        lastCounter = Math.max(lastCounter, counter);
      }
    },
  };
}
