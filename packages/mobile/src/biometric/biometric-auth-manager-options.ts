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

/**
 * Options of {@link BiometricAuthManager}. `rpId`, `rpName` and `origins` are required: a relying party that does
 * not say who it is cannot check who a response was meant for.
 */
export interface BiometricAuthManagerOptions {
  /** The relying party id: your site's registrable domain (e.g. `"example.com"`), or `"localhost"` in development. */
  rpId: string;
  /** The name authenticators show when the user registers (e.g. `"Example Bank"`). */
  rpName: string;
  /**
   * Every origin a response may come from: `https://` origins on `rpId` or its subdomains, `http://localhost`
   * (with any port) in development, and app origins such as `android:apk-key-hash:…` or `ios:bundle-id:…`.
   */
  origins: readonly string[];
  /** How long an issued challenge stays usable, in whole milliseconds; also the browser's timeout. @default 300000 */
  challengeTtlMs?: number;
  /** Most credentials one user may register. @default 20 */
  maxCredentialsPerUser?: number;
  /** Where challenges and credentials live (public keys only, never biometrics). @default createMemoryStorage() */
  storage?: StorageAdapter;
  /** Key prefix inside the storage adapter, so several managers can share one. @default "pelbiot:biometric:" */
  keyPrefix?: string;
  /** Time source for challenge expiry and credential timestamps. @default systemClock */
  clock?: Clock;
  /** Where refused registrations and logins are reported. @default noopLogger */
  logger?: Logger;
}

/** Every key of {@link BiometricAuthManagerOptions}. */
export const BIOMETRIC_AUTH_MANAGER_OPTION_KEYS = [
  "rpId",
  "rpName",
  "origins",
  "challengeTtlMs",
  "maxCredentialsPerUser",
  "storage",
  "keyPrefix",
  "clock",
  "logger",
] as const;

/** The manager's options with every default applied. */
export type ResolvedBiometricAuthManagerOptions = Readonly<
  Required<Omit<BiometricAuthManagerOptions, "origins">> & { origins: readonly string[] }
>;

const RP_ID_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const APP_ORIGIN_PATTERN = /^(?:android:apk-key-hash:[A-Za-z0-9_-]{16,}|ios:bundle-id:[A-Za-z0-9.-]+)$/;

/**
 * Validates the options of {@link BiometricAuthManager} and applies the defaults.
 *
 * @param options - The constructor's argument.
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every missing, malformed or unknown option.
 * @throws {PelbiotError} CONFIGURATION_ERROR when a web origin is not on `rpId` (browsers would refuse every call).
 * @example
 * ```ts
 * resolveBiometricAuthManagerOptions({ rpId: "localhost", rpName: "Demo", origins: ["http://localhost:3000"] });
 * ```
 */
export function resolveBiometricAuthManagerOptions(options: unknown): ResolvedBiometricAuthManagerOptions {
  const check = createValidator("BiometricAuthManager constructor");
  if (options === undefined) {
    // The guide's `new BiometricAuthManager()` cannot work: a relying party must say which site it is.
    check.fail(
      "options",
      'is required: { rpId, rpName, origins }, e.g. { rpId: "example.com", rpName: "Example", origins: ["https://example.com"] }',
    );
  } else if (check.object("options", options)) {
    check.knownKeys("options", options, BIOMETRIC_AUTH_MANAGER_OPTION_KEYS);
    checkRelyingParty(check, options);
    checkPorts(check, options);
  }
  check.done();
  const given = options as unknown as BiometricAuthManagerOptions;
  const rpId = given.rpId.toLowerCase();
  const origins = Object.freeze(given.origins.map((origin) => normaliseOrigin(origin)));
  checkOriginsMatchRpId(rpId, origins);
  return Object.freeze({
    rpId,
    rpName: given.rpName,
    origins,
    challengeTtlMs: given.challengeTtlMs ?? 300_000,
    maxCredentialsPerUser: given.maxCredentialsPerUser ?? 20,
    storage: given.storage ?? createMemoryStorage(),
    keyPrefix: given.keyPrefix ?? "pelbiot:biometric:",
    clock: given.clock ?? systemClock,
    logger: given.logger ?? noopLogger,
  });
}

function checkRelyingParty(check: Validator, options: Record<string, unknown>): void {
  if (check.string("options.rpId", options.rpId, { maxLength: 253 })) {
    check.check(
      RP_ID_PATTERN.test(options.rpId.toLowerCase()),
      "options.rpId",
      `must be a domain name without scheme, port or path (e.g. "example.com" or "localhost"), got ${JSON.stringify(options.rpId)}`,
    );
  }
  check.string("options.rpName", options.rpName, { maxLength: 256 });
  if (check.array("options.origins", options.origins, { minLength: 1, maxLength: 100 })) {
    options.origins.forEach((origin, index) => {
      const path = `options.origins.${index}`;
      if (!check.string(path, origin, { maxLength: 2048 })) return;
      check.check(
        APP_ORIGIN_PATTERN.test(origin) || isWebOrigin(origin),
        path,
        `must be an origin such as "https://example.com", "http://localhost:3000", "android:apk-key-hash:…" or ` +
          `"ios:bundle-id:…" (https, or http on localhost only; no path), got ${JSON.stringify(origin)}`,
      );
    });
  }
}

function checkPorts(check: Validator, options: Record<string, unknown>): void {
  if (options.challengeTtlMs !== undefined) {
    check.durationMs("options.challengeTtlMs", options.challengeTtlMs, { min: 1000, max: 86_400_000 });
  }
  if (options.maxCredentialsPerUser !== undefined) {
    check.number("options.maxCredentialsPerUser", options.maxCredentialsPerUser, { integer: true, min: 1, max: 1000 });
  }
  if (options.keyPrefix !== undefined) {
    check.string("options.keyPrefix", options.keyPrefix, { minLength: 0, maxLength: 100 });
  }
  if (options.storage !== undefined) check.storage("options.storage", options.storage);
  if (options.clock !== undefined) check.clock("options.clock", options.clock);
  if (options.logger !== undefined) check.logger("options.logger", options.logger);
}

function isWebOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An origin is scheme, host and port only: no path, query, fragment or credentials.
  if (url.origin.toLowerCase() !== origin.replace(/\/$/, "").toLowerCase()) return false;
  // Browsers only offer WebAuthn in a secure context: https, or http on localhost.
  return url.protocol === "https:" || (url.protocol === "http:" && isLocalhost(url.hostname));
}

function isLocalhost(hostname: string): boolean {
  return hostname === "localhost" || hostname.endsWith(".localhost");
}

function normaliseOrigin(origin: string): string {
  return APP_ORIGIN_PATTERN.test(origin) ? origin : new URL(origin).origin;
}

// Browsers refuse a call whose rpId is not the page's host or a parent domain of it, so such a set-up can never work.
function checkOriginsMatchRpId(rpId: string, origins: readonly string[]): void {
  const strays = origins.filter((origin) => {
    if (APP_ORIGIN_PATTERN.test(origin)) return false;
    const host = new URL(origin).hostname;
    return host !== rpId && !host.endsWith(`.${rpId}`);
  });
  if (strays.length === 0) return;
  throw new PelbiotError(
    "CONFIGURATION_ERROR",
    `BiometricAuthManager constructor: origins ${strays.map((origin) => JSON.stringify(origin)).join(", ")} are not ` +
      `on rpId ${JSON.stringify(rpId)}; browsers only accept an rpId equal to the page's host or one of its parent ` +
      "domains. Use the registrable domain shared by every origin as rpId.",
    { details: { rpId, origins: strays } },
  );
}
