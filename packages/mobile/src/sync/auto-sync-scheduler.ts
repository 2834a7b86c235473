import {
  type Clock,
  computeBackoffDelay,
  getRetryAfterMs,
  isRetryableError,
  type PelbiotError,
  toPelbiotError,
} from "@pelbiot/core";
import type { ResolvedAutoSyncOptions } from "./offline-sync-manager-options";
import type { AutoSync, SyncReport } from "./offline-sync-manager-types";

/** What the scheduler runs and whom it tells about failures. */
export interface AutoSyncTask {
  /** The manager's clock; only its timers are used. */
  readonly clock: Clock;
  /** Interval, attempts and backoff. */
  readonly options: ResolvedAutoSyncOptions;
  /** Runs one sync round. */
  readonly round: () => Promise<SyncReport>;
  /** Called when a round failed for good (permanent error, or transient after every attempt). */
  readonly failed: (error: PelbiotError) => void;
}

/**
 * Runs sync rounds every `intervalMs` on the clock, one at a time. A round that fails with a transient error is
 * retried sooner, on core's exponential backoff with full jitter (or after the server's `Retry-After`, when longer,
 * but never later than the interval), up to `maxAttempts` rounds in a row; then `failed` is called and the regular
 * interval resumes. Timers only: nothing waits in between, so `stop()` takes effect at once.
 *
 * @param task - Clock, options, the round and the failure report.
 * @returns Controls to sync now or stop.
 */
export function startAutoSyncScheduler(task: AutoSyncTask): AutoSync {
  const { clock, options } = task;
  const { intervalMs, maxAttempts, backoff } = options;
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<Clock["setTimeout"]> | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const round = (): Promise<SyncReport> => {
    const next = running.then(task.round);
    running = next.catch(() => undefined);
    return next;
  };
  const schedule = (delayMs: number): void => {
    if (!stopped) timer = clock.setTimeout(tick, delayMs);
  };
  const onFailure = (error: unknown): void => {
    if (stopped) return;
    const failure = toPelbiotError(error);
    failures += 1;
    if (failures < maxAttempts && isRetryableError(failure)) {
      const delay = Math.max(computeBackoffDelay(failures, backoff), getRetryAfterMs(failure) ?? 0);
      schedule(Math.min(delay, intervalMs));
      return;
    }
    failures = 0;
    task.failed(failure);
    schedule(intervalMs);
  };
  const tick = (): void => {
    round().then(() => {
      failures = 0;
      schedule(intervalMs);
    }, onFailure);
  };
  schedule(intervalMs);
  return {
    syncNow: round,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      await running;
    },
  };
}
