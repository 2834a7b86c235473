import { type Clock, createJsonStore, type JsonStore, type StorageAdapter } from "@pelbiot/core";
import type { BiometricModality } from "./biometric-auth-manager-types";

/** Why a challenge cannot be accepted. */
export type ChallengeProblem = "challenge_unknown" | "challenge_replayed" | "challenge_expired" | "challenge_mismatch";

/** Which WebAuthn ceremony a challenge was issued for. */
export type Ceremony = "registration" | "authentication";

/** A challenge as stored: kept after use (as `consumed`) until it expires, so a replay is told from a forgery. */
export interface ChallengeRecord {
  readonly ceremony: Ceremony;
  /** The user it was issued to; `null` for a usernameless (discoverable credential) login. */
  readonly userId: string | null;
  readonly modality: BiometricModality | null;
  readonly expiresAt: number;
  readonly consumed: boolean;
}

/** What a response's challenge must match. */
export interface ChallengeExpectation {
  readonly ceremony: Ceremony;
  readonly userId: string;
  readonly modality: BiometricModality;
}

// Our challenges are 32 random bytes (43 base64url characters); anything much longer was never issued here.
const MAX_CHALLENGE_LENGTH = 128;

/**
 * Single-use challenges over a storage adapter. Consuming is one compare-and-set, so of two requests that race
 * with the same challenge exactly one wins, even across processes sharing the storage.
 */
export class ChallengeStore {
  readonly #store: JsonStore<ChallengeRecord>;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(storage: StorageAdapter, keyPrefix: string, clock: Clock, ttlMs: number) {
    this.#store = createJsonStore<ChallengeRecord>(storage, { prefix: `${keyPrefix}challenge:` });
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** Stores a freshly generated challenge; its expiry starts now. */
  async issue(challenge: string, record: Omit<ChallengeRecord, "expiresAt" | "consumed">): Promise<void> {
    await this.#store.set(challenge, { ...record, expiresAt: this.#clock.now() + this.#ttlMs, consumed: false });
  }

  /**
   * Marks the challenge used, atomically, and says why it cannot be accepted (or `undefined` when it can). A
   * challenge is consumed by any attempt, successful or not, so a failed response cannot be retried with it.
   */
  async consume(challenge: string, expected: ChallengeExpectation): Promise<ChallengeProblem | undefined> {
    if (challenge.length === 0 || challenge.length > MAX_CHALLENGE_LENGTH) return "challenge_unknown";
    const now = this.#clock.now();
    let before: ChallengeRecord | undefined;
    await this.#store.update(challenge, (current) => {
      // The last run of the updater is the one whose compare-and-set won, so `before` is what we replaced.
      before = current;
      if (current === undefined || current.consumed || current.expiresAt <= now) return current;
      return { ...current, consumed: true };
    });
    if (before === undefined) return "challenge_unknown";
    if (before.consumed) return "challenge_replayed";
    if (before.expiresAt <= now) return "challenge_expired";
    return matches(before, expected) ? undefined : "challenge_mismatch";
  }

  /** Deletes expired challenges (used or not); returns how many were removed. */
  async pruneExpired(): Promise<number> {
    const now = this.#clock.now();
    let removed = 0;
    for (const key of await this.#store.keys()) {
      const record = await this.#store.get(key);
      if (record === undefined || record.expiresAt > now) continue;
      let deleted = false;
      // Expiry never moves, so a record seen expired stays expired; the update only guards the delete itself.
      await this.#store.update(key, (current) => {
        deleted = current !== undefined && current.expiresAt <= now;
        return deleted ? undefined : current;
      });
      if (deleted) removed += 1;
    }
    return removed;
  }
}

function matches(record: ChallengeRecord, expected: ChallengeExpectation): boolean {
  if (record.ceremony !== expected.ceremony) return false;
  // A usernameless login challenge may be answered by any user's credential; the credential check binds the user.
  if (record.userId !== null && record.userId !== expected.userId) return false;
  return record.modality === null || record.modality === expected.modality;
}
