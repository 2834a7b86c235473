import { createValidator, toPelbiotError } from "@pelbiot/core";
import { writeMutation } from "./judge-mutation";
import { checkSyncId, MAX_CLIENT_ID_LENGTH, MAX_RECORD_ID_LENGTH } from "./mutation-limits";
import { SyncChangeLog } from "./sync-change-log";
import { resolveSyncCoordinatorOptions, type SyncCoordinatorOptions } from "./sync-coordinator-options";
import type { PullRequest, PullResponse, PushRequest, PushResponse, PushResult } from "./sync-protocol";
import type { ServerRecord } from "./sync-types";
import { validatePush } from "./validate-push";

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
  const log = new SyncChangeLog(storage, keyPrefix);
  let queue: Promise<unknown> = Promise.resolve();

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
        await log.catchUp();
        const results: PushResult[] = [];
        for (const [position, mutation] of request.mutations.entries()) {
          // A refused mutation never reaches the log, so devices never have to read it.
          results.push(refusals[position] ?? (await writeMutation(log, mutation, validateMutation, maxMutationSize)));
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
        await log.catchUp();
        const limit = Math.min(request.limit ?? maxPullSize, maxPullSize);
        const { changes, cursor } = await log.changesAfter(request.cursor, limit);
        return { changes, cursor, hasMore: cursor < log.seq };
      });
    },

    async getRecord(recordId) {
      const inner = createValidator("SyncCoordinator.getRecord");
      checkSyncId(inner, "recordId", recordId, MAX_RECORD_ID_LENGTH);
      inner.done();
      return serialised(async () => {
        await log.catchUp();
        const record = log.record(recordId);
        return record === undefined ? null : { version: record.version, data: record.data };
      });
    },
  };
}
