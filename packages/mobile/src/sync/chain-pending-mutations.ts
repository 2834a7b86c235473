import type { QueuedMutation, ServerRecord } from "./sync-types";

/**
 * The pending mutations of one record as the coordinator must see them. A record's queue always sits on the last
 * server version the device agreed on (acknowledgements move that version forward, conflict resolutions replace the
 * queue), so the first mutation is based on it directly and each later one on the mutation before it. Deriving this
 * when pushing, rather than trusting what was stored at save time, keeps bases right after a predecessor was
 * acknowledged and for queues saved by older versions.
 *
 * @param base - The record's last agreed server version, or `null` when the server never had it.
 * @param pending - The record's unacknowledged mutations, oldest first.
 * @returns The same mutations with `baseVersion` and `previousMutationId` set for pushing.
 */
export function chainPendingMutations(base: ServerRecord | null, pending: readonly QueuedMutation[]): QueuedMutation[] {
  const baseVersion = base?.version ?? null;
  return pending.map((mutation, position) => {
    const previousMutationId = position === 0 ? null : (pending[position - 1]?.mutationId ?? null);
    if (mutation.baseVersion === baseVersion && mutation.previousMutationId === previousMutationId) return mutation;
    return { ...mutation, baseVersion, previousMutationId };
  });
}
