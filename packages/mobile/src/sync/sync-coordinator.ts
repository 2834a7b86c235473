import { createJsonStore, createValidator, PelbiotError, toPelbiotError } from "@pelbiot/core";
import { checkSyncId, MAX_CLIENT_ID_LENGTH, MAX_RECORD_ID_LENGTH } from "./mutation-limits";
import { resolveSyncCoordinatorOptions, type SyncCoordinatorOptions } from "./sync-coordinator-options";
import type { PullRequest, PullResponse, PushRequest, PushResponse, PushResult } from "./sync-protocol";
import type { QueuedMutation, RecordData, ServerChange, ServerRecord } from "./sync-types";
import { applyMutation } from "./three-way-merge";
import { refuseOversizedRecord, validatePush } from "./validate-push";

export type { MutationValidator, SyncCoordinatorOptions } from "./sync-coordinator-options";

/** The server half of offline sync: applies pushed mutations exactly once and serves changes after a cursor. */
export interface SyncCoordinator {
  /** Applies mutations in order; each `(clientId, mutationId)` is written at most once, ever. */
  push(request: PushRequest): Promise<PushResponse>;
  /** Changes committed after `cursor`, in commit order. */
  pull(request: PullRequest): Promise<PullResponse>;
  /** The current server record, or `null`. */
  getRecord(recordId: string): Promise<ServerRecord | null>;
}

interface LogEntry {
  readonly seq: number;
  readonly recordId: string;
  readonly entity: string;
  readonly version: number;
  readonly data: RecordData | null;
  readonly hlc: string;
  readonly clientId: string;
  readonly mutationId: string;
}

interface RecordIndex {
  entity: string;
  version: number;
  data: RecordData | null;
}

const SEQ_DIGITS = 12;

/**
 * Creates the framework-free sync coordinator. Its source of truth is an append-only change log in a core
 * `StorageAdapter`: each entry is written with `setIfAbsent` at the next sequence number, so several coordinator
 * processes sharing one store never fork history, and a crash can never leave half a write. Per-record versions and
 * the set of applied mutation ids are rebuilt from the log.
 *
 * A mutation conflicts when the record was written after the mutation's base version, whoever wrote it (two
 * installs sharing a client id included); the device then pulls, resolves and pushes the result. The base is
 * `baseVersion`, or, when the mutation names a `previousMutationId` this coordinator applied to the same record, the
 * version that mutation wrote: that is how a device's back-to-back edits of one record apply in one push. A mutation
 * the validator refuses is rejected; the device rolls it back and carries on with the rest of its queue.
 * The same limits the device applies (ids, HLC format, data size, depth and keys) are enforced at push time, along
 * with `maxClockDriftMs`, so the log never holds a change that devices would refuse to read: such a mutation is
 * rejected with a `code` (`VALIDATION_ERROR` or `LIMIT_EXCEEDED`).
 *
 * @param options - Storage, validation, clock and limits.
 * @returns A {@link SyncCoordinator}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid or unknown options.
 * @example
 * ```ts
 * const coordinator = createSyncCoordinator({
 *   validateMutation: (mutation) => (mutation.entity === "user" ? undefined : `unknown entity ${mutation.entity}`),
 *   maxClockDriftMs: 60 * 60 * 1000, // refuse mutations stamped more than an hour ahead of this server
 * });
 * const transport = createInMemorySyncTransport(coordinator);
 * await sync.sync("device-1", transport);
 * ```
 */
export function createSyncCoordinator(options: SyncCoordinatorOptions = {}): SyncCoordinator {
  const resolved = resolveSyncCoordinatorOptions(options);
  const { storage, validateMutation, keyPrefix, maxPullSize, maxMutationSize, logger } = resolved;
  const { maxPushSize, maxPushBytes, maxClockDriftMs, clock } = resolved;
  const pushLimits = { maxPushSize, maxPushBytes, maxMutationSize, maxClockDriftMs, clock };
  const log = createJsonStore<LogEntry>(storage, { prefix: `${keyPrefix}log:` });
  const records = new Map<string, RecordIndex>();
  const applied = new Map<string, LogEntry>();
  let seq = 0;
  let queue: Promise<unknown> = Promise.resolve();

  // JSON string encoding is injective, so no two (clientId, mutationId) pairs share a key, whatever they contain.
  const appliedKey = (clientId: string, mutationId: string): string => JSON.stringify([clientId, mutationId]);

  const index = (entry: LogEntry): void => {
    records.set(entry.recordId, { entity: entry.entity, version: entry.version, data: entry.data });
    applied.set(appliedKey(entry.clientId, entry.mutationId), entry);
    seq = entry.seq;
  };

  // Reads log entries written (by this or another process) since the last one indexed.
  const catchUp = async (): Promise<void> => {
    for (;;) {
      const next = await log.get(seqKey(seq + 1));
      if (next === undefined) return;
      index(next);
    }
  };

  // The version a mutation was made on: its own base, or the version its predecessor on the device wrote.
  const baseOf = (mutation: QueuedMutation): number => {
    const base = mutation.baseVersion ?? 0;
    if (typeof mutation.previousMutationId !== "string") return base;
    const previous = applied.get(appliedKey(mutation.clientId, mutation.previousMutationId));
    return previous?.recordId === mutation.recordId ? Math.max(base, previous.version) : base;
  };

  const verdict = (mutation: QueuedMutation): PushResult | LogEntry => {
    const done = applied.get(appliedKey(mutation.clientId, mutation.mutationId));
    if (done !== undefined) {
      return { mutationId: mutation.mutationId, status: "duplicate", version: done.version, data: done.data };
    }
    const current = records.get(mutation.recordId);
    const exists = current !== undefined && current.data !== null;
    if (current !== undefined && current.entity !== mutation.entity) {
      return reject(
        mutation,
        "rejected",
        `record "${mutation.recordId}" is a "${current.entity}", not a "${mutation.entity}"`,
      );
    }
    const base = baseOf(mutation);
    if (current !== undefined && current.version > base) {
      return reject(
        mutation,
        "conflict",
        `record "${mutation.recordId}" changed on the server (version ${current.version}) after base version ${base}`,
      );
    }
    if (mutation.type !== "create" && !exists && !mutation.replace) {
      return reject(mutation, "rejected", `record "${mutation.recordId}" does not exist`);
    }
    const serverRecord: ServerRecord | null =
      current === undefined ? null : { version: current.version, data: current.data };
    const reason = validateMutation?.(mutation, serverRecord);
    if (reason !== undefined) return reject(mutation, "rejected", String(reason));
    return {
      seq: seq + 1,
      recordId: mutation.recordId,
      entity: mutation.entity,
      version: (current?.version ?? 0) + 1,
      data: applyMutation(exists ? (current?.data ?? null) : null, mutation),
      hlc: mutation.hlc,
      clientId: mutation.clientId,
      mutationId: mutation.mutationId,
    };
  };

  const pushOne = async (mutation: QueuedMutation): Promise<PushResult> => {
    for (;;) {
      // No read first: setIfAbsent fails when another process already took the next number, and only then do we
      // catch up and judge again.
      const outcome = verdict(mutation);
      if ("status" in outcome) return outcome;
      const oversized = refuseOversizedRecord(mutation.mutationId, outcome.data, maxMutationSize);
      if (oversized !== undefined) return oversized;
      if (await log.setIfAbsent(seqKey(outcome.seq), outcome)) {
        index(outcome);
        return { mutationId: mutation.mutationId, status: "applied", version: outcome.version, data: outcome.data };
      }
      await catchUp();
    }
  };

  // One push at a time per process keeps the in-memory index consistent; other processes are handled by the log.
  // Only PelbiotErrors leave the coordinator: a validator or adapter that throws something else is wrapped.
  const serialised = <T>(operation: () => Promise<T>): Promise<T> => {
    const run = queue.then(operation, operation).catch((error: unknown) => {
      throw toPelbiotError(error);
    });
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    push(request) {
      let refusals: (PushResult | undefined)[];
      try {
        refusals = validatePush(request, pushLimits);
      } catch (error) {
        logger.warn("sync push refused", { code: toPelbiotError(error).code });
        return Promise.reject(error);
      }
      for (const refusal of refusals) {
        if (refusal !== undefined)
          logger.info("sync mutation refused", { mutationId: refusal.mutationId, code: refusal.code });
      }
      return serialised(async () => {
        await catchUp();
        const results: PushResult[] = [];
        for (const [position, mutation] of request.mutations.entries()) {
          // A refused mutation never reaches the log, so devices never have to read it.
          results.push(refusals[position] ?? (await pushOne(mutation)));
        }
        return { results };
      });
    },

    pull(request) {
      const inner = createValidator("SyncCoordinator.pull");
      if (inner.object("request", request)) {
        checkSyncId(inner, "request.clientId", request.clientId, MAX_CLIENT_ID_LENGTH);
        inner.number("request.cursor", request.cursor, { integer: true, min: 0 });
        if (request.limit !== undefined) inner.number("request.limit", request.limit, { integer: true, min: 1 });
      }
      try {
        inner.done();
      } catch (error) {
        return Promise.reject(error);
      }
      return serialised(async () => {
        await catchUp();
        const limit = Math.min(request.limit ?? maxPullSize, maxPullSize);
        const changes: ServerChange[] = [];
        let cursor = Math.min(request.cursor, seq);
        while (cursor < seq && changes.length < limit) {
          cursor += 1;
          const entry = await log.get(seqKey(cursor));
          if (entry === undefined) {
            throw new PelbiotError("STORAGE_ERROR", `Sync change log entry ${cursor} is missing from storage`);
          }
          changes.push({
            recordId: entry.recordId,
            entity: entry.entity,
            version: entry.version,
            data: entry.data,
            hlc: entry.hlc,
            clientId: entry.clientId,
            mutationId: entry.mutationId,
          });
        }
        return { changes, cursor, hasMore: cursor < seq };
      });
    },

    async getRecord(recordId) {
      const inner = createValidator("SyncCoordinator.getRecord");
      checkSyncId(inner, "recordId", recordId, MAX_RECORD_ID_LENGTH);
      inner.done();
      return serialised(async () => {
        await catchUp();
        const record = records.get(recordId);
        return record === undefined ? null : { version: record.version, data: record.data };
      });
    },
  };
}

function reject(mutation: QueuedMutation, status: "rejected" | "conflict", reason: string): PushResult {
  return { mutationId: mutation.mutationId, status, reason };
}

function seqKey(seq: number): string {
  return String(seq).padStart(SEQ_DIGITS, "0");
}
