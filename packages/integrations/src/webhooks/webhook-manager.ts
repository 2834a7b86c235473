import { setMaxListeners } from "node:events";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import {
  type Clock,
  createIdGenerator,
  createMemoryStorage,
  createValidator,
  describeType,
  isClock,
  PelbiotError,
  type StorageAdapter,
  systemClock,
  TypedEventEmitter,
} from "@pelbiot/core";
import { createEnvKeyProvider } from "../credentials/env-key-provider";
import type { KeyProvider } from "../internal/key-provider-types";
import { CircuitBreaker } from "./circuit-breaker";
import { ConcurrencyLimiter } from "./concurrency-limiter";
import { DeliveryActivity } from "./delivery-activity";
import { DeliveryLogStore } from "./delivery-log-store";
import { DeliveryQueue, type StoredDelivery, toDeliveryView } from "./delivery-queue";
import { DeliveryWorker } from "./delivery-worker";
import { EndpointRegistry, type StoredEndpoint, toEndpointView } from "./endpoint-registry";
import { isEventName, isEventPattern, matchesEventPattern } from "./event-pattern";
import { claimAvailableDeliveries, LeaseReclaimer } from "./lease-reclaimer";
import { checkDeliveryAddress, type HostResolver } from "./ssrf-guard";
import { checkWebhookSecret, generateWebhookSecret, isValidMessageId } from "./webhook-signature";
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
} from "./webhook-types";

export type {
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
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookManagerEvents,
} from "./webhook-types";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Svix's retry schedule, the one Standard Webhooks cites: the wait before each attempt, in milliseconds
 * (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), so eight attempts over about 27.6 hours.
 */
export const SVIX_RETRY_SCHEDULE: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

/** Options of {@link WebhookManager}. */
export interface WebhookManagerOptions {
  /**
   * Where endpoints, the delivery queue and the attempt logs live. Give a shared durable adapter (e.g. file storage)
   * so pending deliveries and logs survive a restart; call {@link WebhookManager.resume} at start-up to pick them up.
   * When you give a storage, endpoint secrets are encrypted before they reach it, so a key provider is needed (see
   * `keyProvider`).
   * @default a private createMemoryStorage()
   */
  storage?: StorageAdapter | undefined;
  /**
   * Encrypts endpoint signing secrets at rest with the same envelope scheme as `APICredentialsManager` (a fresh
   * AES-256-GCM data key per secret, wrapped by this provider, bound to the endpoint and secret ids). Tampered or
   * moved secrets fail with `INTEGRITY_ERROR` and the delivery goes to the dead-letter list.
   *
   * Without a key provider, secrets are kept in plain text only when `storage` is absent: the manager's private
   * in-memory storage never leaves the process. When `storage` is given, the default is
   * `createEnvKeyProvider()` (the `PELBIOT_CREDENTIAL_KEYS` keyring), and the constructor throws
   * `CONFIGURATION_ERROR` when that variable is not set, rather than write secrets in plain text.
   * @default none with the private memory storage; createEnvKeyProvider() with a given storage
   */
  keyProvider?: KeyProvider | undefined;
  /**
   * The clock that drives retry waits, circuit-breaker cooldowns and `webhook-timestamp`.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /**
   * The wait before each attempt in milliseconds; its length is the number of attempts. The first entry is the wait
   * before the first attempt and must be 0. `Retry-After` from the endpoint can lengthen a wait, never shorten it,
   * and is capped at the schedule's longest step (10 hours by default), so no endpoint can park a delivery for longer.
   * @default SVIX_RETRY_SCHEDULE
   */
  retrySchedule?: readonly number[] | undefined;
  /**
   * Deadline of one HTTP attempt (connect, request, response head and body) in milliseconds.
   * @default 15_000
   */
  requestTimeoutMs?: number | undefined;
  /**
   * The most HTTP requests in flight at once, across all endpoints.
   * @default 10
   */
  maxConcurrency?: number | undefined;
  /**
   * Consecutive failed attempts after which an endpoint's circuit opens: its deliveries then wait for
   * `circuitCooldownMs` instead of hammering it, while other endpoints are unaffected.
   * @default 5
   */
  circuitFailureThreshold?: number | undefined;
  /**
   * How long an open circuit waits before one probe attempt, in milliseconds.
   * @default 60_000
   */
  circuitCooldownMs?: number | undefined;
  /**
   * Disables the SSRF guard, letting endpoints reach loopback, private and metadata addresses. Local development
   * only.
   * @default false
   */
  allowPrivateNetworks?: boolean | undefined;
  /**
   * Hostnames or IP literals exempt from the SSRF guard, e.g. `["127.0.0.1"]` for a local test server.
   * @default []
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * Resolves hostnames to every address; replace it to test the SSRF guard without DNS.
   * @default dns.promises.lookup with `all: true`
   */
  resolve?: HostResolver | undefined;
  /**
   * How many attempt logs {@link WebhookManager.getDeliveryLogs} keeps, in memory and (with `persistDeliveryLogs`)
   * in storage; the oldest are dropped first.
   * @default 10_000
   */
  maxDeliveryLogs?: number | undefined;
  /**
   * How long attempt logs are kept, in milliseconds after the attempt; older ones are dropped from memory and
   * storage.
   * @default 2_592_000_000 (30 days)
   */
  deliveryLogRetentionMs?: number | undefined;
  /**
   * Whether each attempt log is also written to `storage` (keys `webhooks:logs:…`), so that after a restart
   * {@link WebhookManager.resume} loads them back and `getDeliveryLogs` still shows them.
   * @default true when `storage` is given, false with the private memory storage
   */
  persistDeliveryLogs?: boolean | undefined;
  /**
   * How many characters of each response body the logs keep.
   * @default 1_024
   */
  maxResponseBodyLength?: number | undefined;
  /**
   * The largest serialised payload, in bytes, that {@link WebhookManager.triggerWebhook} accepts.
   * @default 262_144
   */
  maxPayloadBytes?: number | undefined;
  /**
   * How long past a delivery's next attempt (or, while an attempt is in flight, past its `requestTimeoutMs`
   * deadline) another manager sharing the storage must wait before taking it over, in case this one died.
   *
   * A manager given a `storage` keeps taking over expired leases by itself, without another `resume()`: a timer on
   * `clock` (never keeping the process alive) scans when the earliest lease held elsewhere runs out, and at least
   * every `leaseMs` (within 1 s … 1 h). So after a crash, every delivery of the dead manager is attempted again by a
   * running one as soon as its lease has run out: `leaseMs` after it was due, or after the deadline of the attempt
   * that was in flight. That attempt may have reached the endpoint, which then sees the same `webhook-id` twice;
   * receivers dedupe by it, as Standard Webhooks asks.
   * @default 60_000
   */
  leaseMs?: number | undefined;
  /**
   * The `user-agent` header of deliveries.
   * @default "pelbiot-webhooks/1"
   */
  userAgent?: string | undefined;
  /**
   * Extra PEM certificate authorities to trust for `https:` endpoints behind a private CA, on top of Node's bundled
   * roots. Certificates are always verified against the endpoint's hostname, also when the address is pinned.
   * @default none
   */
  ca?: string | readonly string[] | undefined;
}

const deliveryIds = createIdGenerator({ prefix: "dlv" });
const messageIds = createIdGenerator({ prefix: "msg" });
const instanceIds = createIdGenerator({ prefix: "mgr" });

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends signed webhooks the Standard Webhooks way: endpoints subscribe to events (with wildcards), every delivery is
 * queued durably in a storage adapter, signed with `webhook-id` / `webhook-timestamp` / `webhook-signature`, POSTed
 * without following redirects to an address vetted against SSRF, and retried on Svix's schedule (honouring
 * `Retry-After`) until it succeeds or lands in the dead-letter list. A 410 disables the endpoint; a per-endpoint
 * circuit breaker keeps a dead endpoint from delaying the others; concurrency is bounded. Signing secrets are
 * envelope-encrypted in any storage the caller provides (see `keyProvider`), and attempt logs persist there too.
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
  readonly #clock: Clock;
  readonly #ssrf: { allowPrivateNetworks: boolean; allowedHosts: readonly string[]; resolve?: HostResolver };
  readonly #maxPayloadBytes: number;
  readonly #endpoints: EndpointRegistry;
  readonly #queue: DeliveryQueue;
  readonly #logs: DeliveryLogStore;
  readonly #circuits: CircuitBreaker;
  readonly #limiter: ConcurrencyLimiter;
  readonly #worker: DeliveryWorker;
  readonly #activity = new DeliveryActivity();
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  readonly #abort = new AbortController();
  // Only a caller's storage can be shared with other managers, so only then is there anything to take over.
  readonly #reclaimer: LeaseReclaimer | undefined;
  #closed = false;

  /**
   * Creates a manager; nothing is sent until an event is triggered or {@link WebhookManager.resume} is called.
   *
   * @param options - Storage, key provider, clock, retry schedule, timeouts, concurrency, circuit breaker, logs and
   * SSRF allowlist.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed option.
   * @throws {PelbiotError} CONFIGURATION_ERROR when `storage` is given without `keyProvider` and the
   * `PELBIOT_CREDENTIAL_KEYS` keyring is not configured.
   */
  constructor(options: WebhookManagerOptions = {}) {
    super();
    const {
      storage,
      keyProvider,
      clock = systemClock,
      retrySchedule = SVIX_RETRY_SCHEDULE,
      requestTimeoutMs = 15_000,
      maxConcurrency = 10,
      circuitFailureThreshold = 5,
      circuitCooldownMs = 60_000,
      allowPrivateNetworks = false,
      allowedHosts = [],
      resolve,
      maxDeliveryLogs = 10_000,
      deliveryLogRetentionMs = 30 * 24 * HOUR,
      persistDeliveryLogs = storage !== undefined,
      maxResponseBodyLength = 1_024,
      maxPayloadBytes = 262_144,
      leaseMs = 60_000,
      userAgent = "pelbiot-webhooks/1",
      ca,
    } = options;
    const check = createValidator("WebhookManager");
    check.object("options", options);
    if (storage !== undefined) check.object("options.storage", storage);
    if (keyProvider !== undefined && check.object("options.keyProvider", keyProvider)) {
      for (const method of ["getCurrentKeyVersion", "wrapKey", "unwrapKey"] as const) {
        check.fn(`options.keyProvider.${method}`, keyProvider[method]);
      }
    }
    check.check(isClock(clock), "options.clock", "must be a Clock (now, setTimeout, clearTimeout)");
    if (check.array("options.retrySchedule", retrySchedule, { minLength: 1, maxLength: 100 })) {
      retrySchedule.forEach((delay, index) => {
        check.number(`options.retrySchedule[${index}]`, delay, { min: 0 });
      });
      check.check(retrySchedule[0] === 0, "options.retrySchedule[0]", "must be 0: the first attempt is immediate");
    }
    check.number("options.requestTimeoutMs", requestTimeoutMs, { positive: true, max: 600_000 });
    check.number("options.maxConcurrency", maxConcurrency, { integer: true, min: 1 });
    check.number("options.circuitFailureThreshold", circuitFailureThreshold, { integer: true, min: 1 });
    check.number("options.circuitCooldownMs", circuitCooldownMs, { min: 0 });
    check.boolean("options.allowPrivateNetworks", allowPrivateNetworks);
    if (check.array("options.allowedHosts", allowedHosts)) {
      allowedHosts.forEach((host, index) => {
        check.string(`options.allowedHosts[${index}]`, host);
      });
    }
    if (resolve !== undefined) check.fn("options.resolve", resolve);
    check.number("options.maxDeliveryLogs", maxDeliveryLogs, { integer: true, min: 0 });
    check.number("options.deliveryLogRetentionMs", deliveryLogRetentionMs, { positive: true });
    check.boolean("options.persistDeliveryLogs", persistDeliveryLogs);
    check.number("options.maxResponseBodyLength", maxResponseBodyLength, { integer: true, min: 0 });
    check.number("options.maxPayloadBytes", maxPayloadBytes, { integer: true, positive: true });
    check.number("options.leaseMs", leaseMs, { min: 0 });
    check.string("options.userAgent", userAgent);
    const authorities: readonly unknown[] = ca === undefined ? [] : typeof ca === "string" ? [ca] : ca;
    if (
      ca !== undefined &&
      check.check(
        typeof ca === "string" || Array.isArray(ca),
        "options.ca",
        "must be PEM text or an array of PEM texts",
      )
    ) {
      authorities.forEach((authority, index) => {
        check.check(
          typeof authority === "string" && authority.includes("-----BEGIN CERTIFICATE-----"),
          typeof ca === "string" ? "options.ca" : `options.ca[${index}]`,
          "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
        );
      });
    }
    check.done();

    // Every delivery loop and request listens on the one close signal; thousands at once are expected, not a leak.
    setMaxListeners(0, this.#abort.signal);
    this.#agents = {
      http: new HttpAgent({ keepAlive: true }),
      https: new HttpsAgent({
        keepAlive: true,
        ...(authorities.length === 0 ? {} : { ca: [...rootCertificates, ...(authorities as string[])] }),
      }),
    };
    const adapter = storage ?? createMemoryStorage();
    this.#clock = clock;
    this.#ssrf = {
      allowPrivateNetworks,
      allowedHosts: allowedHosts.map((host) => host.toLowerCase().replace(/^\[|\]$/g, "")),
      ...(resolve === undefined ? {} : { resolve }),
    };
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#endpoints = new EndpointRegistry({
      storage: adapter,
      keyProvider: keyProvider ?? (storage === undefined ? undefined : defaultKeyProvider()),
    });
    this.#queue = new DeliveryQueue(adapter, instanceIds.next(), leaseMs);
    this.#logs = new DeliveryLogStore({
      storage: persistDeliveryLogs ? adapter : undefined,
      maxLogs: maxDeliveryLogs,
      retentionMs: deliveryLogRetentionMs,
    });
    this.#circuits = new CircuitBreaker({
      clock,
      failureThreshold: circuitFailureThreshold,
      cooldownMs: circuitCooldownMs,
      signal: this.#abort.signal,
    });
    this.#limiter = new ConcurrencyLimiter(maxConcurrency);
    this.#worker = new DeliveryWorker({
      clock,
      schedule: [...retrySchedule],
      queue: this.#queue,
      endpoints: this.#endpoints,
      circuits: this.#circuits,
      limiter: this.#limiter,
      logs: this.#logs,
      activity: this.#activity,
      ssrf: this.#ssrf,
      agents: this.#agents,
      signal: this.#abort.signal,
      requestTimeoutMs,
      maxResponseBodyLength,
      userAgent,
      onAttempt: (log) => this.emit(log.success ? "delivery_succeeded" : "delivery_failed", log),
      onGone: async (endpointId) => {
        await this.#disable(endpointId, "410 Gone");
      },
    });
    if (storage !== undefined) {
      this.#reclaimer = new LeaseReclaimer({
        clock,
        leaseMs,
        scan: () => claimAvailableDeliveries(this.#queue, this.#worker, this.#clock.now()),
      });
      this.#reclaimer.start();
    }
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
    const check = createValidator("WebhookManager.registerWebhook");
    let events: string[] = [];
    if (check.object("input", input)) {
      events = this.#checkEvents(check, input, true) ?? [];
      this.#checkUrl(check, "input.url", input.url);
      if (input.secret !== undefined) checkWebhookSecret(check, "input.secret", input.secret);
      if (input.description !== undefined) check.string("input.description", input.description, { maxLength: 500 });
    }
    check.done();
    const secret = input.secret ?? generateWebhookSecret();
    const stored = await this.#endpoints.create({
      url: new URL(input.url).href,
      events,
      secret,
      description: input.description ?? null,
      now: this.#clock.now(),
    });
    return { ...toEndpointView(stored), secret };
  }

  /**
   * Lists every endpoint, oldest first.
   *
   * @returns The endpoints, without secrets.
   * @example
   * ```ts
   * for (const endpoint of await webhooks.listWebhooks()) console.log(endpoint.url, endpoint.enabled);
   * ```
   */
  async listWebhooks(): Promise<WebhookEndpoint[]> {
    return (await this.#endpoints.list()).map(toEndpointView);
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
    let events: string[] | undefined;
    if (check.object("changes", changes)) {
      events = this.#checkEvents(check, changes, false);
      if (changes.url !== undefined) this.#checkUrl(check, "changes.url", changes.url);
      if (changes.description !== undefined && changes.description !== null) {
        check.string("changes.description", changes.description, { maxLength: 500 });
      }
    }
    check.done();
    await this.#requireEndpoint(endpointId, "updateWebhook");
    const updated = await this.#endpoints.update(endpointId, (current) => ({
      ...current,
      ...(changes.url === undefined ? {} : { url: new URL(changes.url).href }),
      ...(events === undefined ? {} : { events }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      updatedAt: this.#clock.now(),
    }));
    if (updated === undefined) throw this.#notFound(endpointId, "updateWebhook");
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
    check.done();
    await this.#requireEndpoint(endpointId, "disableWebhook");
    return toEndpointView(await this.#disable(endpointId, reason));
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
    this.#circuits.reset(endpointId);
    const updated = await this.#endpoints.update(endpointId, (current) => ({
      ...current,
      enabled: true,
      disabledReason: null,
      updatedAt: this.#clock.now(),
    }));
    if (updated === undefined) throw this.#notFound(endpointId, "enableWebhook");
    return toEndpointView(updated);
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
    await this.#endpoints.delete(endpointId);
    this.#circuits.reset(endpointId);
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
  async rotateSecret(endpointId: string, options: RotateSecretOptions = {}): Promise<{ secret: string }> {
    const { overlapMs = 24 * HOUR } = options;
    const check = createValidator("WebhookManager.rotateSecret");
    if (check.object("options", options) && options.secret !== undefined) {
      checkWebhookSecret(check, "options.secret", options.secret);
    }
    check.number("options.overlapMs", overlapMs, { min: 0 });
    check.done();
    await this.#requireEndpoint(endpointId, "rotateSecret");
    const secret = options.secret ?? generateWebhookSecret();
    const updated = await this.#endpoints.rotateSecret(endpointId, secret, overlapMs, this.#clock.now());
    if (updated === undefined) throw this.#notFound(endpointId, "rotateSecret");
    return { secret };
  }

  /**
   * Queues an event for every enabled endpoint subscribed to it, durably, and makes the first attempt of each.
   * Failed deliveries are retried in the background on the retry schedule.
   *
   * @param event - The event name, e.g. `payment.confirmed`.
   * @param payload - Any JSON-serialisable data; sent as `{ type, timestamp, data }`.
   * @param options - An explicit `messageId` (letters, digits, `_`, `-`), e.g. to make a re-trigger idempotent.
   * @returns The message id and each delivery after its first attempt.
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
    check.check(isEventName(event), "event", "must be dot-separated segments of letters, digits, '_' or '-'");
    if (check.object("options", options) && options.messageId !== undefined) {
      check.check(isValidMessageId(options.messageId), "options.messageId", "must be 1 to 256 letters, digits, _ or -");
    }
    const now = this.#clock.now();
    let body = "";
    try {
      body = JSON.stringify({ type: event, timestamp: new Date(now).toISOString(), data: payload ?? null });
    } catch (error) {
      check.fail("payload", `must be JSON-serialisable: ${describeError(error)}`);
    }
    if (payload === undefined || typeof payload === "function" || typeof payload === "symbol") {
      check.fail("payload", `must be JSON-serialisable, got ${describeType(payload)}`);
    }
    check.done();
    // Until its deliveries' loops have started, a trigger is work that flush() must wait for.
    const done = this.#activity.begin();
    try {
      return await this.#queueAndStart(event, body, now, options.messageId);
    } finally {
      done();
    }
  }

  async #queueAndStart(
    event: string,
    body: string,
    now: number,
    explicitMessageId: string | undefined,
  ): Promise<TriggerWebhookResult> {
    const size = Buffer.byteLength(body);
    if (size > this.#maxPayloadBytes) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `The webhook payload is ${size} bytes; at most ${this.#maxPayloadBytes} are accepted (raise maxPayloadBytes).`,
        { details: { size, maxPayloadBytes: this.#maxPayloadBytes } },
      );
    }
    const messageId = explicitMessageId ?? messageIds.next();
    const endpoints = (await this.#endpoints.list()).filter(
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
      leaseOwner: this.#queue.owner,
      leaseUntil: this.#queue.leaseFrom(now),
    }));
    // Persist every delivery before the first byte goes out, so a crash mid-send loses nothing.
    for (const record of records) await this.#queue.add(record);
    const deliveries = await Promise.all(records.map(async (record) => this.#worker.startAndView(record)));
    return { messageId, deliveries };
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
    if (check.object("filter", filter)) {
      for (const key of ["endpointId", "messageId", "deliveryId", "event"] as const) {
        if (filter[key] !== undefined) check.string(`filter.${key}`, filter[key]);
      }
      if (filter.success !== undefined) check.boolean("filter.success", filter.success);
    }
    check.done();
    return this.#logs.query(filter, this.#clock.now());
  }

  /**
   * Lists the deliveries in the queue, oldest first: pending ones and dead letters (succeeded deliveries leave the
   * queue; their attempts stay in {@link WebhookManager.getDeliveryLogs}).
   *
   * @param filter - Optionally only one status (`pending` or `dead`).
   * @returns The deliveries.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the status is unknown.
   * @example
   * ```ts
   * const pending = await webhooks.listDeliveries({ status: "pending" });
   * ```
   */
  async listDeliveries(filter: { status?: "pending" | "dead" | undefined } = {}): Promise<WebhookDelivery[]> {
    const check = createValidator("WebhookManager.listDeliveries");
    if (check.object("filter", filter) && filter.status !== undefined) {
      check.oneOf("filter.status", filter.status, ["pending", "dead"]);
    }
    check.done();
    const entries = await this.#queue.entries();
    return entries
      .map(([, stored]) => toDeliveryView(stored))
      .filter((delivery) => filter.status === undefined || delivery.status === filter.status)
      .sort((left, right) => left.createdAt - right.createdAt || left.id.localeCompare(right.id));
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
    const existing = await this.#queue.get(deliveryId);
    if (existing === undefined) {
      throw new PelbiotError("NOT_FOUND", `replayDelivery: no delivery has id ${JSON.stringify(deliveryId)}.`);
    }
    const now = this.#clock.now();
    let conflict = false;
    const replayed = await this.#queue.update(deliveryId, (current) => {
      conflict = current.status !== "dead";
      if (conflict) return current;
      return {
        ...current,
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        leaseOwner: this.#queue.owner,
        leaseUntil: this.#queue.leaseFrom(now),
      };
    });
    if (conflict) {
      throw new PelbiotError(
        "CONFLICT",
        `replayDelivery: delivery ${deliveryId} is ${existing.status}, not in the dead-letter list; only dead deliveries can be replayed.`,
      );
    }
    return this.#worker.startAndView(replayed ?? existing);
  }

  /**
   * Takes over the pending deliveries found in storage (after a restart, or from a manager that died) and resumes
   * them on their schedule with their original `webhook-id`, after loading the persisted attempt logs into
   * {@link WebhookManager.getDeliveryLogs} (deleting those past retention or beyond `maxDeliveryLogs`). Call it once
   * at start-up; afterwards the manager keeps taking over deliveries whose lease runs out by itself (see `leaseMs`).
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
    const done = this.#activity.begin();
    try {
      await this.#logs.load(this.#clock.now());
      const { claimed } = await claimAvailableDeliveries(this.#queue, this.#worker, this.#clock.now());
      return claimed;
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
   * @returns How many deliveries remain scheduled for a later attempt.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `timeoutMs` is not a non-negative number.
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
    const { timeoutMs = 30_000 } = options;
    const check = createValidator("WebhookManager.flush");
    check.object("options", options);
    check.number("options.timeoutMs", timeoutMs, { min: 0 });
    check.done();
    await this.#activity.whenIdle(this.#clock, timeoutMs, "WebhookManager.flush");
    return { scheduled: this.#worker.runningCount };
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
    await this.#reclaimer?.stop();
    this.#abort.abort();
    this.#limiter.releaseAll();
    await this.#worker.settle();
    await this.#queue.releaseLeases();
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  #assertOpen(method: string): void {
    if (this.#closed) {
      throw new PelbiotError("CONFLICT", `WebhookManager.${method}: the manager is closed; create a new one.`);
    }
  }

  #checkEvents(
    check: ReturnType<typeof createValidator>,
    input: { event?: unknown; events?: unknown },
    required: boolean,
  ): string[] | undefined {
    const { event, events } = input;
    if (event !== undefined && events !== undefined) {
      check.fail("input.events", "give either event or events, not both");
      return undefined;
    }
    const describe = "must be an event name or pattern: dot-separated segments of letters, digits, '_', '-' or '*'";
    if (event !== undefined)
      return check.check(isEventPattern(event), "input.event", describe) ? [event as string] : [];
    if (events !== undefined) {
      if (!check.array("input.events", events, { minLength: 1, maxLength: 100 })) return undefined;
      events.forEach((item, index) => {
        check.check(isEventPattern(item), `input.events[${index}]`, describe);
      });
      return [...new Set(events as string[])];
    }
    if (required) check.fail("input.event", "is required (or give events)");
    return undefined;
  }

  #checkUrl(check: ReturnType<typeof createValidator>, path: string, value: unknown): void {
    if (!check.string(path, value, { maxLength: 2048 })) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      check.fail(path, "must be an absolute http or https URL");
      return;
    }
    if (!check.check(url.protocol === "https:" || url.protocol === "http:", path, "must use http or https")) return;
    if (!check.check(url.username === "" && url.password === "", path, "must not contain credentials")) return;
    try {
      checkDeliveryAddress(url, this.#ssrf);
    } catch (error) {
      check.fail(path, describeError(error));
    }
  }

  #notFound(endpointId: string, method: string): PelbiotError {
    return new PelbiotError(
      "NOT_FOUND",
      `WebhookManager.${method}: no endpoint has id ${JSON.stringify(endpointId)}.`,
      {
        details: { endpointId },
      },
    );
  }

  async #requireEndpoint(endpointId: string, method: string): Promise<StoredEndpoint> {
    const check = createValidator(`WebhookManager.${method}`);
    check.string("endpointId", endpointId, { maxLength: 200 });
    check.done();
    const stored = await this.#endpoints.get(endpointId);
    if (stored === undefined) throw this.#notFound(endpointId, method);
    return stored;
  }

  async #disable(endpointId: string, reason: string): Promise<StoredEndpoint> {
    let changed = false;
    const updated = await this.#endpoints.update(endpointId, (current) => {
      changed = current.enabled;
      return { ...current, enabled: false, disabledReason: reason, updatedAt: this.#clock.now() };
    });
    if (updated === undefined) throw this.#notFound(endpointId, "disableWebhook");
    if (changed) this.emit("endpoint_disabled", { endpointId, url: updated.url, reason });
    return updated;
  }
}

// With a caller's storage, secrets must be sealed: fall back to the environment keyring, and say what to do when it
// is missing instead of writing plain text.
function defaultKeyProvider(): KeyProvider {
  try {
    return createEnvKeyProvider();
  } catch (error) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "WebhookManager: options.storage was given, so endpoint secrets are encrypted at rest and need a key " +
        "provider. Pass options.keyProvider (createLocalKeyProvider, or a Vault/KMS adapter) or configure the " +
        `environment keyring. ${describeError(error)}`,
      { cause: error },
    );
  }
}
