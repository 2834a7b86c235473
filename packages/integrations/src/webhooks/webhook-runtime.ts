import { setMaxListeners } from "node:events";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import { createIdGenerator, type DamagedRecord } from "@pelbiot/core";
import { CircuitBreaker } from "./circuit-breaker";
import { ConcurrencyLimiter } from "./concurrency-limiter";
import { DeliveryActivity } from "./delivery-activity";
import { DeliveryLogStore } from "./delivery-log-store";
import { DeliveryQueue } from "./delivery-queue";
import { DeliveryWorker } from "./delivery-worker";
import { EndpointRegistry } from "./endpoint-registry";
import { claimAvailableDeliveries, LeaseReclaimer } from "./lease-reclaimer";
import type { ResolvedWebhookManagerOptions } from "./webhook-manager-options";
import type { DeliveryAttemptLog, WebhookStoreName } from "./webhook-manager-types";

/** What the parts tell the manager, which turns it into events. */
export interface WebhookRuntimeHooks {
  /** After each attempt has been recorded. */
  onAttempt: (log: DeliveryAttemptLog) => void;
  /** When an endpoint answered 410 Gone. */
  onGone: (endpointId: string) => Promise<void>;
  /** For every damaged record a store skipped. */
  onDamaged: (store: WebhookStoreName, record: DamagedRecord) => void;
}

/** Everything a manager works with: its stores, the delivery machinery and what closing must stop. */
export interface WebhookRuntime {
  readonly options: ResolvedWebhookManagerOptions;
  readonly endpoints: EndpointRegistry;
  readonly queue: DeliveryQueue;
  readonly logs: DeliveryLogStore;
  readonly circuits: CircuitBreaker;
  readonly limiter: ConcurrencyLimiter;
  readonly worker: DeliveryWorker;
  /** Which work is due now or in flight, for `flush()`. */
  readonly activity: DeliveryActivity;
  readonly agents: { readonly http: HttpAgent; readonly https: HttpsAgent };
  /** Aborted by {@link closeWebhookRuntime}. */
  readonly abort: AbortController;
  /** Only a caller's storage can be shared with other managers, so only then is there anything to take over. */
  readonly reclaimer: LeaseReclaimer | undefined;
}

const instanceIds = createIdGenerator({ prefix: "mgr" });

/**
 * Builds a manager's parts over its resolved options and starts the lease reclaimer (with a caller's storage).
 *
 * @param options - The resolved constructor options.
 * @param hooks - Where attempts, 410s and damaged records are reported.
 * @returns The running parts.
 */
export function createWebhookRuntime(
  options: ResolvedWebhookManagerOptions,
  hooks: WebhookRuntimeHooks,
): WebhookRuntime {
  const { storage, keyPrefix, clock, certificateAuthorities } = options;
  const abort = new AbortController();
  // Every delivery loop and request listens on the one close signal; thousands at once are expected, not a leak.
  setMaxListeners(0, abort.signal);
  const agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({
      keepAlive: true,
      ...(certificateAuthorities.length === 0 ? {} : { ca: [...rootCertificates, ...certificateAuthorities] }),
    }),
  };
  const endpoints = new EndpointRegistry({
    storage,
    keyProvider: options.keyProvider,
    prefix: `${keyPrefix}endpoints:`,
    onDamaged: (record) => hooks.onDamaged("endpoints", record),
  });
  const queue = new DeliveryQueue({
    storage,
    owner: instanceIds.next(),
    leaseMs: options.leaseMs,
    prefix: `${keyPrefix}deliveries:`,
    onDamaged: (record) => hooks.onDamaged("deliveries", record),
  });
  const logs = new DeliveryLogStore({
    storage: options.persistDeliveryLogs ? storage : undefined,
    maxLogs: options.maxDeliveryLogs,
    retentionMs: options.deliveryLogRetentionMs,
    prefix: `${keyPrefix}logs:`,
    onDamaged: (record) => hooks.onDamaged("logs", record),
  });
  const circuits = new CircuitBreaker({
    clock,
    failureThreshold: options.circuitFailureThreshold,
    cooldownMs: options.circuitCooldownMs,
    signal: abort.signal,
  });
  const limiter = new ConcurrencyLimiter(options.maxConcurrency);
  const activity = new DeliveryActivity();
  const worker = new DeliveryWorker({
    clock,
    schedule: options.retrySchedule,
    queue,
    endpoints,
    circuits,
    limiter,
    logs,
    activity,
    ssrf: options.ssrf,
    agents,
    signal: abort.signal,
    requestTimeoutMs: options.requestTimeoutMs,
    maxResponseBodyLength: options.maxResponseBodyLength,
    userAgent: options.userAgent,
    onAttempt: hooks.onAttempt,
    onGone: hooks.onGone,
  });
  let reclaimer: LeaseReclaimer | undefined;
  if (options.sharedStorage) {
    reclaimer = new LeaseReclaimer({
      clock,
      leaseMs: options.leaseMs,
      scan: () => claimAvailableDeliveries(queue, worker, clock.now()),
    });
    reclaimer.start();
  }
  return { options, endpoints, queue, logs, circuits, limiter, worker, activity, agents, abort, reclaimer };
}

/**
 * Stops the lease reclaimer, every delivery loop and in-flight request, hands pending deliveries back to storage and
 * closes idle keep-alive sockets.
 *
 * @param runtime - The parts to stop.
 */
export async function closeWebhookRuntime(runtime: WebhookRuntime): Promise<void> {
  await runtime.reclaimer?.stop();
  runtime.abort.abort();
  runtime.limiter.releaseAll();
  await runtime.worker.settle();
  try {
    await runtime.queue.releaseLeases();
  } finally {
    // Sockets are closed even when storage fails: their leases then simply run out for another manager.
    runtime.agents.http.destroy();
    runtime.agents.https.destroy();
  }
}
