// How a trigger or a replay turns into running deliveries: persisted first, then started.
import { createIdGenerator, PelbiotError } from "@pelbiot/core";
import { type StoredDelivery, toDeliveryView } from "./delivery-queue";
import { matchesEventPattern } from "./event-pattern";
import type { TriggerWebhookResult, WebhookDelivery } from "./webhook-manager-types";
import type { WebhookRuntime } from "./webhook-runtime";

const deliveryIds = createIdGenerator({ prefix: "dlv" });
const messageIds = createIdGenerator({ prefix: "msg" });

/** A validated trigger. */
export interface QueuedTrigger {
  /** The event name. */
  event: string;
  /** The serialised `{ type, timestamp, data }`. */
  body: string;
  /** When it was triggered, on the manager's clock. */
  now: number;
  /** The caller's message id, or `undefined` for a fresh one. */
  messageId: string | undefined;
}

/**
 * Queues one delivery per enabled, subscribed endpoint, durably, then starts each and waits for its first attempt.
 *
 * @param runtime - The manager's parts.
 * @param trigger - The validated trigger.
 * @returns The message id, each delivery after its first attempt, and how many damaged endpoint records were skipped.
 * @throws {PelbiotError} LIMIT_EXCEEDED when the body is larger than `maxPayloadBytes`.
 */
export async function queueAndStartDeliveries(
  runtime: WebhookRuntime,
  trigger: QueuedTrigger,
): Promise<TriggerWebhookResult> {
  const { queue, worker, options } = runtime;
  const { event, body, now } = trigger;
  const size = Buffer.byteLength(body);
  if (size > options.maxPayloadBytes) {
    throw new PelbiotError(
      "LIMIT_EXCEEDED",
      `WebhookManager.triggerWebhook: the payload is ${size} bytes; at most ${options.maxPayloadBytes} are accepted ` +
        "(raise maxPayloadBytes).",
      { details: { limit: options.maxPayloadBytes, got: size } },
    );
  }
  const messageId = trigger.messageId ?? messageIds.next();
  const listing = await runtime.endpoints.list();
  const endpoints = listing.endpoints.filter(
    (endpoint) => endpoint.enabled && endpoint.events.some((pattern) => matchesEventPattern(pattern, event)),
  );
  const records: StoredDelivery[] = endpoints.map((endpoint) => ({
    id: deliveryIds.next(),
    messageId,
    endpointId: endpoint.id,
    event,
    body,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    leaseOwner: queue.owner,
    leaseUntil: queue.leaseFrom(now),
  }));
  // Persist every delivery before the first byte goes out, so a crash mid-send loses nothing.
  for (const record of records) await queue.add(record);
  const deliveries = await Promise.all(records.map(async (record) => worker.startAndView(record)));
  return { messageId, deliveries, damaged: listing.damaged };
}

/**
 * Puts a dead-letter delivery back in the queue with a fresh retry schedule and starts it.
 *
 * @param runtime - The manager's parts.
 * @param deliveryId - The validated delivery id.
 * @param now - The current time on the manager's clock.
 * @returns The delivery after its first new attempt.
 * @throws {PelbiotError} NOT_FOUND when no delivery has that id; CONFLICT when it is not a dead letter.
 */
export async function replayDeadDelivery(
  runtime: WebhookRuntime,
  deliveryId: string,
  now: number,
): Promise<WebhookDelivery> {
  const { queue, worker } = runtime;
  const existing = await queue.get(deliveryId);
  if (existing === undefined) {
    throw new PelbiotError(
      "NOT_FOUND",
      `WebhookManager.replayDelivery: no delivery has id ${JSON.stringify(deliveryId)}.`,
      { details: { id: deliveryId } },
    );
  }
  let conflict = false;
  const replayed = await queue.update(deliveryId, (current) => {
    conflict = current.status !== "dead";
    if (conflict) return current;
    return {
      ...current,
      status: "pending",
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      leaseOwner: queue.owner,
      leaseUntil: queue.leaseFrom(now),
    };
  });
  if (conflict) {
    throw new PelbiotError(
      "CONFLICT",
      `WebhookManager.replayDelivery: delivery ${deliveryId} is ${existing.status}, not in the dead-letter list; ` +
        "only dead deliveries can be replayed.",
      { details: { id: deliveryId } },
    );
  }
  return worker.startAndView(replayed ?? existing);
}

/**
 * Lists the queued deliveries (pending and dead), oldest first; damaged records are skipped and reported.
 *
 * @param runtime - The manager's parts.
 * @param status - Only this status, or every one.
 * @returns The deliveries.
 */
export async function listQueuedDeliveries(
  runtime: WebhookRuntime,
  status: "pending" | "dead" | undefined,
): Promise<WebhookDelivery[]> {
  const entries = await runtime.queue.entries();
  return entries
    .map(([, stored]) => toDeliveryView(stored))
    .filter((delivery) => status === undefined || delivery.status === status)
    .sort((left, right) => left.createdAt - right.createdAt || left.id.localeCompare(right.id));
}
