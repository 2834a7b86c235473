import {
  createManualClock,
  createMemoryStorage,
  createValidator,
  PelbiotError,
  type StorageAdapter,
} from "@pelbiot/core";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { OfflineSyncManager, type SyncReport } from "../sync/offline-sync-manager";
import { createSyncCoordinator, type SyncCoordinator } from "../sync/sync-coordinator";
import type { PushResponse, SyncTransport } from "../sync/sync-protocol";
import { createInMemorySyncTransport } from "../sync/sync-transports";
import type { ConflictStrategy, RecordData, SyncConflict } from "../sync/sync-types";

/** Fault probabilities per step of a {@link runSyncSimulation} schedule. */
export interface SyncSimulationFaults {
  /** A device is cut off (its syncs fail) or reconnected. @default 0.1 */
  partition?: number;
  /** A push is delivered to the coordinator twice. @default 0.1 */
  duplicate?: number;
  /** The coordinator applies a push but the response never reaches the device. @default 0.1 */
  lostResponse?: number;
  /** A device process crashes and restarts on its durable store. @default 0.05 */
  crash?: number;
}

/** Options for {@link runSyncSimulation}. */
export interface SyncSimulationOptions {
  /** Seed of the schedule; the same seed replays the same schedule. */
  seed: number;
  /** Number of devices. @default 3 */
  devices?: number;
  /** Steps before the network heals and everything syncs. @default 40 */
  steps?: number;
  /** Distinct records the devices create and edit at most. @default 4 */
  records?: number;
  /**
   * Conflict strategy of every device: a built-in name or your resolver function. What it leaves open must be
   * resolved by the scripted user for the replicas to converge. @default "last-writer-wins"
   */
  conflictStrategy?: ConflictStrategy;
  /**
   * Whether a scripted user resolves the conflicts a device holds open, through `resolveConflict`, after each of its
   * syncs: keeping the device's side, taking the server's (as `"remote"` or as the server record itself), or writing
   * a merge of both, chosen from the seed. @default true for `"manual"`, false otherwise
   */
  userResolvesConflicts?: boolean;
  /** Fault probabilities. */
  faults?: SyncSimulationFaults;
  /**
   * The coordinator the devices sync with, e.g. one that routes each call to one of several server processes over
   * HTTP and a shared store, to check a deployment rather than one in-process coordinator. It must start empty and
   * refuse every mutation that writes the value 13 (with `validateMutation`), as the default does: the schedules use
   * that value to exercise rejected writes. A duplicated push is sent to it twice, and may then reach two processes.
   * @default a fresh in-memory createSyncCoordinator()
   */
  coordinator?: SyncCoordinator;
}

/** What a simulation observed. An empty `violations` list means every invariant held. */
export interface SyncSimulationResult {
  /** The seed, to replay a failing schedule. */
  readonly seed: number;
  /** Invariant violations: divergent replicas, lost or twice-applied mutations, stuck queues. */
  readonly violations: readonly string[];
  /** Counts of what happened. */
  readonly stats: {
    /** Mutations the devices made. */
    readonly mutations: number;
    /** Of those, applied on the server (each once). */
    readonly applied: number;
    /** Of those, refused by the coordinator and rolled back. */
    readonly rejected: number;
    /** Of those, replaced by a conflict resolution. */
    readonly superseded: number;
    /** Conflicts detected. */
    readonly conflicts: number;
    /** Conflicts settled with `resolveConflict` rather than the strategy. */
    readonly resolvedByUser: number;
    /** Pushes the network delivered twice. */
    readonly duplicatesDelivered: number;
    /** Pushes the server applied whose answer the network lost. */
    readonly lostResponses: number;
    /** Device restarts from storage mid-run. */
    readonly crashes: number;
    /** Times a device was cut off from the server. */
    readonly partitions: number;
    /** Sync rounds that failed (and were retried later). */
    readonly failedSyncs: number;
  };
}

const STRATEGIES = ["server-wins", "client-wins", "last-writer-wins", "field-merge", "manual"] as const;

/** The coordinator refuses this value, so every schedule also exercises rejected writes. */
const REJECTED_VALUE = 13;

/**
 * Runs one deterministic schedule of offline edits, syncs, partitions, duplicated and lost deliveries, concurrent
 * syncs and device crash/restarts across several devices and one coordinator, then heals the network, syncs to
 * quiescence and checks the invariants: every replica equals the coordinator, no queue is stuck, no mutation is
 * applied twice, and every mutation a device made is accounted for (applied, rejected, or superseded by a conflict
 * resolution). Use it to test your own conflict strategy.
 *
 * @param options - Seed, sizes, strategy and fault rates.
 * @returns Violations (empty when all invariants held) and statistics.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for invalid options.
 * @example
 * ```ts
 * for (let seed = 1; seed <= 1000; seed += 1) {
 *   const result = await runSyncSimulation({ seed, conflictStrategy: myResolver });
 *   expect(result.violations).toEqual([]);
 * }
 * ```
 */
export async function runSyncSimulation(options: SyncSimulationOptions): Promise<SyncSimulationResult> {
  const check = createValidator("runSyncSimulation");
  if (check.object("options", options)) {
    check.number("options.seed", options.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
    if (options.devices !== undefined)
      check.number("options.devices", options.devices, { integer: true, min: 1, max: 50 });
    if (options.steps !== undefined)
      check.number("options.steps", options.steps, { integer: true, min: 0, max: 100_000 });
    if (options.records !== undefined) check.number("options.records", options.records, { integer: true, min: 1 });
    if (options.conflictStrategy !== undefined && typeof options.conflictStrategy !== "function") {
      check.oneOf("options.conflictStrategy", options.conflictStrategy, STRATEGIES);
    }
    if (options.userResolvesConflicts !== undefined) {
      check.boolean("options.userResolvesConflicts", options.userResolvesConflicts);
    }
    if (options.coordinator !== undefined && check.object("options.coordinator", options.coordinator)) {
      for (const method of ["push", "pull", "getRecord"] as const) {
        check.fn(`options.coordinator.${method}`, options.coordinator[method]);
      }
    }
    for (const name of ["partition", "duplicate", "lostResponse", "crash"] as const) {
      const rate = options.faults?.[name];
      if (rate !== undefined) check.number(`options.faults.${name}`, rate, { min: 0, max: 1 });
    }
  }
  check.done();
  const { seed, devices: deviceCount = 3, steps = 40, records = 4, conflictStrategy = "last-writer-wins" } = options;
  const userResolvesConflicts = options.userResolvesConflicts ?? conflictStrategy === "manual";
  const { partition = 0.1, duplicate = 0.1, lostResponse = 0.1, crash = 0.05 } = options.faults ?? {};

  const generator = xoroshiro128plus(seed);
  const chance = (probability: number): boolean => uniformFloat64(generator) < probability;
  const pick = (count: number): number => uniformInt(generator, 0, count - 1);

  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const coordinator =
    options.coordinator ??
    createSyncCoordinator({
      validateMutation: (mutation) =>
        mutation.data !== null && Object.values(mutation.data).includes(REJECTED_VALUE)
          ? "value 13 is not allowed"
          : undefined,
    });
  const names = Array.from({ length: deviceCount }, (_, index) => `device-${index}`);
  const stores: StorageAdapter[] = names.map(() => createMemoryStorage());
  const partitioned = new Set<string>();
  const saved = new Set<string>();
  const rejected = new Set<string>();
  const superseded = new Set<string>();
  const created: string[] = [];
  const stats = {
    mutations: 0,
    applied: 0,
    rejected: 0,
    superseded: 0,
    conflicts: 0,
    resolvedByUser: 0,
    duplicatesDelivered: 0,
    lostResponses: 0,
    crashes: 0,
    partitions: 0,
    failedSyncs: 0,
  };
  let faultsOn = true;

  const start = (index: number): OfflineSyncManager => {
    const manager = new OfflineSyncManager({ storage: stores[index]!, clock, conflictStrategy });
    manager.on("mutation_rejected", ({ mutation }) => rejected.add(mutation.mutationId));
    manager.on("conflict_detected", () => {
      stats.conflicts += 1;
    });
    manager.on("conflict_resolved", (event) => {
      for (const id of event.superseded) superseded.add(id);
      if (event.replacement !== undefined) saved.add(event.replacement);
    });
    return manager;
  };
  const managers = names.map((_, index) => start(index));
  const transports: SyncTransport[] = names.map((name) => faultyTransport(name));

  function faultyTransport(name: string): SyncTransport {
    const inner = createInMemorySyncTransport(coordinator);
    const offline = (): PelbiotError =>
      new PelbiotError("PROVIDER_ERROR", `${name} is partitioned from the coordinator`, {
        details: { retryable: true },
      });
    return {
      async pull(request) {
        if (partitioned.has(name)) throw offline();
        return inner.pull(request);
      },
      async push(request) {
        if (partitioned.has(name)) throw offline();
        let response: PushResponse = await inner.push(request);
        if (faultsOn && chance(duplicate)) {
          stats.duplicatesDelivered += 1;
          response = await inner.push(request);
        }
        if (faultsOn && chance(lostResponse)) {
          stats.lostResponses += 1;
          throw new PelbiotError("PROVIDER_ERROR", "the push response was lost", { details: { retryable: true } });
        }
        return response;
      },
    };
  }

  // The scripted user: settles every conflict the device holds open, each in a way drawn from the seed.
  const resolveAsUser = async (index: number, conflicts: readonly SyncConflict[]): Promise<void> => {
    for (const conflict of conflicts) {
      stats.resolvedByUser += 1;
      await managers[index]!.resolveConflict(names[index]!, conflict.recordId, userResolution(conflict, pick(4)));
    }
  };

  // Syncs a device; returns whether anything moved (mutations pushed or conflicts resolved by the user).
  const syncDevice = async (index: number): Promise<boolean> => {
    let report: SyncReport;
    try {
      report = await managers[index]!.sync(names[index]!, transports[index]!);
    } catch (error) {
      if (!PelbiotError.is(error, "PROVIDER_ERROR")) throw error;
      stats.failedSyncs += 1;
      return true;
    }
    if (userResolvesConflicts) await resolveAsUser(index, report.conflicts);
    return report.pushed > 0 || (userResolvesConflicts && report.conflicts.length > 0);
  };

  for (let step = 0; step < steps; step += 1) {
    clock.advance(1 + pick(1000));
    const index = pick(deviceCount);
    const name = names[index]!;
    const manager = managers[index]!;
    const roll = uniformFloat64(generator);
    if (chance(partition)) {
      stats.partitions += 1;
      if (partitioned.has(name)) partitioned.delete(name);
      else partitioned.add(name);
    }
    if (chance(crash)) {
      stats.crashes += 1;
      managers[index] = start(index);
      continue;
    }
    if (roll < 0.3) {
      if (created.length < records) {
        const queued = await manager.saveOfflineData(name, { type: "create", entity: "item", data: { a: pick(16) } });
        saved.add(queued.mutationId);
        created.push(queued.recordId);
        continue;
      }
    }
    if (roll < 0.6 && created.length > 0) {
      const recordId = created[pick(created.length)]!;
      if ((await manager.getRecord(name, recordId)) === null) continue;
      const type = chance(0.15) ? "delete" : "update";
      const queued = await manager.saveOfflineData(name, {
        type,
        entity: "item",
        recordId,
        ...(type === "update" ? { data: { [chance(0.5) ? "a" : "b"]: pick(16) } } : {}),
      });
      saved.add(queued.mutationId);
    } else if (roll < 0.85) {
      await syncDevice(index);
    } else {
      // Every device syncs at once: pushes and pulls interleave at each await.
      await Promise.all(names.map((_, other) => syncDevice(other)));
    }
  }

  faultsOn = false;
  partitioned.clear();
  // A round in which nothing moved leaves the log unchanged while every device pulls to its end, so later rounds
  // could change nothing: stop there rather than run the rest.
  for (let round = 0; round < deviceCount + 3; round += 1) {
    let moved = false;
    for (let index = 0; index < deviceCount; index += 1) moved = (await syncDevice(index)) || moved;
    if (!moved) break;
  }

  const violations: string[] = [];
  const history = await coordinator.pull({ clientId: "simulation", cursor: 0, limit: 1_000_000 });
  const appliedIds = history.changes.map((change) => change.mutationId ?? "");
  if (new Set(appliedIds).size !== appliedIds.length) violations.push("a mutation was applied twice");
  const appliedSet = new Set(appliedIds);
  for (const id of saved) {
    const outcomes = [appliedSet.has(id), rejected.has(id), superseded.has(id)].filter(Boolean).length;
    if (outcomes === 0) violations.push(`mutation ${id} was lost: never applied, rejected or superseded`);
  }
  const recordIds = new Set(history.changes.map((change) => change.recordId));
  for (const [index, manager] of managers.entries()) {
    const name = names[index]!;
    const pending = await manager.getOfflineData(name);
    if (pending.length > 0) violations.push(`${name} still holds ${pending.length} queued mutation(s)`);
    const conflicts = await manager.getConflicts(name);
    if (conflicts.length > 0) violations.push(`${name} still has ${conflicts.length} open conflict(s)`);
    for (const recordId of recordIds) {
      const server = (await coordinator.getRecord(recordId))?.data ?? null;
      const local = await manager.getRecord(name, recordId);
      if (JSON.stringify(sorted(server)) !== JSON.stringify(sorted(local))) {
        violations.push(
          `${name} diverges on ${recordId}: ${JSON.stringify(local)} vs server ${JSON.stringify(server)}`,
        );
      }
    }
  }
  stats.mutations = saved.size;
  stats.applied = appliedSet.size;
  stats.rejected = rejected.size;
  stats.superseded = superseded.size;
  return { seed, violations, stats };
}

/** One of the ways a person settles a conflict: keep theirs, take the server's, or merge the two. */
function userResolution(
  conflict: SyncConflict,
  choice: number,
): "local" | "remote" | { version?: number; data: RecordData | null } {
  switch (choice) {
    case 0:
      return "local";
    case 1:
      return "remote";
    case 2:
      return { version: conflict.remote.version, data: conflict.remote.data };
    default:
      // Both sides' fields, the device's where they differ; a delete loses to an edit.
      return conflict.local === null || conflict.remote.data === null
        ? { data: conflict.local ?? conflict.remote.data }
        : { data: { ...conflict.remote.data, ...conflict.local } };
  }
}

function sorted(value: Record<string, unknown> | null): unknown {
  return value === null
    ? null
    : Object.fromEntries(Object.entries(value).sort(([left], [right]) => (left < right ? -1 : 1)));
}
