import { createValidator, PelbiotError } from "@pelbiot/core";
import { createKeyringProvider, decodeKeyEncryptionKey, KEY_VERSION_PATTERN } from "./internal/keyring-provider";
import { checkWellFormed } from "./internal/well-formed";
import type { KeyProvider } from "./key-provider";

/**
 * The variable {@link createEnvKeyProvider} reads by default.
 *
 * @example
 * ```ts
 * process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE] = "v1=<openssl rand -base64 32>";
 * ```
 */
export const DEFAULT_CREDENTIAL_KEYS_VARIABLE = "PELBIOT_CREDENTIAL_KEYS";

/**
 * Options of {@link createEnvKeyProvider}.
 *
 * @example
 * ```ts
 * const options: EnvKeyProviderOptions = { variable: "MY_APP_KEKS" };
 * ```
 */
export interface EnvKeyProviderOptions {
  /**
   * The environment variable holding the keyring, as `version=base64Key` pairs separated by commas, e.g.
   * `v1=q83v…,v2=3q2+…`. The **last** pair is the current version.
   * @default "PELBIOT_CREDENTIAL_KEYS"
   */
  variable?: string;
  /**
   * Where to read the variable from.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Name of the keyring, stored with every wrapped key and authenticated with it.
   * @default "local"
   */
  keyId?: string;
}

/**
 * Creates the local keyring {@link KeyProvider} from an environment variable, as `APICredentialsManager` does when no
 * `keyProvider` is passed. It never invents a key: a missing or empty variable is a configuration error.
 *
 * @param options - Which variable to read and from where.
 * @returns A key provider whose current version is the last pair of the variable.
 * @throws {PelbiotError} CONFIGURATION_ERROR when the variable is missing, empty or malformed (the message names the
 * variable and the problem, never the key material).
 * @example
 * ```ts
 * // PELBIOT_CREDENTIAL_KEYS="v1=<openssl rand -base64 32>"
 * const creds = new APICredentialsManager({ keyProvider: createEnvKeyProvider() });
 * ```
 */
export function createEnvKeyProvider(options: EnvKeyProviderOptions = {}): KeyProvider {
  const { variable = DEFAULT_CREDENTIAL_KEYS_VARIABLE, env = process.env, keyId = "local" } = options;
  const optionsValidator = createValidator("createEnvKeyProvider", { redactStrings: true });
  optionsValidator.string("options.variable", variable, { maxLength: 256 });
  optionsValidator.object("options.env", env);
  if (optionsValidator.string("options.keyId", keyId, { maxLength: 256 }))
    checkWellFormed(optionsValidator, "options.keyId", keyId);
  optionsValidator.done();

  const text = env[variable]?.trim();
  if (text === undefined || text === "") {
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      `No key-encryption key configured: environment variable ${variable} is not set. Set it to ` +
        "`v1=<32 random bytes in base64>` (e.g. from `openssl rand -base64 32`), pass options.keyProvider " +
        "(createLocalKeyProvider, or a Vault/KMS adapter), or use createEphemeralKeyProvider() in tests.",
      { details: { variable } },
    );
  }
  const validator = createValidator(`environment variable ${variable}`, { redactStrings: true });
  const keyring = new Map<string, Buffer>();
  let current: string | undefined;
  text.split(",").forEach((pair, index) => {
    const separator = pair.indexOf("=");
    const version = separator === -1 ? "" : pair.slice(0, separator).trim();
    if (!validator.string(`pair ${index + 1} version`, version, { pattern: KEY_VERSION_PATTERN })) return;
    if (!validator.check(!keyring.has(version), `pair ${index + 1}`, `repeats version ${version}`)) return;
    const bytes = decodeKeyEncryptionKey(
      validator,
      `pair ${index + 1} (${version}) key`,
      pair.slice(separator + 1).trim(),
    );
    if (bytes === undefined) return;
    keyring.set(version, bytes);
    current = version;
  });
  if (validator.issues.length > 0 || current === undefined) {
    const problems = validator.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new PelbiotError(
      "CONFIGURATION_ERROR",
      `Environment variable ${variable} must hold comma-separated version=base64Key pairs (the last one is current): ` +
        `${problems || "no usable pair"}.`,
      { details: { variable } },
    );
  }
  return createKeyringProvider("env", keyId, keyring, current);
}
