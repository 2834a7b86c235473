import type { ConflictDecision, QueuedMutation, SyncConflict } from "./sync-types";
import { mergeThreeWay } from "./three-way-merge";

/**
 * The `field-merge` strategy: fields only one side changed are merged; a field both sides changed differently goes
 * to whichever side wrote it later by hybrid-logical-clock timestamp (the device's stamp is that of its latest
 * queued mutation setting the field, the server's that of the change), and so does a delete against an edit. Ties
 * go to the server. Without a server timestamp there is nothing to compare colliding fields with, so such a conflict
 * is left for `resolveConflict`.
 *
 * @param conflict - Base, local and remote of the record.
 * @param pending - The device's queued mutations of the record, oldest first.
 * @param remoteStamp - The server change's hybrid-logical-clock timestamp, when it has one.
 * @returns Merged data, or `undefined` to leave the conflict open.
 */
export function decideFieldMerge(
  conflict: SyncConflict,
  pending: readonly QueuedMutation[],
  remoteStamp: string | undefined,
): ConflictDecision {
  const base = conflict.base?.data ?? null;
  const merge = mergeThreeWay(base, conflict.local, conflict.remote.data);
  if ("merged" in merge) return { data: merge.merged };
  if (remoteStamp === undefined) return undefined;
  const settled = mergeThreeWay(base, conflict.local, conflict.remote.data, {
    onCollision: (field) => {
      const localStamp = latestStampOf(pending, field);
      return localStamp !== undefined && localStamp > remoteStamp ? "local" : "remote";
    },
  });
  return "merged" in settled ? { data: settled.merged } : undefined;
}

/** The timestamp of the latest queued mutation that set `field` (`"*"`: any field). */
function latestStampOf(pending: readonly QueuedMutation[], field: string): string | undefined {
  for (let position = pending.length - 1; position >= 0; position -= 1) {
    const mutation = pending[position]!;
    const wholeRecord = mutation.type !== "update" || mutation.replace || mutation.data === null;
    if (field === "*" || wholeRecord || Object.hasOwn(mutation.data ?? {}, field)) return mutation.hlc;
  }
  return undefined;
}
