/**
 * Guide, "Best Practices":
 * "2. Security Best Practices"
 *
 * Runs with the set-up it needs (a logger, a credentials manager with a stored key), two changes and one gap.
 * `rotateCredentials` does I/O, so it takes `await`. The logger is core's, which also redacts secret-looking fields
 * (`apiKey`, `token`, …) should one slip into a log record. And there is no `crypto.encrypt`: for secrets at rest the
 * nearest form is the credentials manager itself (envelope encryption: AES-256-GCM per credential, the data key
 * wrapped by the key provider).
 */
import { createLogger, type LogRecord } from "@pelbiot/core";
import { APICredentialsManager } from "@pelbiot/integrations";
import { exampleKeyProvider } from "./support/example-key-provider";

export const title = "2. Security Best Practices";

export async function run() {
  const records: LogRecord[] = [];
  const logger = createLogger({ sink: (record) => records.push(record) });
  const credentialsManager = new APICredentialsManager({ keyProvider: exampleKeyProvider() });
  const userId = "user-1";
  await credentialsManager.storeCredentials("stripe", "sk_live_xxx", "secret", userId);

  // 1. Always use HTTPS
  // 2. Validate all inputs
  const validatePayment = (data: { amount?: number; currency?: string }) => {
    if (!data.amount || data.amount <= 0) throw new Error("Invalid amount");
    // biome-ignore lint/complexity/useOptionalChain: the guide\'s check, kept as written
    if (!data.currency || data.currency.length !== 3) throw new Error("Invalid currency");
  };
  validatePayment({ amount: 99.99, currency: "USD" });
  const invalid = (() => {
    try {
      validatePayment({ amount: 10, currency: "DOLLARS" });
      return "accepted";
    } catch (error) {
      return (error as Error).message;
    }
  })();

  // 3. Never log sensitive data
  logger.info("Payment processed", {
    /* omit apiKey, token */
  });
  logger.info("Payment processed", { token: "tok_visa_4242" }); // slipped in: redacted

  // 4. Rotate credentials regularly
  const rotated = await credentialsManager.rotateCredentials("stripe", userId);

  // 5. Use encryption for data at rest
  const sensitiveData = { apiKey: "sk_live_other", apiSecret: "other-secret" };
  const encrypted = await credentialsManager.storeCredentials(
    "backup-service",
    sensitiveData.apiKey,
    sensitiveData.apiSecret,
    userId,
  );

  return {
    invalid,
    loggedToken: JSON.stringify(records.at(-1)?.fields),
    version: rotated.version,
    apiKeyInJson: JSON.stringify(encrypted).includes(sensitiveData.apiKey),
  };
}
