/**
 * Guide, "Module Details › 2. Third-Party Integrations":
 * "PaymentGatewayIntegration - Payment Processing"
 *
 * Without options the integration uses the in-process sandbox: nothing is charged. Every call does I/O, so each
 * takes `await`.
 */
import { PaymentGatewayIntegration } from "@pelbiot/integrations";

export const title = "PaymentGatewayIntegration - Payment Processing";

export async function run() {
  // Initialize
  const payment = new PaymentGatewayIntegration();

  // Create payment
  const paymentId = await payment.createPayment({
    amount: 99.99,
    currency: "USD",
    method: "credit_card",
  });

  // Confirm payment
  await payment.confirmPayment(paymentId, "auth-code");

  // Refund payment
  await payment.refundPayment(paymentId, 50.0, "Partial refund");

  const { status, amountMinor, refundedMinor } = await payment.getPayment(paymentId);
  return { status, amountMinor, refundedMinor };
}
