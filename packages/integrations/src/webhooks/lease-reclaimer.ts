import type { Clock, TimerHandle } from "@pelbiot/core";
import type { DeliveryQueue } from "./delivery-queue";
import type { DeliveryWorker } from "./delivery-worker";

/** Scans at least this far apart, so a tiny `leaseMs` cannot turn the loop into a busy scan of the storage. */
const MIN_INTERVAL_MS = 1_000;
/** Scans at least hourly, which keeps every timer far below the platform's 24.8-day limit. */
const MAX_INTERVAL_MS = 60 * 60 * 1_000;

/** What one scan found. */
export interface ReclaimScan {
  /** How many deliveries this manager took over and started. */
  claimed: number;
  /** The earliest time a lease held by another manager runs out, or `undefined` when none is held. */
  nextExpiry: number | undefined;
}

/**
 * Takes over every pending delivery that nobody holds, or whose holder let its lease run out, and starts its loop.
 * Deliveries already running here are skipped, so a delivery never runs twice in one manager.
 *
 * @param queue - The shared delivery queue.
 * @param worker - This manager's delivery loops.
 * @param now - The current time on the manager's clock.
 * @returns How many were claimed, and when the next lease held elsewhere runs out.
 */
export async function claimAvailableDeliveries(
  queue: DeliveryQueue,
  worker: DeliveryWorker,
  now: number,
): Promise<ReclaimScan> {
  let claimed = 0;
  let nextExpiry: number | undefined;
  for (const [id, record] of await queue.entries()) {
    if (record.status !== "pending" || worker.isRunning(id)) continue;
    const heldElsewhere = record.leaseOwner !== null && record.leaseOwner !== queue.owner && record.leaseUntil > now;
    // A lease that the listing just read shows held elsewhere is not claimed: skipping the claim's own read makes a
    // scan of a long queue that other managers work on cost one listing, not one more read per delivery. Should the
    // holder release it meanwhile, the next scan (due by the lease's expiry at the latest) takes it.
    if (heldElsewhere) {
      nextExpiry = Math.min(nextExpiry ?? record.leaseUntil, record.leaseUntil);
      continue;
    }
    // claim() is a compare-and-set, and nothing awaits between it and start(), so one claim starts one loop.
    if (await queue.claim(id, now)) {
      if (worker.isRunning(id)) continue;
      claimed += 1;
      void worker.start(id);
    }
  }
  return { claimed, nextExpiry };
}

/** Options of {@link LeaseReclaimer}. */
export interface LeaseReclaimerOptions {
  clock: Clock;
  /** The manager's `leaseMs`: the loop scans at least this often (bounded to 1 s … 1 h). */
  leaseMs: number;
  /** One scan; its errors are swallowed and the next scan is still scheduled. */
  scan: () => Promise<ReclaimScan>;
}

/**
 * Keeps a running manager taking over the deliveries of managers that died (SIGKILL, power loss) without waiting for
 * someone to call `resume()`: a timer on the manager's clock scans the queue when the earliest foreign lease runs
 * out, and at least every `leaseMs` to notice leases written since. Because a lease written after a scan runs out no
 * earlier than `leaseMs` later, no scan is ever late by more than the time a scan takes (for `leaseMs` ≥ 1 s).
 *
 * Timers are `unref`'d where the platform supports it, so the loop never keeps a finished script alive.
 */
export class LeaseReclaimer {
  readonly #options: LeaseReclaimerOptions;
  readonly #intervalMs: number;
  #timer: TimerHandle | undefined;
  #scanning: Promise<void> | undefined;
  #stopped = false;

  constructor(options: LeaseReclaimerOptions) {
    this.#options = options;
    this.#intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, options.leaseMs));
  }

  /** Schedules the first scan one interval from now. */
  start(): void {
    this.#schedule(this.#intervalMs);
  }

  /** Stops the loop and waits for a scan in progress to end; no scan starts afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#scanning;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    const timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#scanning = this.#run();
    }, delayMs);
    // Node's timers keep the process alive; a background scan must not.
    (timer as { unref?: () => void }).unref?.();
    this.#timer = timer;
  }

  async #run(): Promise<void> {
    const { clock, scan } = this.#options;
    let nextExpiry: number | undefined;
    try {
      ({ nextExpiry } = await scan());
    } catch {
      // A storage hiccup costs one scan; the next one comes an interval later.
    }
    const untilExpiry = nextExpiry === undefined ? this.#intervalMs : nextExpiry - clock.now();
    this.#schedule(Math.max(1, Math.min(this.#intervalMs, untilExpiry)));
  }
}
