/**
 * Guide, "Advanced Configuration › Environment-Specific Setup":
 * "Production:"
 *
 * The object runs as written; as for development, each setting goes to the classes it concerns. Three need no
 * option: stored credentials are always encrypted (`encryptionEnabled`), their audit log is always kept and
 * HMAC-chained (`auditLoggingEnabled`), and `performanceMonitoring` is the collector's `trackOperation`. In
 * production the credentials manager refuses an ephemeral key, so it gets a key provider (in a real deployment from
 * `PELBIOT_CREDENTIAL_KEYS` or a Vault/KMS adapter), and `mockExternalAPIs: false` means a named provider must be
 * configured: naming Stripe without credentials is a CONFIGURATION_ERROR instead of a silent fallback.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import { createLogger, type LogRecord } from "@pelbiot/core";
import { APICredentialsManager, PaymentGatewayIntegration } from "@pelbiot/integrations";
import { exampleKeyProvider } from "./support/example-key-provider";

export const title = "Production";

export async function run() {
  const enhancedConfig = {
    environment: "production",
    logLevel: "error",
    mockExternalAPIs: false,
    dataRetention: "90d",
    encryptionEnabled: true,
    auditLoggingEnabled: true,
    performanceMonitoring: true,
  } as const;

  const records: LogRecord[] = [];
  const logger = createLogger({ level: enhancedConfig.logLevel, sink: (record) => records.push(record) });
  const credentials = new APICredentialsManager({
    environment: enhancedConfig.environment,
    keyProvider: exampleKeyProvider(),
    logger,
  });
  const collector = new AnalyticsDataCollector({
    dataRetentionDays: Number.parseInt(enhancedConfig.dataRetention, 10),
  });

  let stripeWithoutCredentials = "";
  try {
    new PaymentGatewayIntegration({ provider: "stripe", mockExternalAPIs: enhancedConfig.mockExternalAPIs });
  } catch (error) {
    stripeWithoutCredentials = (error as { code: string }).code;
  }

  await credentials.storeCredentials("stripe", "sk_live_xxx", "secret", "user-1");
  const stored = await collector.trackOperation("credentials_read", () =>
    credentials.getCredentials("stripe", "user-1"),
  );
  const { valid } = await credentials.verifyAuditLog();
  const durations = collector.getMetricStats("credentials_read_duration");
  await collector.shutdown();

  return {
    stripeWithoutCredentials,
    provider: stored.provider,
    auditChainValid: valid,
    timedOperations: durations[0]?.count,
    debugRecords: records.length,
  };
}
