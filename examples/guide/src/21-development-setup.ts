/**
 * Guide, "Advanced Configuration › Environment-Specific Setup":
 * "Development:"
 *
 * The object runs as written, but no class takes it whole: PELBIOT has no global configuration, each class takes its
 * own options. The nearest working form hands each setting to the classes it concerns: `environment` to the
 * credentials manager (development allows an ephemeral key, with a warning), `logLevel` to core's logger,
 * `mockExternalAPIs` to the payment and messaging integrations (their in-process sandbox and outbox), and
 * `dataRetention` to the collector's `dataRetentionDays`.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import { createLogger, type LogRecord } from "@pelbiot/core";
import { APICredentialsManager, MessagingIntegration, PaymentGatewayIntegration } from "@pelbiot/integrations";

export const title = "Development";

export async function run() {
  const enhancedConfig = {
    environment: "development",
    logLevel: "debug",
    mockExternalAPIs: true,
    dataRetention: "7d",
  } as const;

  const records: LogRecord[] = [];
  const logger = createLogger({ level: enhancedConfig.logLevel, sink: (record) => records.push(record) });
  const credentials = new APICredentialsManager({ environment: enhancedConfig.environment, logger });
  const payments = new PaymentGatewayIntegration({
    provider: "stripe",
    mockExternalAPIs: enhancedConfig.mockExternalAPIs,
  });
  const messaging = new MessagingIntegration({ mockExternalAPIs: enhancedConfig.mockExternalAPIs, logger });
  const collector = new AnalyticsDataCollector({
    dataRetentionDays: Number.parseInt(enhancedConfig.dataRetention, 10),
  });

  await credentials.storeCredentials("stripe", "sk_test_xxx", "secret", "dev-user");
  const paymentId = await payments.createPayment({ amount: 10, currency: "USD", method: "credit_card" });
  const payment = await payments.confirmPayment(paymentId);
  const message = await messaging.sendMessage({ recipient: "+14155552345", message: "Hello" });
  await collector.shutdown();

  return {
    external: payment.external,
    messageProvider: message.provider,
    warnings: records.filter((record) => record.level === "warn").length,
  };
}
