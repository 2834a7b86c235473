/**
 * The key-encryption key the credential examples use. In production the key comes from your secret manager
 * (`PELBIOT_CREDENTIAL_KEYS="v1=<openssl rand -base64 32>"`, or a Vault/KMS `KeyProvider`); here a fresh random key
 * stands in, so nothing stored by an example outlives it.
 */
import { createLocalKeyProvider } from "@pelbiot/integrations";

export function exampleKeyProvider() {
  const key = crypto.getRandomValues(new Uint8Array(32));
  return createLocalKeyProvider({ keys: { v1: key }, current: "v1" });
}
