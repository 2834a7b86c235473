/**
 * Guide, "Advanced Configuration › Database Integration":
 * "Credentials Storage:"
 *
 * Nothing to subclass, and the vault takes two roles, both options: `keyProvider` wraps each credential's data key
 * (a Vault transit or KMS adapter implements `KeyProvider`), and `storage` holds the sealed records (any core
 * `StorageAdapter`). `storeCredentials` is already async. The guide's `vault.write` puts `{ apiKey, apiSecret }` in
 * the vault in clear; here the storage only ever sees ciphertext, which the example checks by reading it back.
 */
import { createMemoryStorage } from "@pelbiot/core";
import { APICredentialsManager } from "@pelbiot/integrations";
import { exampleKeyProvider } from "./support/example-key-provider";

export const title = "Credentials Storage";

export async function run() {
  // Replace Map with secure vault (HashiCorp Vault)
  const vault = createMemoryStorage(); // a Vault KV adapter in production
  const credentials = new APICredentialsManager({ keyProvider: exampleKeyProvider(), storage: vault });

  const provider = "stripe";
  const apiKey = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
  const apiSecret = "whsec_0123456789abcdef";
  const userId = "user-1";
  await credentials.storeCredentials(provider, apiKey, apiSecret, userId);

  const stored = await Promise.all((await vault.keys()).map(async (key) => (await vault.getItem(key)) ?? ""));
  return {
    records: stored.length,
    plaintextInStorage: stored.some((value) => value.includes(apiKey) || value.includes(apiSecret)),
    readBack: (await credentials.getCredentials(provider, userId)).reveal(),
  };
}
