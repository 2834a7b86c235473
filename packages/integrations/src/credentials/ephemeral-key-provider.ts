import { randomBytes } from "node:crypto";
import { createKeyringProvider, KEY_ENCRYPTION_KEY_BYTES } from "./internal/keyring-provider";
import type { KeyProvider } from "./key-provider";

/**
 * Creates a {@link KeyProvider} with one random key-encryption key that exists only in this process, for tests,
 * demos and local development. **Everything it wraps becomes unreadable when the process exits**, which is why it
 * is never chosen automatically: production code passes `createLocalKeyProvider`, `createEnvKeyProvider` or a
 * Vault/KMS adapter.
 *
 * @returns A key provider named `"ephemeral"` with the single key version `"ephemeral-1"`.
 * @example
 * ```ts
 * const creds = new APICredentialsManager({ keyProvider: createEphemeralKeyProvider() });
 * ```
 */
export function createEphemeralKeyProvider(): KeyProvider {
  const version = "ephemeral-1";
  return createKeyringProvider(
    "ephemeral",
    "ephemeral",
    new Map([[version, randomBytes(KEY_ENCRYPTION_KEY_BYTES)]]),
    version,
  );
}
