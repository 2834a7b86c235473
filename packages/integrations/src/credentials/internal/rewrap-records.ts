import { PelbiotError, toPelbiotError } from "@pelbiot/core";
import type { KeyEnvelopeScheme } from "../../internal/key-envelope";
import type { RewrapFailure, RewrapProgress, RewrapReport } from "../api-credentials-manager-types";
import type { KeyProvider } from "../key-provider";
import type { AuditedCalls } from "./audited-calls";
import { parseRecordKey } from "./credential-arguments";
import { openEnvelope, rewrapEnvelopeKey } from "./credential-envelopes";
import {
  checkLegacyRecord,
  isLegacyRecord,
  RECORD_FORMAT_VERSION,
  type StoredCredentialRecord,
  type StoredEnvelope,
} from "./credential-record";
import type { CredentialStore } from "./credential-store";
import type { RecordIntegrity } from "./record-integrity";
import { type Checkpoint, RollbackCheckpoints } from "./rollback-checkpoints";

/** What a rewrap run works with. */
export interface RewrapParts {
  readonly keyProvider: KeyProvider;
  readonly scheme: KeyEnvelopeScheme;
  readonly store: CredentialStore;
  readonly audited: AuditedCalls;
  readonly integrity: RecordIntegrity;
}

/** The validated options of one run. */
export interface RewrapRun {
  readonly keyVersion: string;
  /** The records as listed when the run started, and how many damaged ones the listing skipped. */
  readonly listing: { entries: Array<[string, StoredCredentialRecord]>; damaged: number };
  readonly actor: string;
  readonly adoptLegacyRecords: boolean;
  readonly onProgress: ((progress: RewrapProgress) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

type Outcome = "rewrapped" | "alreadyCurrent" | "gone";

/**
 * Moves every record's data keys to `run.keyVersion`, one record per atomic write. Damaged records are skipped by
 * the listing (quarantined and reported); a record that fails is reported in `failures` and left as it was.
 *
 * @returns The counts and failures.
 * @throws {PelbiotError} ABORTED when the signal fires between records; whatever `onProgress` throws.
 */
export async function rewrapRecords(parts: RewrapParts, run: RewrapRun): Promise<RewrapReport> {
  const { entries, damaged } = run.listing;
  const total = entries.length;
  const failures: RewrapFailure[] = [];
  const counts = { rewrapped: 0, alreadyCurrent: 0, adopted: 0 };
  let processed = 0;
  for (const [key, stored] of entries) {
    if (run.signal?.aborted) {
      throw new PelbiotError("ABORTED", `rewrapAll was aborted after ${processed} of ${total} records.`, {
        cause: run.signal.reason,
        details: { processed, total },
      });
    }
    const { provider, userId } = parseRecordKey(key);
    // Anything JSON may be stored: a record that is not an object fails in rewrapOne, like any malformed one.
    const versions = (stored as Partial<StoredCredentialRecord> | null)?.versions;
    const current = versions?.every?.((envelope) => envelope?.wrappedKey?.keyVersion === run.keyVersion) === true;
    if (!isLegacyRecord(stored) && current) {
      counts.alreadyCurrent += 1;
    } else {
      try {
        const call = { action: "rewrap", actor: run.actor, provider, userId } as const;
        const result = await parts.audited.run(call, async (note) => {
          const currentVersion = (stored as Partial<StoredCredentialRecord> | null)?.currentVersion;
          note.version = typeof currentVersion === "number" ? currentVersion : null;
          return rewrapOne(parts, run, key, provider, userId);
        });
        if (result.outcome !== "gone") counts[result.outcome] += 1;
        if (result.adopted) counts.adopted += 1;
      } catch (error) {
        const failure = toPelbiotError(error, "PROVIDER_ERROR");
        failures.push({ provider, userId, code: failure.code, message: failure.message });
      }
    }
    processed += 1;
    run.onProgress?.({ total, processed, ...counts, failed: failures.length, damaged });
  }
  return { keyVersion: run.keyVersion, total, processed, ...counts, failed: failures.length, damaged, failures };
}

async function rewrapOne(
  parts: RewrapParts,
  run: RewrapRun,
  key: string,
  provider: string,
  userId: string,
): Promise<{ outcome: Outcome; adopted: boolean }> {
  const { integrity } = parts;
  const checkpoint = await integrity.checkpoints.read(key);
  let result: { outcome: Outcome; adopted: boolean } = { outcome: "gone", adopted: false };
  const written = await parts.store.records.update(key, async (latest) => {
    // Deleted since the listing: nothing to move, and returning undefined writes nothing.
    if (latest === undefined) return undefined;
    const moved = async (versions: StoredEnvelope[]) => {
      const next: StoredEnvelope[] = [];
      for (const envelope of versions) {
        next.push(
          envelope.wrappedKey.keyVersion === run.keyVersion
            ? envelope
            : { ...envelope, wrappedKey: await rewrapEnvelopeKey(parts.keyProvider, provider, userId, envelope) },
        );
      }
      return next;
    };
    if (run.adoptLegacyRecords && isLegacyRecord(latest)) {
      const { formatVersion: _legacy, ...legacy } = await adoptable(parts, checkpoint, latest, provider, userId);
      const versions = await moved(legacy.versions);
      result = {
        outcome: versions.some((envelope, index) => envelope !== legacy.versions[index])
          ? "rewrapped"
          : "alreadyCurrent",
        adopted: true,
      };
      return integrity.seal({ ...legacy, formatVersion: RECORD_FORMAT_VERSION, versions, generation: 1 });
    }
    const record = integrity.verify(latest, provider, userId);
    RollbackCheckpoints.assertCurrent(checkpoint, record.generation);
    result = { outcome: "rewrapped", adopted: false };
    return integrity.reseal(record, { versions: await moved(record.versions) });
  });
  if (written !== undefined) await integrity.checkpoints.advance(key, written.generation, false);
  return result;
}

// A format-1 record is adopted only where no record was ever sealed (no checkpoint: it predates the upgrade) and
// only once every version decrypts, which proves its envelopes were written by the key provider's holder.
async function adoptable(
  parts: RewrapParts,
  checkpoint: Checkpoint | undefined,
  stored: StoredCredentialRecord,
  provider: string,
  userId: string,
) {
  const legacy = checkLegacyRecord(stored, provider, userId);
  if (checkpoint !== undefined) {
    throw new PelbiotError(
      "INTEGRITY_ERROR",
      "A format-1 credential record was found where a current record had been written: an old copy was written " +
        "back, so it is not adopted.",
    );
  }
  for (const envelope of legacy.versions) await openEnvelope(parts.scheme, provider, userId, envelope);
  return legacy;
}
