import type { LogEntry, SyncChangeLog } from "./sync-change-log";
import type { MutationValidator } from "./sync-coordinator-options";
import type { PushResult } from "./sync-protocol";
import type { QueuedMutation, ServerRecord } from "./sync-types";
import { applyMutation } from "./three-way-merge";
import { refuseOversizedRecord } from "./validate-push";

/**
 * Judges one pushed mutation against the log: a duplicate of an applied one, a conflict (the record was written
 * after the mutation's base, whoever wrote it), a rejection (wrong entity, missing record, or the application's
 * validator), or the entry to append.
 *
 * @param log - The caught-up change log.
 * @param mutation - A mutation that passed the shared limits.
 * @param validateMutation - The application's rules, when any.
 * @returns The verdict, or the entry to write at the next sequence number.
 */
export function judgeMutation(
  log: SyncChangeLog,
  mutation: QueuedMutation,
  validateMutation: MutationValidator | undefined,
): PushResult | LogEntry {
  const { mutationId, recordId } = mutation;
  const done = log.appliedEntry(mutation.clientId, mutationId);
  if (done !== undefined) return { mutationId, status: "duplicate", version: done.version, data: done.data };
  const current = log.record(recordId);
  const exists = current !== undefined && current.data !== null;
  if (current !== undefined && current.entity !== mutation.entity) {
    return refuse(mutation, "rejected", `record "${recordId}" is a "${current.entity}", not a "${mutation.entity}"`);
  }
  const base = log.baseOf(mutation);
  if (current !== undefined && current.version > base) {
    const reason = `record "${recordId}" changed on the server (version ${current.version}) after base version ${base}`;
    return refuse(mutation, "conflict", reason);
  }
  if (mutation.type !== "create" && !exists && !mutation.replace) {
    return refuse(mutation, "rejected", `record "${recordId}" does not exist`);
  }
  const serverRecord: ServerRecord | null =
    current === undefined ? null : { version: current.version, data: current.data };
  const reason = validateMutation?.(mutation, serverRecord);
  if (reason !== undefined) return refuse(mutation, "rejected", String(reason));
  return {
    seq: log.seq + 1,
    recordId,
    entity: mutation.entity,
    version: (current?.version ?? 0) + 1,
    data: applyMutation(exists ? (current?.data ?? null) : null, mutation),
    hlc: mutation.hlc,
    clientId: mutation.clientId,
    mutationId,
  };
}

/**
 * Judges a mutation and, when it may be written, appends it at the next sequence number. There is no read first:
 * the append fails when another process already took that number, and only then does the log catch up and the
 * mutation get judged again.
 *
 * @param log - The caught-up change log.
 * @param mutation - A mutation that passed the shared limits.
 * @param validateMutation - The application's rules, when any.
 * @param maxMutationSize - Largest resulting record, in UTF-8 bytes of its JSON.
 * @returns The coordinator's verdict.
 */
export async function writeMutation(
  log: SyncChangeLog,
  mutation: QueuedMutation,
  validateMutation: MutationValidator | undefined,
  maxMutationSize: number,
): Promise<PushResult> {
  for (;;) {
    const outcome = judgeMutation(log, mutation, validateMutation);
    if ("status" in outcome) return outcome;
    const oversized = refuseOversizedRecord(mutation.mutationId, outcome.data, maxMutationSize);
    if (oversized !== undefined) return oversized;
    if (await log.append(outcome)) {
      return { mutationId: mutation.mutationId, status: "applied", version: outcome.version, data: outcome.data };
    }
    await log.catchUp();
  }
}

function refuse(mutation: QueuedMutation, status: "rejected" | "conflict", reason: string): PushResult {
  return { mutationId: mutation.mutationId, status, reason };
}
