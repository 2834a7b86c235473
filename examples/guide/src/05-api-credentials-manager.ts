/**
 * Guide, "Module Details › 2. Third-Party Integrations":
 * "APICredentialsManager - Secure Credential Storage"
 *
 * Cannot run quite as written: `new APICredentialsManager()` needs a key-encryption key, and without one (from
 * `PELBIOT_CREDENTIAL_KEYS` or a `keyProvider` option) it throws CONFIGURATION_ERROR rather than store secrets under
 * a key nobody keeps. The nearest working form passes a key provider. Every call does I/O, so each takes `await`.
 */
import { APICredentialsManager } from "@pelbiot/integrations";
import { exampleKeyProvider } from "./support/example-key-provider";

export const title = "APICredentialsManager - Secure Credential Storage";

export async function run() {
  // As written: CONFIGURATION_ERROR, unless PELBIOT_CREDENTIAL_KEYS holds a key.
  let withoutKey = "constructed";
  try {
    new APICredentialsManager();
  } catch (error) {
    withoutKey = (error as { code: string }).code;
  }

  // Initialize
  const creds = new APICredentialsManager({ keyProvider: exampleKeyProvider() });

  // Store credentials securely
  await creds.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1");

  // Retrieve credentials
  const credential = await creds.getCredentials("stripe", "user-1");

  // Rotate credentials
  await creds.rotateCredentials("stripe", "user-1");

  // Get audit log
  const auditLog = await creds.getAuditLog("user-1");

  return {
    withoutKey,
    apiKey: credential.reveal().apiKey,
    apiKeyInJson: JSON.stringify(credential).includes("sk_live_xxx"),
    actions: auditLog.map((entry) => entry.action),
  };
}
