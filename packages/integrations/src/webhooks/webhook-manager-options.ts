import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  PelbiotError,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import { createEnvKeyProvider } from "../credentials/env-key-provider";
import { describeError } from "../internal/describe-error";
import type { KeyProvider } from "../internal/key-provider-types";
import type { HostResolver } from "./ssrf-guard";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Svix's retry schedule, the one Standard Webhooks cites: the wait before each attempt, in milliseconds
 * (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), so eight attempts over about 27.6 hours.
 *
 * @example
 * ```ts
 * const webhooks = new WebhookManager({ retrySchedule: SVIX_RETRY_SCHEDULE.slice(0, 4) }); // four attempts
 * ```
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
   * Prepended to every storage key of this manager (`<keyPrefix>endpoints:…`, `<keyPrefix>deliveries:…`,
   * `<keyPrefix>logs:…`), so several independent managers can share one adapter. Managers that should share
   * endpoints and take over each other's deliveries use the same prefix.
   * @default "webhooks:"
   */
  keyPrefix?: string | undefined;
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
   * Receives a warning for every damaged stored record the manager skips (see the `record_damaged` event).
   * @default noopLogger
   */
  logger?: Logger | undefined;
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
   * Whether each attempt log is also written to `storage` (keys `<keyPrefix>logs:…`), so that after a restart
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

/** Every option of {@link WebhookManagerOptions}, in documentation order. */
export const WEBHOOK_MANAGER_OPTION_KEYS = [
  "storage",
  "keyPrefix",
  "keyProvider",
  "clock",
  "logger",
  "retrySchedule",
  "requestTimeoutMs",
  "maxConcurrency",
  "circuitFailureThreshold",
  "circuitCooldownMs",
  "allowPrivateNetworks",
  "allowedHosts",
  "resolve",
  "maxDeliveryLogs",
  "deliveryLogRetentionMs",
  "persistDeliveryLogs",
  "maxResponseBodyLength",
  "maxPayloadBytes",
  "leaseMs",
  "userAgent",
  "ca",
] as const satisfies ReadonlyArray<keyof WebhookManagerOptions>;

/** What the SSRF guard is told: the allowlist normalised to lower case without IPv6 brackets. */
export interface ResolvedSsrfOptions {
  readonly allowPrivateNetworks: boolean;
  readonly allowedHosts: readonly string[];
  readonly resolve?: HostResolver;
}

/** The constructor's options with every default applied. */
export interface ResolvedWebhookManagerOptions {
  /** The caller's storage, or a private memory storage. */
  readonly storage: StorageAdapter;
  /** Whether the caller gave `storage`: only then can other managers share it. */
  readonly sharedStorage: boolean;
  readonly keyPrefix: string;
  /** `undefined` only with the private memory storage, where secrets stay in plain text. */
  readonly keyProvider: KeyProvider | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retrySchedule: readonly number[];
  readonly requestTimeoutMs: number;
  readonly maxConcurrency: number;
  readonly circuitFailureThreshold: number;
  readonly circuitCooldownMs: number;
  readonly ssrf: ResolvedSsrfOptions;
  readonly maxDeliveryLogs: number;
  readonly deliveryLogRetentionMs: number;
  readonly persistDeliveryLogs: boolean;
  readonly maxResponseBodyLength: number;
  readonly maxPayloadBytes: number;
  readonly leaseMs: number;
  readonly userAgent: string;
  /** The extra PEM authorities, as a list (empty when none). */
  readonly certificateAuthorities: readonly string[];
}

const DEFAULTS = {
  keyPrefix: "webhooks:",
  requestTimeoutMs: 15_000,
  maxConcurrency: 10,
  circuitFailureThreshold: 5,
  circuitCooldownMs: 60_000,
  maxDeliveryLogs: 10_000,
  deliveryLogRetentionMs: 30 * 24 * HOUR,
  maxResponseBodyLength: 1_024,
  maxPayloadBytes: 262_144,
  leaseMs: 60_000,
  userAgent: "pelbiot-webhooks/1",
} as const;

/**
 * Validates the options of `new WebhookManager(options)` and applies the defaults.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted
 * keys and the nearest one for a typo).
 * @throws {PelbiotError} CONFIGURATION_ERROR when `storage` is given without `keyProvider` and the
 * `PELBIOT_CREDENTIAL_KEYS` keyring is not configured.
 * @example
 * ```ts
 * resolveWebhookManagerOptions({ maxConcurrency: 4 }).requestTimeoutMs; // 15_000
 * ```
 */
export function resolveWebhookManagerOptions(options: unknown): ResolvedWebhookManagerOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("WebhookManager constructor");
  if (!check.object("options", given)) check.done();
  const input = given as WebhookManagerOptions;
  check.knownKeys("options", given as Record<string, unknown>, WEBHOOK_MANAGER_OPTION_KEYS);
  checkPorts(check, input);
  checkDelivery(check, input);
  checkLogs(check, input);
  const certificateAuthorities = checkAuthorities(check, input.ca);
  check.done();

  const storage = input.storage ?? createMemoryStorage();
  const sharedStorage = input.storage !== undefined;
  const allowedHosts = input.allowedHosts ?? [];
  return Object.freeze({
    storage,
    sharedStorage,
    keyPrefix: input.keyPrefix ?? DEFAULTS.keyPrefix,
    keyProvider: input.keyProvider ?? (sharedStorage ? defaultKeyProvider() : undefined),
    clock: input.clock ?? systemClock,
    logger: input.logger ?? noopLogger,
    retrySchedule: Object.freeze([...(input.retrySchedule ?? SVIX_RETRY_SCHEDULE)]),
    requestTimeoutMs: input.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    maxConcurrency: input.maxConcurrency ?? DEFAULTS.maxConcurrency,
    circuitFailureThreshold: input.circuitFailureThreshold ?? DEFAULTS.circuitFailureThreshold,
    circuitCooldownMs: input.circuitCooldownMs ?? DEFAULTS.circuitCooldownMs,
    ssrf: Object.freeze({
      allowPrivateNetworks: input.allowPrivateNetworks ?? false,
      allowedHosts: Object.freeze(allowedHosts.map((host) => host.toLowerCase().replace(/^\[|\]$/g, ""))),
      ...(input.resolve === undefined ? {} : { resolve: input.resolve }),
    }),
    maxDeliveryLogs: input.maxDeliveryLogs ?? DEFAULTS.maxDeliveryLogs,
    deliveryLogRetentionMs: input.deliveryLogRetentionMs ?? DEFAULTS.deliveryLogRetentionMs,
    persistDeliveryLogs: input.persistDeliveryLogs ?? sharedStorage,
    maxResponseBodyLength: input.maxResponseBodyLength ?? DEFAULTS.maxResponseBodyLength,
    maxPayloadBytes: input.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes,
    leaseMs: input.leaseMs ?? DEFAULTS.leaseMs,
    userAgent: input.userAgent ?? DEFAULTS.userAgent,
    certificateAuthorities,
  });
}

// The shared ports: storage and its prefix, the key provider, clock and logger.
function checkPorts(check: Validator, input: WebhookManagerOptions): void {
  const { storage, keyPrefix, keyProvider, clock, logger } = input;
  if (storage !== undefined) check.storage("options.storage", storage);
  if (keyPrefix !== undefined) check.string("options.keyPrefix", keyPrefix, { minLength: 0, maxLength: 100 });
  if (keyProvider !== undefined && check.object("options.keyProvider", keyProvider)) {
    for (const method of ["getCurrentKeyVersion", "wrapKey", "unwrapKey"] as const) {
      check.fn(`options.keyProvider.${method}`, keyProvider[method]);
    }
  }
  if (clock !== undefined) check.clock("options.clock", clock);
  if (logger !== undefined) check.logger("options.logger", logger);
}

// How deliveries are sent: schedule, deadlines, concurrency, circuit breaker, SSRF guard, limits.
function checkDelivery(check: Validator, input: WebhookManagerOptions): void {
  const { retrySchedule, allowedHosts } = input;
  if (
    retrySchedule !== undefined &&
    check.array("options.retrySchedule", retrySchedule, { minLength: 1, maxLength: 100 })
  ) {
    retrySchedule.forEach((delay, index) => {
      check.durationMs(`options.retrySchedule.${index}`, delay);
    });
    check.check(retrySchedule[0] === 0, "options.retrySchedule.0", "must be 0: the first attempt is immediate");
  }
  const optional = <T>(value: T | undefined, run: (value: T) => void): void => {
    if (value !== undefined) run(value);
  };
  optional(input.requestTimeoutMs, (value) =>
    check.durationMs("options.requestTimeoutMs", value, { min: 1, max: 600_000 }),
  );
  optional(input.maxConcurrency, (value) => check.number("options.maxConcurrency", value, { integer: true, min: 1 }));
  optional(input.circuitFailureThreshold, (value) =>
    check.number("options.circuitFailureThreshold", value, { integer: true, min: 1 }),
  );
  optional(input.circuitCooldownMs, (value) => check.durationMs("options.circuitCooldownMs", value));
  optional(input.allowPrivateNetworks, (value) => check.boolean("options.allowPrivateNetworks", value));
  if (allowedHosts !== undefined && check.array("options.allowedHosts", allowedHosts)) {
    allowedHosts.forEach((host, index) => {
      check.string(`options.allowedHosts.${index}`, host);
    });
  }
  optional(input.resolve, (value) => check.fn("options.resolve", value));
  optional(input.maxPayloadBytes, (value) =>
    check.number("options.maxPayloadBytes", value, { integer: true, positive: true }),
  );
  // Leases are compared with timestamps, never handed to a timer as they are, so they may exceed a timer's range.
  optional(input.leaseMs, (value) => check.durationMs("options.leaseMs", value, { max: Number.MAX_SAFE_INTEGER }));
  optional(input.userAgent, (value) => check.string("options.userAgent", value));
}

// What the attempt logs keep, and for how long.
function checkLogs(check: Validator, input: WebhookManagerOptions): void {
  const { maxDeliveryLogs, deliveryLogRetentionMs, persistDeliveryLogs, maxResponseBodyLength } = input;
  if (maxDeliveryLogs !== undefined) {
    check.number("options.maxDeliveryLogs", maxDeliveryLogs, { integer: true, min: 0 });
  }
  if (deliveryLogRetentionMs !== undefined) {
    check.durationMs("options.deliveryLogRetentionMs", deliveryLogRetentionMs, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    });
  }
  if (persistDeliveryLogs !== undefined) check.boolean("options.persistDeliveryLogs", persistDeliveryLogs);
  if (maxResponseBodyLength !== undefined) {
    check.number("options.maxResponseBodyLength", maxResponseBodyLength, { integer: true, min: 0 });
  }
}

function checkAuthorities(check: Validator, ca: unknown): readonly string[] {
  if (ca === undefined) return [];
  const many = Array.isArray(ca);
  if (!check.check(typeof ca === "string" || many, "options.ca", "must be PEM text or an array of PEM texts")) {
    return [];
  }
  const authorities: readonly unknown[] = many ? ca : [ca];
  authorities.forEach((authority, index) => {
    check.check(
      typeof authority === "string" && authority.includes("-----BEGIN CERTIFICATE-----"),
      many ? `options.ca.${index}` : "options.ca",
      "must be a PEM certificate (-----BEGIN CERTIFICATE-----)",
    );
  });
  return Object.freeze([...(authorities as string[])]);
}

// With a caller's storage, secrets must be sealed: fall back to the environment keyring, and say what to do when it
// is missing instead of writing plain text.
function defaultKeyProvider(): KeyProvider {
  try {
    return createEnvKeyProvider();
  } catch (error) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      "WebhookManager constructor: options.storage was given, so endpoint secrets are encrypted at rest and need a " +
        "key provider. Pass options.keyProvider (createLocalKeyProvider, or a Vault/KMS adapter) or configure the " +
        `environment keyring. ${describeError(error)}`,
      { cause: error },
    );
  }
}
