import { createValidator, describeType, type Validator } from "@pelbiot/core";
import {
  checkHlc,
  checkRecordData,
  checkSyncId,
  MAX_CLIENT_ID_LENGTH,
  MAX_ENTITY_LENGTH,
  MAX_MUTATION_ID_LENGTH,
  MAX_RECORD_ID_LENGTH,
} from "./mutation-limits";
import type { QuarantinedChange, ServerChange } from "./sync-types";

/** Server changes split into those the device may apply and those it sets aside. */
export interface PartitionedChanges {
  /** Valid changes, in server order. */
  readonly accepted: ServerChange[];
  /** Invalid changes, with what is wrong with each. */
  readonly quarantined: QuarantinedChange[];
}

/**
 * Checks each pulled change against the shared limits. One bad change (written by an older coordinator, or by a
 * buggy one) must not stop a device from reading everything after it, so invalid changes are set aside instead of
 * failing the batch.
 *
 * @param changes - The batch, as received.
 * @param maxMutationSize - Largest accepted data, in UTF-8 bytes of its JSON.
 * @returns The valid changes and the quarantined ones.
 */
export function partitionServerChanges(changes: readonly unknown[], maxMutationSize: number): PartitionedChanges {
  const accepted: ServerChange[] = [];
  const quarantined: QuarantinedChange[] = [];
  changes.forEach((change, position) => {
    const check = createValidator("OfflineSyncManager.syncPendingChanges");
    checkServerChange(check, change, maxMutationSize);
    if (check.issues.length === 0) accepted.push(change as ServerChange);
    else quarantined.push({ position, ...validIdentity(change), issues: [...check.issues] });
  });
  return { accepted, quarantined };
}

function checkServerChange(check: Validator, change: unknown, maxMutationSize: number): void {
  if (!check.object("", change)) return;
  const { recordId, entity, version, data, hlc, clientId, mutationId } = change as Partial<ServerChange>;
  checkSyncId(check, "recordId", recordId, MAX_RECORD_ID_LENGTH);
  checkSyncId(check, "entity", entity, MAX_ENTITY_LENGTH);
  check.number("version", version, { integer: true, min: 0 });
  if (data !== null && check.object("data", data)) {
    checkRecordData(check, "data", data, { value: maxMutationSize, option: "maxMutationSize" });
  }
  if (hlc !== undefined) checkHlc(check, "hlc", hlc);
  if (clientId !== undefined) checkSyncId(check, "clientId", clientId, MAX_CLIENT_ID_LENGTH);
  if (mutationId !== undefined) checkSyncId(check, "mutationId", mutationId, MAX_MUTATION_ID_LENGTH);
  if ((clientId === undefined) !== (mutationId === undefined)) {
    check.fail(
      "",
      `clientId and mutationId go together, got ${describeType(clientId)} and ${describeType(mutationId)}`,
    );
  }
}

// Copies the fields that identify the change, only where each is valid on its own, so reports stay small and safe.
function validIdentity(change: unknown): Omit<QuarantinedChange, "position" | "issues"> {
  if (typeof change !== "object" || change === null) return {};
  const { recordId, entity, version, clientId, mutationId } = change as Record<string, unknown>;
  const valid = (value: unknown, maxLength: number): value is string => {
    const check = createValidator();
    return checkSyncId(check, "", value, maxLength);
  };
  return {
    ...(valid(recordId, MAX_RECORD_ID_LENGTH) ? { recordId } : {}),
    ...(valid(entity, MAX_ENTITY_LENGTH) ? { entity } : {}),
    ...(typeof version === "number" && Number.isInteger(version) && version >= 0 ? { version } : {}),
    ...(valid(clientId, MAX_CLIENT_ID_LENGTH) ? { clientId } : {}),
    ...(valid(mutationId, MAX_MUTATION_ID_LENGTH) ? { mutationId } : {}),
  };
}
