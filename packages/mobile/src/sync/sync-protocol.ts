import type { PelbiotErrorCode } from "@pelbiot/core";
import type { QueuedMutation, RecordData, ServerChange } from "./sync-types";

/** A device pushing its queued mutations to the coordinator. */
export interface PushRequest {
  /** The device (client) id. */
  clientId: string;
  /** Mutations in queue order. */
  mutations: readonly QueuedMutation[];
}

/** The coordinator's verdict on one pushed mutation. */
export interface PushResult {
  /** The mutation. */
  readonly mutationId: string;
  /**
   * `applied`: written now; `duplicate`: written by an earlier push (never twice); `rejected`: refused for good (the
   * device rolls it back); `conflict`: the record was written since the mutation's base version, by any device
   * (another install sharing the client id included; the device pulls, resolves, and pushes the resolution).
   */
  readonly status: "applied" | "duplicate" | "rejected" | "conflict";
  /** Record version after the write (`applied`, `duplicate`). */
  readonly version?: number;
  /** Record after the write (`applied`, `duplicate`); `null` when deleted. */
  readonly data?: RecordData | null;
  /** Why it was rejected or conflicted. */
  readonly reason?: string;
  /**
   * With `rejected`, when the coordinator's own limits refused it: `VALIDATION_ERROR` for a mutation that breaks the
   * shared rules (ids, HLC format, data size, depth or keys), `LIMIT_EXCEEDED` for an HLC too far ahead of the
   * coordinator's clock. Absent when the application's validator refused it.
   */
  readonly code?: PelbiotErrorCode;
}

/** Response to a push. */
export interface PushResponse {
  /** One result per pushed mutation, in order. */
  readonly results: readonly PushResult[];
}

/** A device asking for changes after a cursor. */
export interface PullRequest {
  /** The device (client) id. */
  clientId: string;
  /** The cursor of the last pull; 0 for everything. */
  cursor: number;
  /** Most changes to return. */
  limit?: number;
}

/** Changes after the cursor, oldest first, and the cursor to pass next time. */
export interface PullResponse {
  /** Changes in commit order. */
  readonly changes: readonly ServerChange[];
  /** Cursor for the next pull. */
  readonly cursor: number;
  /** Whether more changes wait beyond `limit`. */
  readonly hasMore: boolean;
}

/** How a device reaches the coordinator: HTTP, in-memory, or your own. */
export interface SyncTransport {
  /** Sends queued mutations. */
  push(request: PushRequest): Promise<PushResponse>;
  /** Fetches changes after a cursor. */
  pull(request: PullRequest): Promise<PullResponse>;
}
