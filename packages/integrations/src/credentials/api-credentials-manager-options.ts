import {
  type Clock,
  createMemoryStorage,
  createValidator,
  describeType,
  type Logger,
  noopLogger,
  PelbiotError,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import { createEnvKeyProvider, DEFAULT_CREDENTIAL_KEYS_VARIABLE } from "./env-key-provider";
import { createEphemeralKeyProvider } from "./ephemeral-key-provider";
import { checkActorName, REDACTED } from "./internal/credential-arguments";
import type { CredentialEncryptionAlgorithm } from "./internal/credential-record";
import type { KeyProvider } from "./key-provider";
import type { AuditEntry } from "./verify-audit-chain";

const DAY_MS = 24 * 60 * 60 * 1000;
const ALGORITHMS: readonly CredentialEncryptionAlgorithm[] = ["aes-256-gcm", "aes-256-cbc"];
const ENVIRONMENTS = ["development", "test", "production"] as const;
// Rotation periods are compared with the clock, never handed to a timer, so they may exceed a timer's 2^31 − 1 ms.
const MAX_PERIOD_MS = Number.MAX_SAFE_INTEGER;

/**
 * Where the manager runs, which decides whether it may fall back to an ephemeral key.
 *
 * @example
 * ```ts
 * const environment: CredentialsEnvironment = process.env.NODE_ENV === "test" ? "test" : "production";
 * ```
 */
export type CredentialsEnvironment = (typeof ENVIRONMENTS)[number];

/**
 * Options of {@link APICredentialsManager}.
 *
 * @example
 * ```ts
 * const options: APICredentialsManagerOptions = {
 *   keyProvider: createLocalKeyProvider({ keys: { v1: process.env.CREDENTIALS_KEK_V1 ?? "" }, current: "v1" }),
 *   rotationIntervalMs: 7 * 24 * 60 * 60 * 1000,
 * };
 * ```
 */
export interface APICredentialsManagerOptions {
  /**
   * Content encryption of new envelopes. `"aes-256-cbc"` is accepted for compatibility with older configurations
   * and is always authenticated: AES-256-CBC with HMAC-SHA-256 encrypt-then-MAC, with separate encryption and MAC
   * keys derived from the data key by HKDF-SHA-256. Any other value throws `CONFIGURATION_ERROR`. Existing
   * envelopes are read with whichever algorithm they record.
   * @default "aes-256-gcm"
   */
  encryptionAlgorithm?: CredentialEncryptionAlgorithm;
  /**
   * Age (milliseconds) after which a credential is reported as due for rotation by
   * {@link APICredentialsManager.getRotationStatus}, counted from its last rotation or re-encryption.
   * @default 7_776_000_000 (90 days)
   */
  rotationIntervalMs?: number;
  /** The guide's name of `rotationIntervalMs`, kept as an alias; giving both is a `VALIDATION_ERROR`. */
  rotationInterval?: number;
  /**
   * How long (milliseconds) the previous version stays readable after a rotation with new values, so callers can
   * switch over. `0` retires it at once.
   * @default 86_400_000 (24 hours)
   */
  rotationOverlapMs?: number;
  /** The guide's name of `rotationOverlapMs`, kept as an alias; giving both is a `VALIDATION_ERROR`. */
  rotationOverlap?: number;
  /** Most audit entries kept in memory; older ones are dropped behind a verifiable anchor. @default 10_000 */
  maxAuditLogSize?: number;
  /**
   * Wraps each credential's data key. Defaults to the local keyring read from the `PELBIOT_CREDENTIAL_KEYS`
   * environment variable ({@link createEnvKeyProvider}); when that is not set the constructor throws
   * `CONFIGURATION_ERROR` rather than invent a key, unless `environment` allows an ephemeral one.
   * @default createEnvKeyProvider()
   */
  keyProvider?: KeyProvider;
  /**
   * Where the manager runs. With `"development"` or `"test"`, and neither `keyProvider` nor
   * `PELBIOT_CREDENTIAL_KEYS` set, it uses an ephemeral key (`createEphemeralKeyProvider()`) and logs a warning:
   * **everything stored becomes unreadable when the process exits**. `"production"` never falls back, and neither
   * does any environment while `NODE_ENV` is `"production"`: both throw `CONFIGURATION_ERROR`.
   * @default "production"
   */
  environment?: CredentialsEnvironment;
  /**
   * Where encrypted envelopes are persisted (keys `<keyPrefix>credentials:…`), with the wrapped root of the
   * integrity keys (`<keyPrefix>credentials-integrity:root-key`). @default createMemoryStorage()
   */
  storage?: StorageAdapter;
  /**
   * Prepended to every key the manager writes, in `storage` and `checkpointStorage`, so several managers (e.g. one
   * per tenant) can share one adapter. @default ""
   */
  keyPrefix?: string;
  /**
   * Where the anti-rollback checkpoints live (keys `<keyPrefix>credentials-checkpoint:…`): per credential, the highest
   * record generation written, MACed. A record written back from an older copy (e.g. the pre-rotation record, or a
   * deleted credential) is behind its checkpoint and fails with `INTEGRITY_ERROR`.
   *
   * Detection is only as good as the separation: with the default (the same `storage`), whoever can roll back or
   * delete the checkpoints along with the records (a whole-database restore, or removing a checkpoint key before
   * writing an old record back) is not detected. Point this at storage the record store's writers cannot roll back
   * (another database, an append-only or versioned service) to detect that too. A write whose checkpoint update was
   * interrupted (a crash between the two writes) is repaired on next read.
   * @default the `storage` option
   */
  checkpointStorage?: StorageAdapter;
  /** Source of time for audit entries, overlaps and rotation status. @default systemClock */
  clock?: Clock;
  /** Receives operational logs; never secrets. @default noopLogger */
  logger?: Logger;
  /** The actor recorded in audit entries when a call does not name one. @default "system" */
  defaultActor?: string;
  /**
   * @deprecated Listen to the `audit_entry` event instead (`creds.on("audit_entry", listener)`); this option only
   * subscribes the function to it.
   */
  onAuditEntry?: (entry: AuditEntry) => void;
  /**
   * How many unwrapped data keys to keep in memory, so reading a credential again skips the key provider's unwrap
   * (an AES operation locally, a network round trip with Vault or KMS). `0` turns the cache off.
   *
   * Security trade-off, which is why it is opt-in: while cached, plaintext data keys live in this process's memory,
   * where a heap dump or memory disclosure can reveal them (each opens only its own credential; the key-encryption
   * key is never cached). The cache is bounded, least-recently-used, per manager, and every evicted key is
   * overwritten with zeros; {@link APICredentialsManager.clearKeyCache} wipes it on demand.
   * @default 0
   */
  dataKeyCacheSize?: number;
}

/** Every option of {@link APICredentialsManagerOptions}, in documentation order. */
export const API_CREDENTIALS_MANAGER_OPTION_KEYS = [
  "encryptionAlgorithm",
  "rotationIntervalMs",
  "rotationInterval",
  "rotationOverlapMs",
  "rotationOverlap",
  "maxAuditLogSize",
  "keyProvider",
  "environment",
  "storage",
  "keyPrefix",
  "checkpointStorage",
  "clock",
  "logger",
  "defaultActor",
  "onAuditEntry",
  "dataKeyCacheSize",
] as const;

/** The constructor's options with every default applied and the key provider chosen. */
export interface ResolvedAPICredentialsManagerOptions {
  readonly encryptionAlgorithm: CredentialEncryptionAlgorithm;
  readonly rotationIntervalMs: number;
  readonly rotationOverlapMs: number;
  readonly maxAuditLogSize: number;
  readonly keyProvider: KeyProvider;
  readonly storage: StorageAdapter;
  readonly keyPrefix: string;
  readonly checkpointStorage: StorageAdapter;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly defaultActor: string;
  readonly onAuditEntry: ((entry: AuditEntry) => void) | undefined;
  readonly dataKeyCacheSize: number;
}

/**
 * Reads a duration given under its `Ms` name or under the guide's alias, adding an issue when both are given.
 *
 * @param check - The validator of the call.
 * @param path - Path of the object holding the options, e.g. `"options"`.
 * @param options - The options object.
 * @param name - The `Ms` name.
 * @param alias - The guide's name.
 * @param min - The smallest accepted value.
 * @returns The valid value, or `undefined` when absent or invalid.
 */
export function readDurationOption(
  check: Validator,
  path: string,
  options: Record<string, unknown>,
  name: string,
  alias: string,
  min: number,
): number | undefined {
  const value = options[name];
  const aliased = options[alias];
  if (value !== undefined && aliased !== undefined) {
    check.fail(
      `${path}.${name}`,
      `give either ${name} or ${alias} (its documented alias), not both: ${alias} was given too`,
    );
    return undefined;
  }
  const [given, key] = value !== undefined ? [value, name] : [aliased, alias];
  if (given === undefined) return undefined;
  return check.durationMs(`${path}.${key}`, given, { min, max: MAX_PERIOD_MS }) ? given : undefined;
}

/**
 * Validates the options of `new APICredentialsManager(options)`, applies the defaults and chooses the key provider.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted keys).
 * @throws {PelbiotError} CONFIGURATION_ERROR when `encryptionAlgorithm` is not supported, or no key is configured and
 * `environment` does not allow an ephemeral one.
 * @example
 * ```ts
 * resolveAPICredentialsManagerOptions({ keyProvider: createEphemeralKeyProvider() }).rotationIntervalMs; // 7_776_000_000
 * ```
 */
export function resolveAPICredentialsManagerOptions(options: unknown): ResolvedAPICredentialsManagerOptions {
  const given = (options === undefined ? {} : options) as APICredentialsManagerOptions;
  const check = createValidator("APICredentialsManager constructor", REDACTED);
  const raw: unknown = given;
  // Nothing else can be checked on a non-object.
  if (!check.object("options", raw)) check.done();
  const record = raw as Record<string, unknown>;
  check.knownKeys("options", record, API_CREDENTIALS_MANAGER_OPTION_KEYS);
  const rotationIntervalMs = readDurationOption(check, "options", record, "rotationIntervalMs", "rotationInterval", 1);
  const rotationOverlapMs = readDurationOption(check, "options", record, "rotationOverlapMs", "rotationOverlap", 0);
  const {
    maxAuditLogSize = 10_000,
    keyProvider,
    environment,
    storage = createMemoryStorage(),
    keyPrefix = "",
    checkpointStorage = storage,
    clock = systemClock,
    logger = noopLogger,
    defaultActor = "system",
    onAuditEntry,
    dataKeyCacheSize = 0,
  } = given;
  check.number("options.maxAuditLogSize", maxAuditLogSize, { integer: true, min: 1, max: 10_000_000 });
  check.number("options.dataKeyCacheSize", dataKeyCacheSize, { integer: true, min: 0, max: 1_000_000 });
  if (keyProvider !== undefined && check.object("options.keyProvider", keyProvider)) {
    for (const method of ["getCurrentKeyVersion", "wrapKey", "unwrapKey"] as const) {
      check.fn(`options.keyProvider.${method}`, keyProvider[method]);
    }
  }
  if (environment !== undefined) check.oneOf("options.environment", environment, ENVIRONMENTS);
  check.clock("options.clock", clock);
  check.logger("options.logger", logger);
  check.storage("options.storage", storage);
  check.string("options.keyPrefix", keyPrefix, { minLength: 0, maxLength: 100 });
  if (given.checkpointStorage !== undefined) check.storage("options.checkpointStorage", checkpointStorage);
  checkActorName(check, "options.defaultActor", defaultActor);
  if (onAuditEntry !== undefined) check.fn("options.onAuditEntry", onAuditEntry);
  check.done();

  const encryptionAlgorithm = given.encryptionAlgorithm ?? "aes-256-gcm";
  if (!(ALGORITHMS as readonly unknown[]).includes(encryptionAlgorithm)) {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      `APICredentialsManager: encryptionAlgorithm must be "aes-256-gcm" (recommended) or "aes-256-cbc" ` +
        `(CBC with HMAC-SHA-256 encrypt-then-MAC), got ${describeType(encryptionAlgorithm, true)}.`,
    );
  }
  return Object.freeze({
    encryptionAlgorithm,
    rotationIntervalMs: rotationIntervalMs ?? 90 * DAY_MS,
    rotationOverlapMs: rotationOverlapMs ?? DAY_MS,
    maxAuditLogSize,
    // Last, so a malformed option is reported before the environment is consulted.
    keyProvider: keyProvider ?? defaultKeyProvider(environment, logger),
    storage,
    keyPrefix,
    checkpointStorage,
    clock,
    logger,
    defaultActor,
    onAuditEntry,
    dataKeyCacheSize,
  });
}

// The keyring from the environment; in development or test only, an ephemeral key when none is configured.
function defaultKeyProvider(environment: CredentialsEnvironment | undefined, logger: Logger): KeyProvider {
  const configured = (process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE]?.trim() ?? "") !== "";
  const wantsEphemeral = environment === "development" || environment === "test";
  if (configured || !wantsEphemeral) return createEnvKeyProvider();
  if (process.env.NODE_ENV === "production") {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      `No key-encryption key configured, and NODE_ENV is "production", so environment "${environment}" does not ` +
        `allow an ephemeral key. Set ${DEFAULT_CREDENTIAL_KEYS_VARIABLE} to \`v1=<32 random bytes in base64>\` or ` +
        "pass options.keyProvider.",
      { details: { variable: DEFAULT_CREDENTIAL_KEYS_VARIABLE } },
    );
  }
  logger.warn(
    `APICredentialsManager: no key-encryption key configured, so environment "${environment}" uses an ephemeral ` +
      `key: stored credentials will not survive a restart. Set ${DEFAULT_CREDENTIAL_KEYS_VARIABLE} or pass ` +
      "keyProvider outside development.",
    { environment },
  );
  return createEphemeralKeyProvider();
}
