import { createValidator, type DamagedRecord, PelbiotError, TypedEventEmitter, toPelbiotError } from "@pelbiot/core";
import { listQueuedDeliveries, queueAndStartDeliveries, replayDeadDelivery } from "./delivery-dispatch";
import { type StoredEndpoint, toEndpointView } from "./endpoint-registry";
import { claimAvailableDeliveries } from "./lease-reclaimer";
import {
  checkDeliveryFilter,
  checkDeliveryLogFilter,
  checkFlushOptions,
  checkRegisterInput,
  checkRotateSecretOptions,
  checkTriggerInput,
  checkUpdateInput,
} from "./webhook-input";
import { resolveWebhookManagerOptions, type WebhookManagerOptions } from "./webhook-manager-options";
import type {
  DeliveryAttemptLog,
  DeliveryLogFilter,
  FlushOptions,
  FlushResult,
  RegisteredWebhook,
  RegisterWebhookInput,
  RotateSecretOptions,
  TriggerWebhookResult,
  UpdateWebhookInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookManagerEvents,
  WebhookStoreName,
} from "./webhook-manager-types";
import { closeWebhookRuntime, createWebhookRuntime, type WebhookRuntime } from "./webhook-runtime";
import { generateWebhookSecret } from "./webhook-signature";

export { SVIX_RETRY_SCHEDULE, type WebhookManagerOptions } from "./webhook-manager-options";
// Every public type of the manager, so callers can import them next to the class.
export type * from "./webhook-manager-types";

const DEFAULT_OVERLAP_MS = 24 * 60 * 60 * 1000;
const DEFAULT_FLUSH_TIMEOUT_MS = 30_000;

/**
 * Sends signed webhooks the Standard Webhooks way: endpoints subscribe to events (with wildcards), every delivery is
 * queued durably in a storage adapter, signed with `webhook-id` / `webhook-timestamp` / `webhook-signature`, POSTed
 * without following redirects to an address vetted against SSRF, and retried on Svix's schedule (honouring
 * `Retry-After`) until it succeeds or lands in the dead-letter list. A 410 disables the endpoint; a per-endpoint
 * circuit breaker keeps a dead endpoint from delaying the others; concurrency is bounded. Signing secrets are
 * envelope-encrypted in any storage the caller provides (see `keyProvider`), and attempt logs persist there too.
 * A damaged stored record (a truncated or garbled file) is skipped, quarantined and reported by a `record_damaged`
 * event; the other endpoints and deliveries keep working.
 *
 * @example
 * ```ts
 * const webhooks = new WebhookManager();
 * await webhooks.registerWebhook({ event: "payment.confirmed", url: "https://example.com/webhooks", secret: "webhook-secret" });
 * await webhooks.triggerWebhook("payment.confirmed", { paymentId: "pay-123", amount: 99.99 });
 * const logs = webhooks.getDeliveryLogs();
 * ```
 */
export class WebhookManager extends TypedEventEmitter<WebhookManagerEvents> {
  readonly #runtime: WebhookRuntime;
  #damaged = 0;
  #closed = false;

  /**
   * Creates a manager; nothing is sent until an event is triggered or {@link WebhookManager.resume} is called.
   *
   * @param options - Storage and key prefix, key provider, clock, logger, retry schedule, timeouts, concurrency,
   * circuit breaker, logs and SSRF allowlist.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (unknown ones with
   * the accepted keys).
   * @throws {PelbiotError} CONFIGURATION_ERROR when `storage` is given without `keyProvider` and the
   * `PELBIOT_CREDENTIAL_KEYS` keyring is not configured.
   */
  constructor(options: WebhookManagerOptions = {}) {
    super();
    const resolved = resolveWebhookManagerOptions(options);
    this.#runtime = createWebhookRuntime(resolved, {
      onAttempt: (log) => this.emit(log.success ? "delivery_succeeded" : "delivery_failed", log),
      onGone: async (endpointId) => {
        await this.#disable(endpointId, "410 Gone");
      },
      onDamaged: (store, record) => this.#reportDamaged(store, record),
    });
  }

  /**
   * Registers an endpoint for one event or several (wildcards like `payment.*` allowed).
   *
   * @param input - `event` or `events`, `url`, optional `secret` and `description`.
   * @returns The endpoint with its signing secret; a generated secret is shown only here.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an input field is malformed, the URL is not http(s), holds
   * credentials or targets a blocked IP literal (loopback, private, metadata…); nothing is stored then.
   * @example
   * ```ts
   * const { id, secret } = await webhooks.registerWebhook({ events: ["payment.*"], url: "https://example.com/hooks" });
   * ```
   */
  async registerWebhook(input: RegisterWebhookInput): Promise<RegisteredWebhook> {
    this.#assertOpen("registerWebhook");
    const check = createValidator("WebhookManager.registerWebhook", { redactStrings: true });
    const events = checkRegisterInput(check, input, this.#runtime.options.ssrf);
    check.done();
    return this.#guard(async () => {
      const secret = input.secret ?? generateWebhookSecret();
      const stored = await this.#runtime.endpoints.create({
        url: new URL(input.url).href,
        events,
        secret,
        description: input.description ?? null,
        now: this.#runtime.options.clock.now(),
      });
      return { ...toEndpointView(stored), secret };
    });
  }

  /**
   * Lists every endpoint, oldest first.
   *
   * @returns The endpoints, without secrets; damaged endpoint records are skipped (see `record_damaged`).
   * @example
   * ```ts
   * for (const endpoint of await webhooks.listWebhooks()) console.log(endpoint.url, endpoint.enabled);
   * ```
   */
  async listWebhooks(): Promise<WebhookEndpoint[]> {
    return this.#guard(async () => (await this.#runtime.endpoints.list()).endpoints.map(toEndpointView));
  }

  /**
   * Reads one endpoint.
   *
   * @param endpointId - The endpoint id.
   * @returns The endpoint, without its secret.
   * @throws {PelbiotError} NOT_FOUND when no endpoint has that id.
   * @example
   * ```ts
   * const endpoint = await webhooks.getWebhook(id);
   * ```
   */
  async getWebhook(endpointId: string): Promise<WebhookEndpoint> {
    return toEndpointView(await this.#requireEndpoint(endpointId, "getWebhook"));
  }

  /**
   * Changes an endpoint's URL, subscription or description.
   *
   * @param endpointId - The endpoint id.
   * @param changes - The fields to change.
   * @returns The updated endpoint.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when a change is malformed (nothing changes then).
   * @throws {PelbiotError} NOT_FOUND when no endpoint has that id.
   * @example
   * ```ts
   * await webhooks.updateWebhook(id, { events: ["payment.*", "refund.created"] });
   * ```
   */
  async updateWebhook(endpointId: string, changes: UpdateWebhookInput): Promise<WebhookEndpoint> {
    this.#assertOpen("updateWebhook");
    const check = createValidator("WebhookManager.updateWebhook");
    const events = checkUpdateInput(check, changes, this.#runtime.options.ssrf);
    await this.#requireEndpoint(endpointId, "updateWebhook", check);
    const url = changes.url === undefined ? undefined : new URL(changes.url).href;
    const now = this.#runtime.options.clock.now();
    const { endpoints } = this.#runtime;
    const updated = await this.#guard(() =>
      endpoints.change(endpointId, { url, events, description: changes.description }, now),
    );
    if (updated === undefined) throw notFound(endpointId, "updateWebhook");
    return toEndpointView(updated);
  }

  /**
   * Stops deliveries to an endpoint; pending ones go to the dead-letter list when their next attempt comes up.
   *
   * @param endpointId - The endpoint id.
   * @param reason - Why, shown in the endpoint and the `endpoint_disabled` event.
   * @returns The disabled endpoint.
   * @throws {PelbiotError} NOT_FOUND when no endpoint has that id.
   * @example
   * ```ts
   * await webhooks.disableWebhook(id, "customer asked");
   * ```
   */
  async disableWebhook(endpointId: string, reason = "disabled by caller"): Promise<WebhookEndpoint> {
    const check = createValidator("WebhookManager.disableWebhook");
    check.string("reason", reason, { maxLength: 500 });
    await this.#requireEndpoint(endpointId, "disableWebhook", check);
    return toEndpointView(await this.#guard(() => this.#disable(endpointId, reason)));
  }

  /**
   * Re-enables a disabled endpoint and closes its circuit.
   *
   * @param endpointId - The endpoint id.
   * @returns The enabled endpoint.
   * @throws {PelbiotError} NOT_FOUND when no endpoint has that id.
   * @example
   * ```ts
   * await webhooks.enableWebhook(id);
   * ```
   */
  async enableWebhook(endpointId: string): Promise<WebhookEndpoint> {
    await this.#requireEndpoint(endpointId, "enableWebhook");
    this.#runtime.circuits.reset(endpointId);
    const now = this.#runtime.options.clock.now();
    const updated = await this.#guard(() => this.#runtime.endpoints.setEnabled(endpointId, null, now));
    if (updated === undefined) throw notFound(endpointId, "enableWebhook");
    return toEndpointView(updated.endpoint);
  }

  /**
   * Deletes an endpoint; its pending deliveries go to the dead-letter list at their next attempt.
   *
   * @param endpointId - The endpoint id.
   * @returns Nothing.
   * @throws {PelbiotError} NOT_FOUND when no endpoint has that id.
   * @example
   * ```ts
   * await webhooks.deleteWebhook(id);
   * ```
   */
  async deleteWebhook(endpointId: string): Promise<void> {
    await this.#requireEndpoint(endpointId, "deleteWebhook");
    await this.#guard(() => this.#runtime.endpoints.delete(endpointId));
    this.#runtime.circuits.reset(endpointId);
  }

  /**
   * Starts a secret rotation: deliveries are signed with the new secret and, for `overlapMs`, also with the
   * previous one, so receivers verify with either while they switch.
   *
   * @param endpointId - The endpoint id.
   * @param options - The new secret (generated when absent) and the overlap.
   * @returns The new secret; a generated one is shown only here.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the secret or overlap is malformed.
   * @throws {PelbiotError} NOT_FOUND when no endpoint has that id.
   * @example
   * ```ts
   * const { secret } = await webhooks.rotateSecret(id, { overlapMs: 60 * 60 * 1000 });
   * ```
   */
  async rotateSecret(
    endpointId: string,
    options: RotateSecretOptions = {},
  ): Promise<{
    /** The new signing secret (`whsec_…`); give it to the receiver. */
    secret: string;
  }> {
    const check = createValidator("WebhookManager.rotateSecret", { redactStrings: true });
    const overlapMs = checkRotateSecretOptions(check, options, DEFAULT_OVERLAP_MS);
    await this.#requireEndpoint(endpointId, "rotateSecret", check);
    const secret = options.secret ?? generateWebhookSecret();
    const now = this.#runtime.options.clock.now();
    const updated = await this.#guard(() => this.#runtime.endpoints.rotateSecret(endpointId, secret, overlapMs, now));
    if (updated === undefined) throw notFound(endpointId, "rotateSecret");
    return { secret };
  }

  /**
   * Queues an event for every enabled endpoint subscribed to it, durably, and makes the first attempt of each.
   * Failed deliveries are retried in the background on the retry schedule.
   *
   * @param event - The event name, e.g. `payment.confirmed`.
   * @param payload - Any JSON-serialisable data; sent as `{ type, timestamp, data }`.
   * @param options - An explicit `messageId` (letters, digits, `_`, `-`), e.g. to make a re-trigger idempotent.
   * @returns The message id, each delivery after its first attempt, and how many damaged endpoint records were
   * skipped (`damaged`).
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the event name or message id is malformed or the payload
   * is not JSON-serialisable.
   * @throws {PelbiotError} LIMIT_EXCEEDED when the payload exceeds `maxPayloadBytes`.
   * @example
   * ```ts
   * const { messageId, deliveries } = await webhooks.triggerWebhook("payment.confirmed", { paymentId: "pay-123" });
   * ```
   */
  async triggerWebhook(
    event: string,
    payload: unknown,
    options: { messageId?: string | undefined } = {},
  ): Promise<TriggerWebhookResult> {
    this.#assertOpen("triggerWebhook");
    const check = createValidator("WebhookManager.triggerWebhook");
    const now = this.#runtime.options.clock.now();
    const body = checkTriggerInput(check, { event, payload, options, now });
    check.done();
    // Until its deliveries' loops have started, a trigger is work that flush() must wait for.
    const done = this.#runtime.activity.begin();
    try {
      return await this.#guard(() =>
        queueAndStartDeliveries(this.#runtime, { event, body, now, messageId: options.messageId }),
      );
    } finally {
      done();
    }
  }

  /**
   * Returns the attempt logs (oldest first), optionally filtered, from memory without I/O. With a caller's storage
   * each log is also persisted (see `persistDeliveryLogs`), bounded by `maxDeliveryLogs` and
   * `deliveryLogRetentionMs`; after a restart, {@link WebhookManager.resume} loads them back, so call it before
   * reading the logs of the previous process.
   *
   * @param filter - Fields every returned log must match.
   * @returns Copies of the matching logs.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the filter is malformed.
   * @example
   * ```ts
   * const failures = webhooks.getDeliveryLogs({ success: false });
   * ```
   */
  getDeliveryLogs(filter: DeliveryLogFilter = {}): DeliveryAttemptLog[] {
    const check = createValidator("WebhookManager.getDeliveryLogs");
    checkDeliveryLogFilter(check, filter);
    check.done();
    return this.#runtime.logs.query(filter, this.#runtime.options.clock.now());
  }

  /**
   * Lists the deliveries in the queue, oldest first: pending ones and dead letters (succeeded deliveries leave the
   * queue; their attempts stay in {@link WebhookManager.getDeliveryLogs}).
   *
   * @param filter - Optionally only one status (`pending` or `dead`).
   * @returns The deliveries; damaged delivery records are skipped (see `record_damaged`).
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the status is unknown.
   * @example
   * ```ts
   * const pending = await webhooks.listDeliveries({ status: "pending" });
   * ```
   */
  async listDeliveries(filter: { status?: "pending" | "dead" | undefined } = {}): Promise<WebhookDelivery[]> {
    const check = createValidator("WebhookManager.listDeliveries");
    checkDeliveryFilter(check, filter);
    check.done();
    return this.#guard(() => listQueuedDeliveries(this.#runtime, filter.status));
  }

  /**
   * Lists the dead-letter deliveries: those that used up every attempt or whose endpoint was disabled or deleted.
   *
   * @returns The dead deliveries, oldest first.
   * @example
   * ```ts
   * for (const delivery of await webhooks.listDeadLetters()) await webhooks.replayDelivery(delivery.id);
   * ```
   */
  async listDeadLetters(): Promise<WebhookDelivery[]> {
    return this.listDeliveries({ status: "dead" });
  }

  /**
   * Sends a dead-letter delivery again with the same `webhook-id` and a fresh retry schedule.
   *
   * @param deliveryId - The delivery id.
   * @returns The delivery after its first new attempt.
   * @throws {PelbiotError} NOT_FOUND when no delivery has that id; CONFLICT when it is not in the dead-letter list.
   * @example
   * ```ts
   * const delivery = await webhooks.replayDelivery(deadLetter.id);
   * ```
   */
  async replayDelivery(deliveryId: string): Promise<WebhookDelivery> {
    this.#assertOpen("replayDelivery");
    const check = createValidator("WebhookManager.replayDelivery");
    check.string("deliveryId", deliveryId, { maxLength: 200 });
    check.done();
    const now = this.#runtime.options.clock.now();
    return this.#guard(() => replayDeadDelivery(this.#runtime, deliveryId, now));
  }

  /**
   * Takes over the pending deliveries found in storage (after a restart, or from a manager that died) and resumes
   * them on their schedule with their original `webhook-id`, after loading the persisted attempt logs into
   * {@link WebhookManager.getDeliveryLogs} (deleting those past retention or beyond `maxDeliveryLogs`). Call it once
   * at start-up; afterwards the manager keeps taking over deliveries whose lease runs out by itself (see `leaseMs`).
   *
   * Damaged stored records (deliveries or attempt logs) are skipped, quarantined and reported by `record_damaged`
   * events; `flush()` counts them in `damaged`.
   *
   * @returns How many deliveries were resumed.
   * @example
   * ```ts
   * const webhooks = new WebhookManager({ storage: createFileStorage({ directory: "data/webhooks" }) });
   * await webhooks.resume();
   * ```
   */
  async resume(): Promise<number> {
    this.#assertOpen("resume");
    const { activity, logs, queue, worker, options } = this.#runtime;
    const done = activity.begin();
    try {
      return await this.#guard(async () => {
        await logs.load(options.clock.now());
        const { claimed } = await claimAvailableDeliveries(queue, worker, options.clock.now());
        return claimed;
      });
    } finally {
      done();
    }
  }

  /**
   * Waits until none of this manager's deliveries is due now or in flight, e.g. before a script ends or before
   * {@link WebhookManager.close}: triggers still queueing, resumed deliveries, requests on the wire and deliveries
   * waiting for a concurrency slot are all waited for. Deliveries scheduled for a later retry (or held back by an open
   * circuit) do not block it: they stay queued in storage and are counted in `scheduled`; a later `resume()` sends
   * them. Deliveries of other managers sharing the storage are not waited for.
   *
   * @param options - `timeoutMs`, how long to wait (default 30 000 ms, on the manager's clock).
   * @returns How many deliveries remain scheduled for a later attempt (`scheduled`), and how many damaged stored
   * records this manager has skipped and quarantined since it was created (`damaged`).
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `timeoutMs` is not a whole number of milliseconds, or an
   * option is unknown.
   * @throws {PelbiotError} TIMEOUT when deliveries are still due or in flight after `timeoutMs` (they carry on in
   * the background); CONFLICT when the manager is closed.
   * @example
   * ```ts
   * await webhooks.triggerWebhook("payment.confirmed", { paymentId: "pay-123" });
   * const { scheduled } = await webhooks.flush({ timeoutMs: 10_000 });
   * await webhooks.close(); // `scheduled` deliveries wait in storage for the next resume()
   * ```
   */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    this.#assertOpen("flush");
    const check = createValidator("WebhookManager.flush");
    const timeoutMs = checkFlushOptions(check, options, DEFAULT_FLUSH_TIMEOUT_MS);
    check.done();
    const { activity, worker, options: resolved } = this.#runtime;
    await activity.whenIdle(resolved.clock, timeoutMs, "WebhookManager.flush");
    return { scheduled: worker.runningCount, damaged: this.#damaged };
  }

  /**
   * Stops the lease reclaim timer, every delivery loop and in-flight request, hands pending deliveries back to
   * storage for the next
   * {@link WebhookManager.resume}, and closes idle keep-alive sockets. The manager is unusable afterwards.
   *
   * @returns Nothing.
   * @example
   * ```ts
   * process.on("SIGTERM", () => void webhooks.close());
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#guard(() => closeWebhookRuntime(this.#runtime));
  }

  #assertOpen(method: string): void {
    if (this.#closed) {
      throw new PelbiotError("CONFLICT", `WebhookManager.${method}: the manager is closed; create a new one.`);
    }
  }

  // Only PelbiotErrors leave public methods: anything else (a storage adapter's own error) is wrapped.
  async #guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toPelbiotError(error);
    }
  }

  #reportDamaged(store: WebhookStoreName, record: DamagedRecord): void {
    this.#damaged += 1;
    const { key, storageKey, quarantineKey } = record;
    this.#runtime.options.logger.warn("webhooks: skipped a damaged stored record", {
      store,
      storageKey,
      quarantineKey,
    });
    this.emit("record_damaged", { store, key, storageKey, quarantineKey });
  }

  // Checks the id with the method's other arguments (when `check` is given), then reads the endpoint.
  async #requireEndpoint(
    endpointId: string,
    method: string,
    check = createValidator(`WebhookManager.${method}`),
  ): Promise<StoredEndpoint> {
    check.string("endpointId", endpointId, { maxLength: 200 });
    check.done();
    const stored = await this.#guard(() => this.#runtime.endpoints.get(endpointId));
    if (stored === undefined) throw notFound(endpointId, method);
    return stored;
  }

  async #disable(endpointId: string, reason: string): Promise<StoredEndpoint> {
    const updated = await this.#runtime.endpoints.setEnabled(endpointId, reason, this.#runtime.options.clock.now());
    if (updated === undefined) throw notFound(endpointId, "disableWebhook");
    const { endpoint, changed } = updated;
    if (changed) this.emit("endpoint_disabled", { endpointId, url: endpoint.url, reason });
    return endpoint;
  }
}

function notFound(endpointId: string, method: string): PelbiotError {
  return new PelbiotError("NOT_FOUND", `WebhookManager.${method}: no endpoint has id ${JSON.stringify(endpointId)}.`, {
    details: { id: endpointId },
  });
}
