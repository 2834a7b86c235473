/**
 * Guide, "Best Practices":
 * "4. Monitoring & Logging"
 *
 * Runs as written with the set-up it needs (a collector, a payment gateway, `paymentData`). The collector also has
 * this helper built in: `analyticsCollector.trackOperation(name, operation)` records the same three metrics.
 */
import { AnalyticsDataCollector } from "@pelbiot/analytics";
import { PaymentGatewayIntegration } from "@pelbiot/integrations";

export const title = "4. Monitoring & Logging";

export async function run() {
  const analyticsCollector = new AnalyticsDataCollector();
  const paymentGateway = new PaymentGatewayIntegration();
  const paymentData = { amount: 99.99, currency: "USD", method: "credit_card" };

  // Track all operations
  const trackOperation = async <T>(name: string, operation: () => Promise<T>) => {
    const start = Date.now();
    try {
      const result = await operation();
      analyticsCollector.recordMetric(`${name}_success`, 1);
      analyticsCollector.recordMetric(`${name}_duration`, Date.now() - start);
      return result;
    } catch (error) {
      analyticsCollector.recordMetric(`${name}_error`, 1);
      throw error;
    }
  };

  // Usage
  const result = await trackOperation("payment_create", async () => {
    return paymentGateway.createPayment(paymentData);
  });

  const failed = await trackOperation("payment_create", async () =>
    paymentGateway.createPayment({ amount: -1, currency: "USD" }),
  ).catch((error: { code: string }) => error.code);

  const names = analyticsCollector.getMetricStats().map((stats) => [stats.name, stats.count]);
  await analyticsCollector.shutdown();
  return { paymentId: typeof result, failed, metrics: names };
}
