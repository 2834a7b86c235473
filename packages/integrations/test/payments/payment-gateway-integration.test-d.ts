import { expectTypeOf, test } from "vitest";
import {
  type Payment,
  PaymentGatewayIntegration,
  type PaymentRefund,
} from "../../src/payments/payment-gateway-integration";

test("the guide's calls are typed and awaited", () => {
  const payment = new PaymentGatewayIntegration();
  expectTypeOf(payment.createPayment({ amount: 99.99, currency: "USD", method: "credit_card" })).toEqualTypeOf<
    Promise<string>
  >();
  expectTypeOf(payment.confirmPayment("pay_1", "auth-code")).toEqualTypeOf<Promise<Payment>>();
  expectTypeOf(payment.refundPayment("pay_1", 50.0, "Partial refund")).toEqualTypeOf<Promise<PaymentRefund>>();
  // amounts: decimal numbers, decimal strings or exact minor units
  payment.createPayment({ amount: "99.99", currency: "USD" });
  payment.createPayment({ amount: { minor: 9999 }, currency: "USD" });
  // @ts-expect-error an unknown field is a compile error (and a VALIDATION_ERROR at run time)
  payment.createPayment({ amount: 1, currency: "USD", methd: "credit_card" });
  // @ts-expect-error captureMethod is automatic or manual
  payment.createPayment({ amount: 1, currency: "USD", captureMethod: "later" });
});

test("events are typed", () => {
  const payment = new PaymentGatewayIntegration();
  payment.on("payment.refunded", (record, refund) => {
    expectTypeOf(record.refundedMinor).toEqualTypeOf<number>();
    expectTypeOf(refund.status).toEqualTypeOf<"pending" | "succeeded" | "failed">();
  });
  payment.on("payment.failed", (_record, failure) => {
    expectTypeOf(failure.providerCode).toEqualTypeOf<string | null>();
  });
  // @ts-expect-error a misspelt event name is a compile error
  payment.on("payment.confimed", () => undefined);
});

test("options name real providers and their credentials", () => {
  new PaymentGatewayIntegration({ provider: "stripe", stripe: { secretKey: "sk_test_1" } });
  new PaymentGatewayIntegration({
    provider: "paypal",
    paypal: { clientId: "a", clientSecret: "b", environment: "live" },
  });
  // @ts-expect-error unknown providers are a compile error
  new PaymentGatewayIntegration({ provider: "square" });
});
