// The public shapes of endpoints, deliveries and attempt logs, shared by the manager and its parts.

/** A registered endpoint as the manager shows it; the secret is never included. */
export interface WebhookEndpoint {
  /** The endpoint id, `ep_…`. */
  readonly id: string;
  /** Where deliveries are POSTed. */
  readonly url: string;
  /** The subscribed event patterns. */
  readonly events: readonly string[];
  /** Whether deliveries are sent. */
  readonly enabled: boolean;
  /** Why the endpoint was disabled (e.g. `"410 Gone"`), or `null`. */
  readonly disabledReason: string | null;
  /** A free-text note, or `null`. */
  readonly description: string | null;
  /** Creation time, epoch milliseconds. */
  readonly createdAt: number;
  /** Last change, epoch milliseconds. */
  readonly updatedAt: number;
}

/** What {@link WebhookManager.registerWebhook} returns: the endpoint and, this once, its signing secret. */
export interface RegisteredWebhook extends WebhookEndpoint {
  /** The signing secret (generated as `whsec_…` when none was given). It is not shown again. */
  readonly secret: string;
}

/** Input of {@link WebhookManager.registerWebhook}. */
export interface RegisterWebhookInput {
  /** One event name or pattern (`payment.confirmed`, `payment.*`); give this or `events`. */
  event?: string | undefined;
  /** Several event names or patterns; give this or `event`. */
  events?: readonly string[] | undefined;
  /** An `http:` or `https:` URL without credentials, reachable on a public address. */
  url: string;
  /** A `whsec_<base64>` secret, or at least 8 printable ASCII characters; generated when absent. */
  secret?: string | undefined;
  /** A free-text note. */
  description?: string | undefined;
}

/** Input of {@link WebhookManager.updateWebhook}; absent fields are left unchanged. */
export interface UpdateWebhookInput {
  /** A new URL. */
  url?: string | undefined;
  /** Replaces the subscription with one pattern. */
  event?: string | undefined;
  /** Replaces the subscription with several patterns. */
  events?: readonly string[] | undefined;
  /** A new note, or `null` to clear it. */
  description?: string | null | undefined;
}

/** Options of {@link WebhookManager.rotateSecret}. */
export interface RotateSecretOptions {
  /** The new secret; generated as `whsec_…` when absent. */
  secret?: string | undefined;
  /**
   * How long the previous secret keeps signing next to the new one, in milliseconds, so receivers can switch over.
   * @default 86_400_000 (24 hours)
   */
  overlapMs?: number | undefined;
}

/** The state of a queued delivery (one message to one endpoint). */
export type WebhookDeliveryStatus = "pending" | "succeeded" | "dead";

/** A delivery as the manager shows it. */
export interface WebhookDelivery {
  /** The delivery id, `dlv_…`. */
  readonly id: string;
  /** The message id sent as `webhook-id` on every attempt. */
  readonly messageId: string;
  /** The target endpoint. */
  readonly endpointId: string;
  /** The event name. */
  readonly event: string;
  /**
   * `pending` while attempts remain, `succeeded` (then removed from the queue; the logs keep its history), or `dead`
   * (in the dead-letter list).
   */
  readonly status: WebhookDeliveryStatus;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (epoch ms), or `null` when none is. */
  readonly nextAttemptAt: number | null;
  /** The last failure, or `null`. */
  readonly lastError: string | null;
  /** When the delivery was queued, epoch milliseconds. */
  readonly createdAt: number;
}

/** One HTTP attempt, as kept by {@link WebhookManager.getDeliveryLogs}. */
export interface DeliveryAttemptLog {
  /** The delivery. */
  readonly deliveryId: string;
  /** The `webhook-id`. */
  readonly messageId: string;
  /** The endpoint. */
  readonly endpointId: string;
  /** The URL the attempt went to. */
  readonly url: string;
  /** The event name. */
  readonly event: string;
  /** The attempt number, counting from 1. */
  readonly attempt: number;
  /** When the attempt started, epoch milliseconds on the manager's clock. */
  readonly timestamp: number;
  /** Whether the endpoint answered 2xx. */
  readonly success: boolean;
  /** The HTTP status, or `null` when there was no response (timeout, reset, refused, blocked). */
  readonly statusCode: number | null;
  /** Wall-clock milliseconds from sending to the end of the response. */
  readonly latencyMs: number;
  /** Why the attempt failed, or `null`. */
  readonly error: string | null;
  /** The start of the response body, or `null` when there was none. */
  readonly responseBody: string | null;
  /** When the next attempt is due (epoch ms), or `null` when this was the last one. */
  readonly nextAttemptAt: number | null;
}

/** Filter of {@link WebhookManager.getDeliveryLogs}; every given field must match. */
export interface DeliveryLogFilter {
  /** Only this endpoint. */
  endpointId?: string | undefined;
  /** Only this message. */
  messageId?: string | undefined;
  /** Only this delivery. */
  deliveryId?: string | undefined;
  /** Only this event name. */
  event?: string | undefined;
  /** Only successful (`true`) or failed (`false`) attempts. */
  success?: boolean | undefined;
}

/** What {@link WebhookManager.triggerWebhook} returns. */
export interface TriggerWebhookResult {
  /** The `webhook-id` shared by every delivery of this event. */
  readonly messageId: string;
  /** One delivery per subscribed, enabled endpoint, as it stands after its first attempt. */
  readonly deliveries: readonly WebhookDelivery[];
  /**
   * How many damaged endpoint records were skipped (and quarantined) while choosing the endpoints; each was also
   * reported by a `record_damaged` event. Those endpoints got no delivery.
   */
  readonly damaged: number;
}

/** Options of {@link WebhookManager.flush}. */
export interface FlushOptions {
  /**
   * How long to wait for deliveries that are due now or in flight, in milliseconds on the manager's clock.
   * @default 30_000
   */
  timeoutMs?: number | undefined;
}

/** What {@link WebhookManager.flush} returns once nothing is due now or in flight. */
export interface FlushResult {
  /**
   * How many of this manager's deliveries are still pending, each waiting for a later retry (or an open circuit's
   * cooldown). They stay in storage; with a durable storage a later `resume()` sends them.
   */
  readonly scheduled: number;
  /**
   * How many damaged stored records (endpoints, deliveries or attempt logs) this manager has skipped and
   * quarantined since it was created; each was also reported by a `record_damaged` event.
   */
  readonly damaged: number;
}

/** Which of a manager's stores held a damaged record. */
export type WebhookStoreName = "endpoints" | "deliveries" | "logs";

/**
 * A stored record the manager could not read (a truncated, garbled or empty file, text that is not JSON, or an
 * attempt log of the wrong shape). It was skipped, so the rest keep working, and moved out of the way.
 */
export interface WebhookRecordDamaged {
  /** The store it belonged to. */
  readonly store: WebhookStoreName;
  /** Its key within that store: the endpoint, delivery or log id. */
  readonly key: string;
  /** Its full key in the storage adapter. */
  readonly storageKey: string;
  /**
   * Where it was moved (see `listQuarantinedRecords` and `restoreQuarantinedRecord` in `@pelbiot/core`), or
   * `undefined` when it was not moved: the adapter refused the move (it then stays under its key and is skipped
   * again), or it was an attempt log of the wrong shape, which is deleted.
   */
  readonly quarantineKey: string | undefined;
}

/** Events of {@link WebhookManager}. */
export interface WebhookManagerEvents {
  /** An attempt got a 2xx answer. */
  delivery_succeeded: [attempt: DeliveryAttemptLog];
  /** An attempt failed; `nextAttemptAt` is `null` when the delivery went to the dead-letter list. */
  delivery_failed: [attempt: DeliveryAttemptLog];
  /** An endpoint was disabled (by the caller, or because it answered 410 Gone). */
  endpoint_disabled: [
    change: {
      /** The endpoint's id. */
      endpointId: string;
      /** Its URL. */
      url: string;
      /** Why it was disabled: the caller's reason, or `"410 Gone"`. */
      reason: string;
    },
  ];
  /** A damaged stored record was skipped and quarantined; the other records keep working. */
  record_damaged: [damage: WebhookRecordDamaged];
}
