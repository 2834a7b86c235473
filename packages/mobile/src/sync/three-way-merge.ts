import type { JsonValue } from "@pelbiot/core";
import type { RecordData } from "./sync-types";

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(left: JsonValue | undefined, right: JsonValue | undefined): boolean {
  if (left === right) return true;
  if (left === null || right === null || typeof left !== "object" || typeof right !== "object") return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => jsonEqual(item, right[index]));
  }
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => Object.hasOwn(right, key) && jsonEqual(ownField(left, key), ownField(right, key)));
}

/**
 * Reads a field only when the record holds it itself, so a field named `constructor` or `__proto__` that one side
 * lacks reads as absent rather than as an inherited member of `Object.prototype`.
 */
function ownField(record: { readonly [field: string]: JsonValue } | null, field: string): JsonValue | undefined {
  return record !== null && Object.hasOwn(record, field) ? record[field] : undefined;
}

/** A shallow copy that keeps every own field, `__proto__` included, as data. */
function copyRecord(record: RecordData | null): RecordData | null {
  if (record === null) return null;
  const copy: RecordData = {};
  for (const field of Object.keys(record)) setField(copy, field, ownField(record, field) as JsonValue);
  return copy;
}

/** Sets a field as an own data property: assigning to `__proto__` would replace the prototype instead. */
function setField(record: RecordData, field: string, value: JsonValue): void {
  Object.defineProperty(record, field, { value, enumerable: true, writable: true, configurable: true });
}

/** Result of {@link mergeThreeWay}: merged data, or the fields both sides changed differently. */
export type MergeResult =
  | {
      /** The merged record, or `null` when the merge deletes it. */
      readonly merged: RecordData | null;
    }
  | {
      /** Fields both sides changed to different values (`"*"` for a delete against an edit). */
      readonly collisions: readonly string[];
    };

/** Options for {@link mergeThreeWay}. */
export interface MergeThreeWayOptions {
  /**
   * Settles a field both sides changed to different values (`"*"` for a delete against an edit) instead of
   * reporting it: the merge then always returns `merged`.
   */
  onCollision?: (field: string) => "local" | "remote";
}

/**
 * Field-level three-way merge: a field changed on one side only takes that side's value; a field changed on both
 * sides to the same value takes it; a field changed on both sides differently is a collision. A delete on one side
 * wins only if the other side left the record unchanged since the base. Every field is data, whatever its name: an
 * own `__proto__`, `constructor` or `prototype` field (as `JSON.parse` makes them) merges like any other and never
 * touches the merged object's prototype.
 *
 * @param base - The record both sides started from (`null` when it did not exist).
 * @param local - The device's version (`null` when deleted).
 * @param remote - The server's version (`null` when deleted).
 * @param options - `onCollision` to settle colliding fields rather than report them.
 * @returns The merged record, or the colliding fields (`["*"]` for a delete against an edit).
 * @example
 * ```ts
 * mergeThreeWay({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 }); // { merged: { a: 2, b: 3 } }
 * mergeThreeWay({ a: 1 }, { a: 2 }, { a: 3 }); // { collisions: ["a"] }
 * mergeThreeWay({ a: 1 }, { a: 2 }, { a: 3 }, { onCollision: () => "local" }); // { merged: { a: 2 } }
 * ```
 */
export function mergeThreeWay(
  base: RecordData | null,
  local: RecordData | null,
  remote: RecordData | null,
  options: MergeThreeWayOptions = {},
): MergeResult {
  const { onCollision } = options;
  if (local === null || remote === null) {
    if (local === null && remote === null) return { merged: null };
    const survivor = local ?? remote;
    // The delete wins only when the surviving side did not edit the record.
    if (jsonEqual(survivor, base)) return { merged: null };
    if (onCollision === undefined) return { collisions: ["*"] };
    return { merged: onCollision("*") === "local" ? copyRecord(local) : copyRecord(remote) };
  }
  const merged: RecordData = {};
  const collisions: string[] = [];
  const fields = new Set([...Object.keys(base ?? {}), ...Object.keys(local), ...Object.keys(remote)]);
  for (const field of fields) {
    const baseValue = ownField(base, field);
    const localValue = ownField(local, field);
    const remoteValue = ownField(remote, field);
    let chosen: JsonValue | undefined;
    if (jsonEqual(localValue, remoteValue) || jsonEqual(localValue, baseValue)) chosen = remoteValue;
    else if (jsonEqual(remoteValue, baseValue)) chosen = localValue;
    else if (onCollision !== undefined) chosen = onCollision(field) === "local" ? localValue : remoteValue;
    else {
      collisions.push(field);
      continue;
    }
    if (chosen !== undefined) setField(merged, field, chosen);
  }
  return collisions.length > 0 ? { collisions: collisions.sort() } : { merged };
}

/**
 * Applies one mutation to a record: `create` and replacing updates set the whole record, `update` sets fields,
 * `delete` removes it.
 *
 * @param current - The record before (`null` when absent).
 * @param mutation - The change.
 * @returns The record after.
 */
export function applyMutation(
  current: RecordData | null,
  mutation: { type: "create" | "update" | "delete"; data: RecordData | null; replace?: boolean },
): RecordData | null {
  if (mutation.type === "delete") return null;
  if (mutation.type === "create" || mutation.replace) return { ...(mutation.data ?? {}) };
  return { ...(current ?? {}), ...(mutation.data ?? {}) };
}
