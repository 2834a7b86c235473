import { setMaxListeners } from "node:events";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import {
  type Clock,
  createIdGenerator,
  createJsonStore,
  createMemoryStorage,
  createValidator,
  describeType,
  isClock,
  type JsonStore,
  PelbiotError,
  parseRetryAfter,
  retry,
  type StorageAdapter,
  sleep,
  systemClock,
  TypedEventEmitter,
} from "@pelbiot/core";
import { isEventName, isEventPattern, matchesEventPattern } from "./event-pattern";
import { postWebhook } from "./post-webhook";
import { checkDeliveryAddress, type HostResolver, resolveDeliveryAddress } from "./ssrf-guard";
import { checkWebhookSecret, generateWebhookSecret, isValidMessageId, signWebhook } from "./webhook-signature";

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
   * Where endpoints and the delivery queue live. Give a shared durable adapter (e.g. file storage) so pending
   * deliveries survive a restart; call {@link WebhookManager.resume} at start-up to pick them up.
   * @default createMemoryStorage()
   */
  storage?: StorageAdapter | undefined;
  /**
   * The clock that drives retry waits, circuit-breaker cooldowns and `webhook-timestamp`.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /**
   * The wait before each attempt in milliseconds; its length is the number of attempts. The first entry is the wait
   * before the first attempt and must be 0. `Retry-After` from the endpoint can lengthen a wait, never shorten it.
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
   * How many attempt logs {@link WebhookManager.getDeliveryLogs} keeps in memory; the oldest are dropped first.
   * @default 10_000
   */
  maxDeliveryLogs?: number | undefined;
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
   * How long past a delivery's next attempt another manager sharing the storage must wait before taking it over,
   * in case this one died.
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
}

/** Events of {@link WebhookManager}. */
export interface WebhookManagerEvents {
  /** An attempt got a 2xx answer. */
  delivery_succeeded: [attempt: DeliveryAttemptLog];
  /** An attempt failed; `nextAttemptAt` is `null` when the delivery went to the dead-letter list. */
  delivery_failed: [attempt: DeliveryAttemptLog];
  /** An endpoint was disabled (by the caller, or because it answered 410 Gone). */
  endpoint_disabled: [change: { endpointId: string; url: string; reason: string }];
}

interface StoredSecret {
  value: string;
  expiresAt: number | null;
}

interface StoredEndpoint {
  id: string;
  url: string;
  events: string[];
  secrets: StoredSecret[];
  enabled: boolean;
  disabledReason: string | null;
  description: string | null;
  createdAt: number;
  updatedAt: number;
}

interface StoredDelivery {
  id: string;
  messageId: string;
  endpointId: string;
  event: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  leaseOwner: string | null;
  leaseUntil: number;
}

interface CircuitState {
  failures: number;
  openUntil: number;
  probing: boolean;
}

/** Told when a delivery's first attempt is over, with the delivery when it succeeded. */
type FirstAttemptListener = (succeeded: WebhookDelivery | undefined) => void;

/** Thrown inside the retry loop to end it without another attempt; never escapes the manager. */
const STOP = "delivery_stopped";

const endpointIds = createIdGenerator({ prefix: "ep" });
const deliveryIds = createIdGenerator({ prefix: "dlv" });
const messageIds = createIdGenerator({ prefix: "msg" });
const instanceIds = createIdGenerator({ prefix: "mgr" });

function toEndpointView(stored: StoredEndpoint): WebhookEndpoint {
  const { id, url, events, enabled, disabledReason, description, createdAt, updatedAt } = stored;
  return { id, url, events: [...events], enabled, disabledReason, description, createdAt, updatedAt };
}

function toDeliveryView(stored: StoredDelivery): WebhookDelivery {
  const { id, messageId, endpointId, event, status, attempts, nextAttemptAt, lastError, createdAt } = stored;
  return { id, messageId, endpointId, event, status, attempts, nextAttemptAt, lastError, createdAt };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends signed webhooks the Standard Webhooks way: endpoints subscribe to events (with wildcards), every delivery is
 * queued durably in a storage adapter, signed with `webhook-id` / `webhook-timestamp` / `webhook-signature`, POSTed
 * without following redirects to an address vetted against SSRF, and retried on Svix's schedule (honouring
 * `Retry-After`) until it succeeds or lands in the dead-letter list. A 410 disables the endpoint; a per-endpoint
 * circuit breaker keeps a dead endpoint from delaying the others; concurrency is bounded.
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
  readonly #schedule: readonly number[];
  readonly #requestTimeoutMs: number;
  readonly #maxConcurrency: number;
  readonly #circuitFailureThreshold: number;
  readonly #circuitCooldownMs: number;
  readonly #ssrf: { allowPrivateNetworks: boolean; allowedHosts: readonly string[]; resolve?: HostResolver };
  readonly #maxDeliveryLogs: number;
  readonly #maxResponseBodyLength: number;
  readonly #maxPayloadBytes: number;
  readonly #leaseMs: number;
  readonly #userAgent: string;
  readonly #endpoints: JsonStore<StoredEndpoint>;
  readonly #deliveries: JsonStore<StoredDelivery>;
  readonly #instanceId = instanceIds.next();
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  readonly #abort = new AbortController();
  readonly #running = new Map<string, Promise<void>>();
  readonly #circuits = new Map<string, CircuitState>();
  readonly #logs: DeliveryAttemptLog[] = [];
  readonly #waiting: Array<() => void> = [];
  #inFlight = 0;
  #closed = false;

  /**
   * Creates a manager; nothing is sent until an event is triggered or {@link WebhookManager.resume} is called.
   *
   * @param options - Storage, clock, retry schedule, timeouts, concurrency, circuit breaker and SSRF allowlist.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed option.
   */
  constructor(options: WebhookManagerOptions = {}) {
    super();
    const {
      storage = createMemoryStorage(),
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
      maxResponseBodyLength = 1_024,
      maxPayloadBytes = 262_144,
      leaseMs = 60_000,
      userAgent = "pelbiot-webhooks/1",
      ca,
    } = options;
    const check = createValidator("WebhookManager");
    check.object("options", options);
    check.object("options.storage", storage);
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
    this.#clock = clock;
    this.#schedule = [...retrySchedule];
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#maxConcurrency = maxConcurrency;
    this.#circuitFailureThreshold = circuitFailureThreshold;
    this.#circuitCooldownMs = circuitCooldownMs;
    this.#ssrf = {
      allowPrivateNetworks,
      allowedHosts: allowedHosts.map((host) => host.toLowerCase().replace(/^\[|\]$/g, "")),
      ...(resolve === undefined ? {} : { resolve }),
    };
    this.#maxDeliveryLogs = maxDeliveryLogs;
    this.#maxResponseBodyLength = maxResponseBodyLength;
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#leaseMs = leaseMs;
    this.#userAgent = userAgent;
    this.#endpoints = createJsonStore<StoredEndpoint>(storage, { prefix: "webhooks:endpoints:" });
    this.#deliveries = createJsonStore<StoredDelivery>(storage, { prefix: "webhooks:deliveries:" });
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
    const now = this.#clock.now();
    const stored: StoredEndpoint = {
      id: endpointIds.next(),
      url: new URL(input.url).href,
      events,
      secrets: [{ value: secret, expiresAt: null }],
      enabled: true,
      disabledReason: null,
      description: input.description ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await this.#endpoints.set(stored.id, stored);
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
    const entries = await this.#endpoints.entries();
    return entries.map(([, stored]) => toEndpointView(stored)).sort((left, right) => left.createdAt - right.createdAt);
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
    const updated = await this.#endpoints.update(endpointId, (current) =>
      current === undefined
        ? undefined
        : {
            ...current,
            ...(changes.url === undefined ? {} : { url: new URL(changes.url).href }),
            ...(events === undefined ? {} : { events }),
            ...(changes.description === undefined ? {} : { description: changes.description }),
            updatedAt: this.#clock.now(),
          },
    );
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
    this.#circuits.delete(endpointId);
    const updated = await this.#endpoints.update(endpointId, (current) =>
      current === undefined
        ? undefined
        : { ...current, enabled: true, disabledReason: null, updatedAt: this.#clock.now() },
    );
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
    this.#circuits.delete(endpointId);
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
    const now = this.#clock.now();
    const updated = await this.#endpoints.update(endpointId, (current) => {
      if (current === undefined) return undefined;
      const previous = current.secrets
        .filter((item) => item.expiresAt === null || item.expiresAt > now)
        .map((item) => ({
          value: item.value,
          expiresAt: Math.min(item.expiresAt ?? now + overlapMs, now + overlapMs),
        }));
      return { ...current, secrets: [{ value: secret, expiresAt: null }, ...previous], updatedAt: now };
    });
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
    const size = Buffer.byteLength(body);
    if (size > this.#maxPayloadBytes) {
      throw new PelbiotError(
        "LIMIT_EXCEEDED",
        `The webhook payload is ${size} bytes; at most ${this.#maxPayloadBytes} are accepted (raise maxPayloadBytes).`,
        { details: { size, maxPayloadBytes: this.#maxPayloadBytes } },
      );
    }
    const messageId = options.messageId ?? messageIds.next();
    const endpoints = (await this.#endpoints.entries())
      .map(([, endpoint]) => endpoint)
      .filter((endpoint) => endpoint.enabled && endpoint.events.some((pattern) => matchesEventPattern(pattern, event)))
      .sort((left, right) => left.createdAt - right.createdAt);
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
      leaseOwner: this.#instanceId,
      leaseUntil: now + this.#leaseMs,
    }));
    // Persist every delivery before the first byte goes out, so a crash mid-send loses nothing.
    for (const record of records) await this.#deliveries.set(record.id, record);
    const deliveries = await Promise.all(records.map(async (record) => this.#startAndView(record.id)));
    return { messageId, deliveries };
  }

  /**
   * Returns the attempt logs kept in memory (newest last), optionally filtered.
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
    return this.#logs
      .filter(
        (log) =>
          (filter.endpointId === undefined || log.endpointId === filter.endpointId) &&
          (filter.messageId === undefined || log.messageId === filter.messageId) &&
          (filter.deliveryId === undefined || log.deliveryId === filter.deliveryId) &&
          (filter.event === undefined || log.event === filter.event) &&
          (filter.success === undefined || log.success === filter.success),
      )
      .map((log) => ({ ...log }));
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
    const entries = await this.#deliveries.entries();
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
    const existing = await this.#deliveries.get(deliveryId);
    if (existing === undefined) {
      throw new PelbiotError("NOT_FOUND", `replayDelivery: no delivery has id ${JSON.stringify(deliveryId)}.`);
    }
    const now = this.#clock.now();
    let conflict = false;
    await this.#deliveries.update(deliveryId, (current) => {
      conflict = current?.status !== "dead";
      if (current === undefined || conflict) return current;
      return {
        ...current,
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        leaseOwner: this.#instanceId,
        leaseUntil: now + this.#leaseMs,
      };
    });
    if (conflict) {
      throw new PelbiotError(
        "CONFLICT",
        `replayDelivery: delivery ${deliveryId} is ${existing.status}, not in the dead-letter list; only dead deliveries can be replayed.`,
      );
    }
    return this.#startAndView(deliveryId);
  }

  /**
   * Takes over the pending deliveries found in storage (after a restart, or from a manager that died) and resumes
   * them on their schedule with their original `webhook-id`. Call it once at start-up.
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
    let resumed = 0;
    for (const [id] of await this.#deliveries.entries()) {
      if (this.#running.has(id)) continue;
      if (await this.#claim(id)) {
        resumed += 1;
        void this.#start(id);
      }
    }
    return resumed;
  }

  /**
   * Stops every delivery loop and in-flight request, hands pending deliveries back to storage for the next
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
    this.#abort.abort();
    for (const release of this.#waiting.splice(0)) release();
    await Promise.allSettled([...this.#running.values()]);
    for (const [id, record] of await this.#deliveries.entries()) {
      if (record.leaseOwner !== this.#instanceId || record.status !== "pending") continue;
      await this.#deliveries.update(id, (current) =>
        current?.leaseOwner === this.#instanceId ? { ...current, leaseOwner: null, leaseUntil: 0 } : current,
      );
    }
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
      changed = current?.enabled === true;
      return current === undefined
        ? undefined
        : { ...current, enabled: false, disabledReason: reason, updatedAt: this.#clock.now() };
    });
    if (updated === undefined) throw this.#notFound(endpointId, "disableWebhook");
    if (changed) this.emit("endpoint_disabled", { endpointId, url: updated.url, reason });
    return updated;
  }

  /** Starts a delivery and returns it as it stands after its first attempt. */
  async #startAndView(deliveryId: string): Promise<WebhookDelivery> {
    const succeeded = await this.#start(deliveryId);
    if (succeeded !== undefined) return succeeded;
    const stored = await this.#deliveries.get(deliveryId);
    if (stored === undefined) throw new PelbiotError("NOT_FOUND", `No delivery has id ${deliveryId}.`);
    return toDeliveryView(stored);
  }

  /** Takes the lease of a pending delivery that nobody holds (or whose holder let it expire), atomically. */
  async #claim(deliveryId: string): Promise<boolean> {
    const adapter = this.#deliveries.adapter;
    const key = `${this.#deliveries.prefix}${deliveryId}`;
    const entry = await adapter.getEntry(key);
    if (entry === null) return false;
    const record = JSON.parse(entry.value) as StoredDelivery;
    const now = this.#clock.now();
    const free = record.leaseOwner === null || record.leaseOwner === this.#instanceId || record.leaseUntil <= now;
    if (record.status !== "pending" || !free) return false;
    const claimed: StoredDelivery = {
      ...record,
      leaseOwner: this.#instanceId,
      leaseUntil: Math.max(now, record.nextAttemptAt ?? now) + this.#leaseMs,
    };
    return adapter.compareAndSet(key, entry.version, JSON.stringify(claimed));
  }

  /**
   * Starts the delivery loop and resolves once its first attempt has been made (or deferred by an open circuit),
   * with the delivery when that attempt succeeded (it has then left the queue).
   */
  #start(deliveryId: string): Promise<WebhookDelivery | undefined> {
    return new Promise((resolve) => {
      const loop = this.#run(deliveryId, resolve).finally(() => {
        this.#running.delete(deliveryId);
        resolve(undefined);
      });
      this.#running.set(deliveryId, loop);
    });
  }

  async #run(deliveryId: string, firstAttemptDone: FirstAttemptListener): Promise<void> {
    const signal = this.#abort.signal;
    try {
      const record = await this.#deliveries.get(deliveryId);
      if (record === undefined || record.status !== "pending") return;
      const wait = (record.nextAttemptAt ?? this.#clock.now()) - this.#clock.now();
      if (wait > 0) {
        firstAttemptDone(undefined);
        await sleep(wait, { clock: this.#clock, signal });
      }
      const remaining = this.#schedule.length - record.attempts;
      if (remaining <= 0) {
        await this.#bury(deliveryId, record.lastError ?? "no attempts left");
        return;
      }
      await retry(
        async () => {
          try {
            await this.#attempt(deliveryId, firstAttemptDone);
          } finally {
            firstAttemptDone(undefined);
          }
        },
        {
          maxAttempts: remaining,
          clock: this.#clock,
          signal,
          // Each failed attempt computed and persisted its own wait (schedule or Retry-After); retry only sleeps it.
          shouldRetry: (error) => {
            const delayMs = PelbiotError.is(error) ? error.details?.delayMs : undefined;
            return typeof delayMs === "number" ? { retry: true, delayMs } : { retry: false };
          },
        },
      );
    } catch (error) {
      if (signal.aborted || (PelbiotError.is(error) && error.details?.reason === STOP)) return;
      // The last attempt already moved the delivery to the dead-letter list; anything else is unexpected.
      if (!(PelbiotError.is(error, "RETRY_EXHAUSTED") || PelbiotError.is(error, "PROVIDER_ERROR"))) {
        await this.#bury(deliveryId, describeError(error)).catch(() => undefined);
      }
    }
  }

  async #bury(deliveryId: string, reason: string): Promise<void> {
    await this.#deliveries.update(deliveryId, (current) =>
      current === undefined || current.status !== "pending"
        ? current
        : { ...current, status: "dead", nextAttemptAt: null, lastError: reason, leaseOwner: null, leaseUntil: 0 },
    );
  }

  #stop(): PelbiotError {
    return new PelbiotError("INTERNAL_ERROR", "delivery stopped", { details: { reason: STOP } });
  }

  /** Waits while the endpoint's circuit is open; returns whether it had to wait. */
  async #waitForCircuit(endpointId: string, firstAttemptDone: FirstAttemptListener): Promise<boolean> {
    let waited = false;
    for (;;) {
      const circuit = this.#circuits.get(endpointId);
      if (circuit === undefined || circuit.failures < this.#circuitFailureThreshold) return waited;
      const now = this.#clock.now();
      if (now >= circuit.openUntil && !circuit.probing) {
        circuit.probing = true;
        return waited;
      }
      waited = true;
      firstAttemptDone(undefined);
      const wait = circuit.openUntil > now ? circuit.openUntil - now : this.#circuitCooldownMs;
      await sleep(Math.max(wait, 1), { clock: this.#clock, signal: this.#abort.signal });
    }
  }

  #recordCircuit(endpointId: string, success: boolean): void {
    if (success) {
      this.#circuits.delete(endpointId);
      return;
    }
    const circuit = this.#circuits.get(endpointId) ?? { failures: 0, openUntil: 0, probing: false };
    circuit.failures += 1;
    circuit.probing = false;
    if (circuit.failures >= this.#circuitFailureThreshold)
      circuit.openUntil = this.#clock.now() + this.#circuitCooldownMs;
    this.#circuits.set(endpointId, circuit);
  }

  async #acquireSlot(): Promise<void> {
    if (this.#inFlight < this.#maxConcurrency) {
      this.#inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
    // The releasing request handed its slot straight to us, so the count is unchanged.
  }

  #releaseSlot(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#inFlight -= 1;
    else next();
  }

  async #attempt(deliveryId: string, firstAttemptDone: FirstAttemptListener): Promise<void> {
    const record = await this.#deliveries.get(deliveryId);
    if (record === undefined || record.status !== "pending" || record.leaseOwner !== this.#instanceId) {
      throw this.#stop();
    }
    const endpoint = await this.#endpoints.get(record.endpointId);
    if (endpoint === undefined || !endpoint.enabled) {
      await this.#bury(deliveryId, endpoint === undefined ? "endpoint deleted" : "endpoint disabled");
      throw this.#stop();
    }
    if (await this.#waitForCircuit(endpoint.id, firstAttemptDone)) {
      // Waiting may have outlasted the lease; never send a delivery another manager has taken over.
      const latest = await this.#deliveries.get(deliveryId);
      if (latest?.status !== "pending" || latest.leaseOwner !== this.#instanceId) {
        const circuit = this.#circuits.get(endpoint.id);
        if (circuit !== undefined) circuit.probing = false;
        throw this.#stop();
      }
    }
    await this.#acquireSlot();
    if (this.#abort.signal.aborted) {
      this.#releaseSlot();
      throw this.#stop();
    }
    const attempt = record.attempts + 1;
    const startedAt = this.#clock.now();
    let statusCode: number | null = null;
    let responseBody: string | null = null;
    let latencyMs = 0;
    let failure: PelbiotError | undefined;
    let retryAfterMs: number | undefined;
    try {
      const url = new URL(endpoint.url);
      const address = await resolveDeliveryAddress(url, this.#ssrf);
      const secrets = endpoint.secrets
        .filter((secret) => secret.expiresAt === null || secret.expiresAt > startedAt)
        .map((secret) => secret.value);
      const body = Buffer.from(record.body, "utf8");
      const signed = signWebhook({
        id: record.messageId,
        timestamp: Math.floor(startedAt / 1000),
        body,
        secrets,
      });
      const response = await postWebhook({
        url,
        address,
        body,
        headers: { ...signed, "content-type": "application/json", "user-agent": this.#userAgent },
        timeoutMs: this.#requestTimeoutMs,
        maxResponseBodyLength: this.#maxResponseBodyLength,
        agents: this.#agents,
        signal: this.#abort.signal,
      });
      statusCode = response.statusCode;
      responseBody = response.body;
      latencyMs = response.latencyMs;
      if (statusCode < 200 || statusCode >= 300) {
        const retryAfter = response.headers["retry-after"];
        retryAfterMs = parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined, this.#clock.now());
        failure = new PelbiotError("PROVIDER_ERROR", `The endpoint answered HTTP ${statusCode}.`, {
          details: { statusCode },
        });
      }
    } catch (error) {
      failure = PelbiotError.is(error) ? error : new PelbiotError("PROVIDER_ERROR", describeError(error));
    } finally {
      this.#releaseSlot();
    }
    if (failure?.code === "ABORTED" || this.#abort.signal.aborted) throw this.#stop();

    const success = failure === undefined;
    this.#recordCircuit(endpoint.id, success);
    const gone = statusCode === 410;
    const blocked = failure?.details?.reason === "ssrf_blocked";
    const isLast = success || gone || blocked || attempt >= this.#schedule.length;
    const delayMs = isLast ? undefined : Math.max(this.#schedule[attempt] ?? 0, retryAfterMs ?? 0);
    const finishedAt = this.#clock.now();
    const nextAttemptAt = delayMs === undefined ? null : finishedAt + delayMs;
    const errorText = failure === undefined ? null : failure.message;

    if (success) {
      // A delivered message has nothing left to do: dropping it keeps the queue (and its scans) small.
      await this.#deliveries.delete(deliveryId);
    } else {
      await this.#deliveries.update(deliveryId, (current) =>
        current === undefined
          ? undefined
          : {
              ...current,
              status: isLast ? "dead" : "pending",
              attempts: attempt,
              nextAttemptAt,
              lastError: errorText,
              leaseOwner: isLast ? null : this.#instanceId,
              leaseUntil: isLast ? 0 : (nextAttemptAt ?? finishedAt) + this.#leaseMs,
            },
      );
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
      latencyMs,
      error: errorText,
      responseBody,
      nextAttemptAt,
    };
    this.#logs.push(log);
    if (this.#logs.length > this.#maxDeliveryLogs) this.#logs.splice(0, this.#logs.length - this.#maxDeliveryLogs);
    if (gone) await this.#disable(endpoint.id, "410 Gone");
    if (success) {
      firstAttemptDone({
        ...toDeliveryView(record),
        status: "succeeded",
        attempts: attempt,
        nextAttemptAt: null,
        lastError: null,
      });
      this.emit("delivery_succeeded", log);
      return;
    }
    firstAttemptDone(undefined);
    this.emit("delivery_failed", log);
    if (isLast) throw this.#stop();
    throw new PelbiotError("PROVIDER_ERROR", errorText ?? "delivery failed", { details: { delayMs } });
  }
}
