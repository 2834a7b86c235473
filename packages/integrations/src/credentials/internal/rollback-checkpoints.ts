import { createHmac, timingSafeEqual } from "node:crypto";
import { createJsonStore, type JsonStore, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { decodeCanonicalBase64 } from "../../internal/canonical-base64";

/** Key prefix of the checkpoints in their storage, after the manager's `keyPrefix`. */
export const CHECKPOINT_PREFIX = "credentials-checkpoint:";

/** The highest generation written for one (provider, user), and whether it was a deletion (a tombstone). */
interface StoredCheckpoint {
  generation: number;
  deleted: boolean;
  mac: string;
}

/** A verified checkpoint. */
export interface Checkpoint {
  readonly generation: number;
  readonly deleted: boolean;
}

const MAC_BYTES = 32;

function rolledBack(): PelbiotError {
  return new PelbiotError(
    "INTEGRITY_ERROR",
    "Stored credential record is older than the last one written (its generation is behind the rollback " +
      "checkpoint): an earlier copy, or a deleted credential, was written back.",
  );
}

/**
 * Anti-rollback state kept outside the records: per (provider, user), the highest record generation written, MACed
 * under the integrity state key. A record whose generation is behind its checkpoint was restored from an older copy.
 * Only as strong as the separation of its storage: whoever can roll back the records and the checkpoints together
 * is not detected, which is why `checkpointStorage` can point elsewhere.
 */
export class RollbackCheckpoints {
  readonly #store: JsonStore<StoredCheckpoint>;
  readonly #stateKey: Buffer;

  constructor(storage: StorageAdapter, stateKey: Buffer, keyPrefix = "") {
    this.#store = createJsonStore<StoredCheckpoint>(storage, { prefix: `${keyPrefix}${CHECKPOINT_PREFIX}` });
    this.#stateKey = stateKey;
  }

  #mac(key: string, generation: number, deleted: boolean): Buffer {
    const canonical = JSON.stringify(["pelbiot.credential-checkpoint/v1", key, generation, deleted]);
    return createHmac("sha256", this.#stateKey).update(canonical).digest();
  }

  #verify(key: string, value: unknown): Checkpoint | undefined {
    if (value === undefined) return undefined;
    const stored = value as Partial<StoredCheckpoint> | null;
    const ok =
      typeof stored === "object" &&
      stored !== null &&
      Number.isSafeInteger(stored.generation) &&
      typeof stored.deleted === "boolean" &&
      typeof stored.mac === "string";
    const given = ok ? decodeCanonicalBase64(stored.mac as string) : undefined;
    if (
      !ok ||
      given === undefined ||
      given.length !== MAC_BYTES ||
      !timingSafeEqual(given, this.#mac(key, stored.generation as number, stored.deleted as boolean))
    ) {
      throw new PelbiotError("INTEGRITY_ERROR", "A credential rollback checkpoint failed authentication.");
    }
    return { generation: stored.generation as number, deleted: stored.deleted as boolean };
  }

  /** The verified checkpoint of `key`, or `undefined` when none was written yet. */
  async read(key: string): Promise<Checkpoint | undefined> {
    return this.#verify(key, await this.#store.get(key));
  }

  /**
   * Throws when a record of `generation` is older than the checkpoint (or was deleted after it was written), and
   * raises the checkpoint when the record is newer (a write whose checkpoint update was interrupted).
   *
   * @throws {PelbiotError} INTEGRITY_ERROR on a rollback or a forged checkpoint.
   */
  async check(key: string, generation: number): Promise<void> {
    const checkpoint = await this.read(key);
    if (checkpoint !== undefined) {
      if (generation < checkpoint.generation || (checkpoint.deleted && generation <= checkpoint.generation)) {
        throw rolledBack();
      }
      if (generation === checkpoint.generation) return;
    }
    await this.advance(key, generation, false);
  }

  /** Same check against an already-read checkpoint, for use inside an update callback (no writes). */
  static assertCurrent(checkpoint: Checkpoint | undefined, generation: number): void {
    if (checkpoint === undefined) return;
    if (generation < checkpoint.generation || (checkpoint.deleted && generation <= checkpoint.generation)) {
      throw rolledBack();
    }
  }

  /**
   * Writes the tombstone of a credential about to be deleted: above both its record's generation (possibly garbage,
   * when the record was tampered with) and the checkpoint, so any copy of the record written back later is refused.
   */
  async markDeleted(key: string, recordGeneration: unknown): Promise<void> {
    const fromRecord = Number.isSafeInteger(recordGeneration) ? (recordGeneration as number) : 0;
    const fromCheckpoint = (await this.read(key))?.generation ?? 0;
    await this.advance(key, Math.max(fromRecord, fromCheckpoint) + 1, true);
  }

  /** Raises the checkpoint of `key` to `generation` (never lowers it). */
  async advance(key: string, generation: number, deleted: boolean): Promise<void> {
    await this.#store.update(key, (current) => {
      const checkpoint = this.#verify(key, current);
      if (checkpoint !== undefined && checkpoint.generation > generation) return current;
      return { generation, deleted, mac: this.#mac(key, generation, deleted).toString("base64") };
    });
  }
}
