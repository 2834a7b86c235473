import {
  createJsonStore,
  createMemoryStorage,
  createValidator,
  PelbiotError,
  type StorageAdapter,
  type Validator,
} from "@pelbiot/core";
import type { PullRequest, PullResponse, PushRequest, PushResponse, PushResult } from "./sync-protocol";
import type { QueuedMutation, RecordData, ServerChange, ServerRecord } from "./sync-types";
import { applyMutation } from "./three-way-merge";

/** Decides whether a mutation may be written; return a reason to reject it for good. */
export type MutationValidator = (mutation: QueuedMutation, current: ServerRecord | null) => string | undefined;

/** Options for {@link createSyncCoordinator}. */
export interface SyncCoordinatorOptions {
  /** Where the change log lives. Every coordinator process sharing it sees one consistent history. @default createMemoryStorage() */
  storage?: StorageAdapter;
  /** Application rules; a returned string rejects the mutation without blocking the device's other mutations. */
  validateMutation?: MutationValidator;
  /** Key prefix inside the storage adapter. @default "pelbiot:sync-server:" */
  keyPrefix?: string;
  /** Most mutations accepted in one push. @default 1000 */
  maxPushSize?: number;
  /** Most changes returned by one pull. @default 1000 */
  maxPullSize?: number;
}

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
 *
 * @param options - Storage, validation and limits.
 * @returns A {@link SyncCoordinator}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid options.
 * @example
 * ```ts
 * const coordinator = createSyncCoordinator({
 *   validateMutation: (mutation) => (mutation.entity === "user" ? undefined : `unknown entity ${mutation.entity}`),
 * });
 * const transport = createInMemorySyncTransport(coordinator);
 * await sync.sync("device-1", transport);
 * ```
 */
export function createSyncCoordinator(options: SyncCoordinatorOptions = {}): SyncCoordinator {
  const check = createValidator("createSyncCoordinator");
  if (check.object("options", options)) {
    if (options.validateMutation !== undefined) check.fn("options.validateMutation", options.validateMutation);
    if (options.maxPushSize !== undefined)
      check.number("options.maxPushSize", options.maxPushSize, { integer: true, min: 1 });
    if (options.maxPullSize !== undefined)
      check.number("options.maxPullSize", options.maxPullSize, { integer: true, min: 1 });
    if (options.keyPrefix !== undefined)
      check.string("options.keyPrefix", options.keyPrefix, { minLength: 0, maxLength: 100 });
  }
  check.done();
  const {
    storage = createMemoryStorage(),
    validateMutation,
    keyPrefix = "pelbiot:sync-server:",
    maxPushSize = 1000,
    maxPullSize = 1000,
  } = options;
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
      if (await log.setIfAbsent(seqKey(outcome.seq), outcome)) {
        index(outcome);
        return { mutationId: mutation.mutationId, status: "applied", version: outcome.version, data: outcome.data };
      }
      await catchUp();
    }
  };

  // One push at a time per process keeps the in-memory index consistent; other processes are handled by the log.
  const serialised = <T>(operation: () => Promise<T>): Promise<T> => {
    const run = queue.then(operation, operation);
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    push(request) {
      const inner = createValidator("SyncCoordinator.push");
      if (inner.object("request", request)) {
        inner.string("request.clientId", request.clientId, { maxLength: 200 });
        if (inner.array("request.mutations", request.mutations, { maxLength: maxPushSize })) {
          request.mutations.forEach((mutation, position) => {
            checkMutation(inner, `request.mutations.${position}`, mutation, request.clientId);
          });
        }
      }
      try {
        inner.done();
      } catch (error) {
        return Promise.reject(error);
      }
      return serialised(async () => {
        await catchUp();
        const results: PushResult[] = [];
        for (const mutation of request.mutations) results.push(await pushOne(mutation));
        return { results };
      });
    },

    pull(request) {
      const inner = createValidator("SyncCoordinator.pull");
      if (inner.object("request", request)) {
        inner.string("request.clientId", request.clientId, { maxLength: 200 });
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
      inner.string("recordId", recordId, { maxLength: 500 });
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

function checkMutation(check: Validator, path: string, mutation: unknown, clientId: unknown): void {
  if (!check.object(path, mutation)) return;
  const value = mutation as Partial<QueuedMutation>;
  check.string(`${path}.mutationId`, value.mutationId, { maxLength: 200 });
  check.check(value.clientId === clientId, `${path}.clientId`, "must equal request.clientId");
  check.string(`${path}.recordId`, value.recordId, { maxLength: 500 });
  check.string(`${path}.entity`, value.entity, { maxLength: 200 });
  check.oneOf(`${path}.type`, value.type, ["create", "update", "delete"]);
  check.check(
    value.data === null || (typeof value.data === "object" && !Array.isArray(value.data)),
    `${path}.data`,
    "must be an object or null",
  );
  check.check(
    value.baseVersion === null || (Number.isInteger(value.baseVersion) && (value.baseVersion ?? -1) >= 0),
    `${path}.baseVersion`,
    "must be a non-negative integer or null",
  );
  check.string(`${path}.hlc`, value.hlc, { maxLength: 300 });
  check.boolean(`${path}.replace`, value.replace);
  if (value.previousMutationId != null)
    check.string(`${path}.previousMutationId`, value.previousMutationId, { maxLength: 200 });
}
