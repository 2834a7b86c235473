import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { type Clock, PelbiotError, parseRetryAfter, retry, sleep } from "@pelbiot/core";
import { describeError } from "../internal/describe-error";
import type { CircuitBreaker } from "./circuit-breaker";
import type { ConcurrencyLimiter } from "./concurrency-limiter";
import type { DeliveryActivity } from "./delivery-activity";
import type { DeliveryLogStore } from "./delivery-log-store";
import { type DeliveryQueue, type StoredDelivery, toDeliveryView } from "./delivery-queue";
import type { EndpointRegistry, StoredEndpoint } from "./endpoint-registry";
import { postWebhook } from "./post-webhook";
import { retryDelayMs } from "./retry-delay";
import { type HostResolver, resolveDeliveryAddress } from "./ssrf-guard";
import type { DeliveryAttemptLog, WebhookDelivery } from "./webhook-manager-types";
import { signWebhook } from "./webhook-signature";

/** Told when a delivery's first attempt is over, with the delivery when it succeeded. */
type FirstAttemptListener = (succeeded: WebhookDelivery | undefined) => void;

/** What {@link DeliveryWorker} checked before sending. */
interface PreparedAttempt {
  record: StoredDelivery;
  endpoint: StoredEndpoint;
  /** When the attempt started, on the manager's clock. */
  startedAt: number;
}

/** How one HTTP attempt went. */
interface AttemptOutcome {
  /** The HTTP status, or `null` when there was no response. */
  statusCode: number | null;
  responseBody: string | null;
  latencyMs: number;
  /** Why it failed, or `undefined` for a 2xx. */
  failure?: PelbiotError;
  /** The wait the endpoint asked for with `Retry-After`. */
  retryAfterMs?: number | undefined;
}

/** Thrown inside the retry loop to end it without another attempt; never escapes the worker. */
const STOP = "delivery_stopped";

/** Everything a {@link DeliveryWorker} works with, owned by the manager. */
export interface DeliveryWorkerOptions {
  clock: Clock;
  /** The wait before each attempt; its length is the number of attempts. */
  schedule: readonly number[];
  queue: DeliveryQueue;
  endpoints: EndpointRegistry;
  circuits: CircuitBreaker;
  limiter: ConcurrencyLimiter;
  logs: DeliveryLogStore;
  /** Told when a delivery is due now or in flight, and when it waits for a later attempt or ends. */
  activity: DeliveryActivity;
  ssrf: { allowPrivateNetworks: boolean; allowedHosts: readonly string[]; resolve?: HostResolver };
  agents: { http: HttpAgent; https: HttpsAgent };
  /** Aborted when the manager closes. */
  signal: AbortSignal;
  requestTimeoutMs: number;
  maxResponseBodyLength: number;
  userAgent: string;
  /** Called after each attempt has been recorded. */
  onAttempt: (log: DeliveryAttemptLog) => void;
  /** Called when an endpoint answered 410 Gone. */
  onGone: (endpointId: string) => Promise<void>;
}

/**
 * Runs the delivery loops: one per pending delivery, each attempt signed afresh, sent through the concurrency
 * limiter and the endpoint's circuit, recorded in the queue and the logs, then retried on the schedule (or
 * `Retry-After`) by core's `retry` until it succeeds or lands in the dead-letter list.
 */
export class DeliveryWorker {
  readonly #options: DeliveryWorkerOptions;
  readonly #running = new Map<string, Promise<void>>();

  constructor(options: DeliveryWorkerOptions) {
    this.#options = options;
  }

  /** Whether a loop for this delivery runs in this manager. */
  isRunning(deliveryId: string): boolean {
    return this.#running.has(deliveryId);
  }

  /** How many delivery loops run in this manager (in flight, due, or waiting for a later attempt). */
  get runningCount(): number {
    return this.#running.size;
  }

  /** Resolves once every running loop has ended (after the signal was aborted). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
  }

  /**
   * Starts a delivery and returns it as it stands after its first attempt. `started` is the record as it was
   * queued: when the delivery has left the queue meanwhile, another manager sharing the storage took it over and
   * delivered it (only a success removes a delivery).
   */
  async startAndView(started: StoredDelivery): Promise<WebhookDelivery> {
    const succeeded = await this.start(started.id);
    if (succeeded !== undefined) return succeeded;
    const stored = await this.#options.queue.get(started.id);
    if (stored === undefined) {
      return { ...toDeliveryView(started), status: "succeeded", nextAttemptAt: null, lastError: null };
    }
    return toDeliveryView(stored);
  }

  /**
   * Starts the delivery loop and resolves once its first attempt has been made (or deferred by an open circuit),
   * with the delivery when that attempt succeeded (it has then left the queue).
   */
  start(deliveryId: string): Promise<WebhookDelivery | undefined> {
    // One loop per delivery: a second start (a claim racing a resume) has nothing to add.
    if (this.#running.has(deliveryId)) return Promise.resolve(undefined);
    const { activity } = this.#options;
    activity.busy(deliveryId);
    return new Promise((resolve) => {
      const loop = this.#run(deliveryId, resolve).finally(() => {
        this.#running.delete(deliveryId);
        activity.idle(deliveryId);
        resolve(undefined);
      });
      this.#running.set(deliveryId, loop);
    });
  }

  async #run(deliveryId: string, firstAttemptDone: FirstAttemptListener): Promise<void> {
    const { clock, schedule, queue, signal, activity } = this.#options;
    try {
      const record = await queue.get(deliveryId);
      if (record === undefined || record.status !== "pending") return;
      const wait = (record.nextAttemptAt ?? clock.now()) - clock.now();
      if (wait > 0) {
        firstAttemptDone(undefined);
        activity.idle(deliveryId);
        await sleep(wait, { clock, signal });
        activity.busy(deliveryId);
      }
      const remaining = schedule.length - record.attempts;
      if (remaining <= 0) {
        await queue.bury(deliveryId, record.lastError ?? "no attempts left");
        return;
      }
      await retry(
        async () => {
          activity.busy(deliveryId);
          try {
            await this.#attempt(deliveryId, firstAttemptDone);
          } finally {
            firstAttemptDone(undefined);
          }
        },
        {
          maxAttempts: remaining,
          clock,
          signal,
          // Each failed attempt computed and persisted its own wait (schedule or Retry-After); retry only sleeps it.
          shouldRetry: (error) => {
            const delayMs = PelbiotError.is(error) ? error.details?.delayMs : undefined;
            return typeof delayMs === "number" ? { retry: true, delayMs } : { retry: false };
          },
          // A delivery waiting for a later attempt is not due: flush() does not wait for it.
          onRetry: (_error, _attempt, delayMs) => {
            if (delayMs > 0) activity.idle(deliveryId);
          },
        },
      );
    } catch (error) {
      if (signal.aborted || (PelbiotError.is(error) && error.details?.reason === STOP)) return;
      // The storage failed (a database restart, a network cut). Burying the delivery would turn the outage into a
      // lost message the moment the storage answers again; instead it stays queued under its lease, and a reclaim
      // scan (this manager's or another's) resumes it once the lease runs out and the storage answers.
      if (PelbiotError.is(error, "STORAGE_ERROR")) return;
      // The last attempt already moved the delivery to the dead-letter list; anything else is unexpected.
      if (!(PelbiotError.is(error, "RETRY_EXHAUSTED") || PelbiotError.is(error, "PROVIDER_ERROR"))) {
        await queue.bury(deliveryId, describeError(error)).catch(async (buryError: unknown) => {
          // The delivery's own record is damaged: a sweep quarantines and reports it, and the other loops go on.
          if (PelbiotError.is(buryError, "INTEGRITY_ERROR")) await queue.sweepDamaged().catch(() => undefined);
        });
      }
    }
  }

  #stop(): PelbiotError {
    return new PelbiotError("INTERNAL_ERROR", "delivery stopped", { details: { reason: STOP } });
  }

  async #attempt(deliveryId: string, firstAttemptDone: FirstAttemptListener): Promise<void> {
    const { record, endpoint, startedAt } = await this.#prepare(deliveryId, firstAttemptDone);
    const outcome = await this.#send(record, endpoint, startedAt);
    await this.#settleAttempt(record, endpoint, startedAt, outcome, firstAttemptDone);
  }

  // Everything before the request: the delivery is still ours, its endpoint live, its circuit closed, a slot held
  // and the lease renewed over the attempt's deadline. Throws the stop signal when any of that fails.
  async #prepare(deliveryId: string, firstAttemptDone: FirstAttemptListener): Promise<PreparedAttempt> {
    const { clock, queue, endpoints, circuits, limiter, signal, activity } = this.#options;
    const record = await queue.get(deliveryId);
    if (record === undefined || record.status !== "pending" || record.leaseOwner !== queue.owner) {
      throw this.#stop();
    }
    const endpoint = await endpoints.get(record.endpointId);
    if (endpoint === undefined || !endpoint.enabled) {
      await queue.bury(deliveryId, endpoint === undefined ? "endpoint deleted" : "endpoint disabled");
      throw this.#stop();
    }
    const circuitWaited = await circuits.waitUntilClosed(endpoint.id, () => {
      // An open circuit defers the delivery to the end of its cooldown: until then it is not due.
      activity.idle(deliveryId);
      firstAttemptDone(undefined);
    });
    activity.busy(deliveryId);
    if (circuitWaited) {
      // Waiting may have outlasted the lease; never send a delivery another manager has taken over.
      const latest = await queue.get(deliveryId);
      if (latest?.status !== "pending" || latest.leaseOwner !== queue.owner) {
        circuits.releaseProbe(endpoint.id);
        throw this.#stop();
      }
    }
    await limiter.acquire();
    if (signal.aborted) {
      limiter.release();
      throw this.#stop();
    }
    const startedAt = clock.now();
    // The wait for a slot may have outlasted the lease and another manager may have taken the delivery over: check
    // the lease with a compare-and-set and extend it over this attempt's deadline, or leave the delivery alone.
    let leased = false;
    try {
      leased = await queue.renewLease(deliveryId, startedAt + this.#options.requestTimeoutMs);
    } finally {
      if (!leased) limiter.release();
    }
    if (!leased) throw this.#stop();
    return { record, endpoint, startedAt };
  }

  // The signed request itself; releases the concurrency slot however it ends.
  async #send(record: StoredDelivery, endpoint: StoredEndpoint, startedAt: number): Promise<AttemptOutcome> {
    const { clock, endpoints, limiter, signal } = this.#options;
    const outcome: AttemptOutcome = { statusCode: null, responseBody: null, latencyMs: 0 };
    try {
      const url = new URL(endpoint.url);
      const address = await resolveDeliveryAddress(url, this.#options.ssrf);
      const secrets = await endpoints.signingSecrets(endpoint, startedAt);
      const body = Buffer.from(record.body, "utf8");
      const signed = signWebhook({ id: record.messageId, timestamp: Math.floor(startedAt / 1000), body, secrets });
      const response = await postWebhook({
        url,
        address,
        body,
        headers: { ...signed, "content-type": "application/json", "user-agent": this.#options.userAgent },
        timeoutMs: this.#options.requestTimeoutMs,
        maxResponseBodyLength: this.#options.maxResponseBodyLength,
        agents: this.#options.agents,
        signal,
      });
      outcome.statusCode = response.statusCode;
      outcome.responseBody = response.body;
      outcome.latencyMs = response.latencyMs;
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const retryAfter = response.headers["retry-after"];
        outcome.retryAfterMs = parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined, clock.now());
        outcome.failure = new PelbiotError("PROVIDER_ERROR", `The endpoint answered HTTP ${response.statusCode}.`, {
          details: { statusCode: response.statusCode },
        });
      }
    } catch (error) {
      outcome.failure = PelbiotError.is(error) ? error : new PelbiotError("PROVIDER_ERROR", describeError(error));
    } finally {
      limiter.release();
    }
    return outcome;
  }

  // Records the attempt in the queue, the circuit and the logs, then ends the loop or asks retry() for the next wait.
  async #settleAttempt(
    record: StoredDelivery,
    endpoint: StoredEndpoint,
    startedAt: number,
    outcome: AttemptOutcome,
    firstAttemptDone: FirstAttemptListener,
  ): Promise<void> {
    const { clock, schedule, queue, circuits, logs, signal } = this.#options;
    const { statusCode, failure } = outcome;
    if (failure?.code === "ABORTED" || signal.aborted) throw this.#stop();
    const deliveryId = record.id;
    const attempt = record.attempts + 1;
    const success = failure === undefined;
    circuits.record(endpoint.id, success);
    const gone = statusCode === 410;
    const blocked = failure?.details?.reason === "ssrf_blocked";
    // A secret that fails authentication stays broken until someone rotates it: retrying cannot help.
    const unsignable = failure?.code === "INTEGRITY_ERROR";
    const isLast = success || gone || blocked || unsignable || attempt >= schedule.length;
    // Retry-After may lengthen a wait, but only up to the schedule's longest step.
    const delayMs = isLast ? undefined : retryDelayMs(schedule, attempt, outcome.retryAfterMs);
    const finishedAt = clock.now();
    const nextAttemptAt = delayMs === undefined ? null : finishedAt + delayMs;
    const errorText = failure === undefined ? null : failure.message;

    if (success) {
      // A delivered message has nothing left to do: dropping it keeps the queue (and its scans) small.
      await queue.delete(deliveryId);
    } else {
      await queue.updateOwned(deliveryId, (current) => ({
        ...current,
        status: isLast ? "dead" : "pending",
        attempts: attempt,
        nextAttemptAt,
        lastError: errorText,
        leaseOwner: isLast ? null : queue.owner,
        leaseUntil: isLast ? 0 : queue.leaseFrom(nextAttemptAt ?? finishedAt),
      }));
    }

    const log: DeliveryAttemptLog = {
      deliveryId,
      messageId: record.messageId,
      endpointId: endpoint.id,
      url: endpoint.url,
      event: record.event,
      attempt,
      timestamp: startedAt,
      success,
      statusCode,
      latencyMs: outcome.latencyMs,
      error: errorText,
      responseBody: outcome.responseBody,
      nextAttemptAt,
    };
    await logs.append(log, finishedAt);
    if (gone) await this.#options.onGone(endpoint.id);
    const view = { ...toDeliveryView(record), status: "succeeded" as const, attempts: attempt };
    firstAttemptDone(success ? { ...view, nextAttemptAt: null, lastError: null } : undefined);
    this.#options.onAttempt(log);
    if (success) return;
    if (isLast) throw this.#stop();
    throw new PelbiotError("PROVIDER_ERROR", errorText ?? "delivery failed", { details: { delayMs } });
  }
}
