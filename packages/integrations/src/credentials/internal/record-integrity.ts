import type { StorageAdapter } from "@pelbiot/core";
import type { KeyProvider } from "../key-provider";
import { checkRecord, type StoredCredentialRecord } from "./credential-record";
import { type IntegrityKeys, loadOrCreateIntegrityKeys } from "./integrity-keys";
import { sealRecord, type UnsealedRecord, verifyRecordSeal } from "./record-seal";
import { RollbackCheckpoints } from "./rollback-checkpoints";

/**
 * The integrity side of a credentials manager: record MACs under the state key, and the rollback checkpoints.
 */
export class RecordIntegrity {
  readonly keys: IntegrityKeys;
  readonly checkpoints: RollbackCheckpoints;

  constructor(keys: IntegrityKeys, checkpointStorage: StorageAdapter, keyPrefix = "") {
    this.keys = keys;
    this.checkpoints = new RollbackCheckpoints(checkpointStorage, keys.stateKey, keyPrefix);
  }

  /** Shape, owner and MAC: a record that passes was written by the key provider's holder, unedited. */
  verify(stored: unknown, provider: string, userId: string): StoredCredentialRecord {
    const record = checkRecord(stored, provider, userId);
    verifyRecordSeal(this.keys.stateKey, record);
    return record;
  }

  /** MACs a new record. */
  seal(record: UnsealedRecord): StoredCredentialRecord {
    return sealRecord(this.keys.stateKey, record);
  }

  /** Applies `changes`, bumps the generation (every write does) and MACs the result. */
  reseal(
    record: StoredCredentialRecord,
    changes: Partial<Pick<UnsealedRecord, "currentVersion" | "versions">>,
  ): StoredCredentialRecord {
    const { mac: _previous, ...unsealed } = record;
    return sealRecord(this.keys.stateKey, { ...unsealed, ...changes, generation: record.generation + 1 });
  }
}

/**
 * Loads a manager's {@link RecordIntegrity} once (one unwrap by the key provider) and hands it out on every call. A
 * failure is not remembered, so the next call tries again.
 *
 * @param onLoaded - Called once with the keys, e.g. to give the audit log its key.
 * @returns The loader.
 */
export function createIntegrityLoader(
  keyProvider: KeyProvider,
  storage: StorageAdapter,
  checkpointStorage: StorageAdapter,
  keyPrefix: string,
  onLoaded: (keys: IntegrityKeys) => void,
): () => Promise<RecordIntegrity> {
  let loading: Promise<RecordIntegrity> | undefined;
  return () => {
    loading ??= loadOrCreateIntegrityKeys(keyProvider, storage, keyPrefix).then(
      (keys) => {
        onLoaded(keys);
        return new RecordIntegrity(keys, checkpointStorage, keyPrefix);
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
}
