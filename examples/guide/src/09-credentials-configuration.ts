/**
 * Guide, "Module Details › 2. Third-Party Integrations › Configuration"
 *
 * The options run as written (`rotationInterval` is the documented alias of `rotationIntervalMs`; `aes-256-cbc` means
 * CBC with an HMAC-SHA-256 encrypt-then-MAC). As the comment says, production needs a key: the manager refuses to
 * start without one, so the nearest working form adds `keyProvider`.
 */
import { APICredentialsManager } from "@pelbiot/integrations";
import { exampleKeyProvider } from "./support/example-key-provider";

export const title = "Configuration";

export async function run() {
  // For production, configure with actual API keys
  const credentialsManager = new APICredentialsManager({
    encryptionAlgorithm: "aes-256-cbc",
    rotationInterval: 7 * 24 * 60 * 60 * 1000, // 7 days
    maxAuditLogSize: 10000,
    keyProvider: exampleKeyProvider(),
  });

  await credentialsManager.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1");
  const status = await credentialsManager.getRotationStatus();
  return { apiKey: (await credentialsManager.getCredentials("stripe", "user-1")).reveal().apiKey, status };
}
