import { createManualClock } from "@pelbiot/core";
import { createHybridLogicalClock } from "../../src/sync/hybrid-logical-clock";
import type { QueuedMutation } from "../../src/sync/sync-types";

/** A hand-made mutation from device "phone", stamped at `now`, as a device (or something pretending to be one) would push it. */
export function handMadeMutation(id: string, now: number, overrides: Partial<QueuedMutation> = {}): QueuedMutation {
  return {
    mutationId: id,
    clientId: "phone",
    recordId: `record-${id}`,
    entity: "note",
    type: "create",
    data: { text: id },
    baseVersion: null,
    hlc: createHybridLogicalClock({ nodeId: "phone", clock: createManualClock(now) }).now(),
    replace: false,
    ...overrides,
  };
}
