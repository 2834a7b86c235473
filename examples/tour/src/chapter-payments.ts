/**
 * Chapter: a payment is created, confirmed and partially refunded in the sandbox; the confirmation goes out as a
 * signed webhook to a receiver on 127.0.0.1, which verifies the signature before it trusts the event. This is the
 * guide's "chain of responsibility" pattern: credentials → payment → confirmation → analytics → webhook.
 */
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { AnalyticsDataCollector } from "@pelbiot/analytics";
import { PelbiotError } from "@pelbiot/core";
import {
  APICredentialsManager,
  createEphemeralKeyProvider,
  formatMinorUnits,
  generateWebhookSecret,
  PaymentGatewayIntegration,
  SANDBOX_TEST_CARDS,
  verifyWebhook,
  WebhookManager,
} from "@pelbiot/integrations";
import { chapter, say, verify } from "./story";

interface Delivery {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
  readonly verified: boolean;
  readonly payload: unknown;
}

/** A webhook receiver on 127.0.0.1 that answers 204 to a verified delivery and 400 to anything else. */
async function startReceiver(secret: string) {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        // Verify against the raw body, before any JSON parsing: re-serialised JSON would not match the signature.
        const event = verifyWebhook(body, request.headers, secret);
        deliveries.push({ body, headers: request.headers, verified: true, payload: event.payload });
        response.writeHead(204).end();
      } catch {
        deliveries.push({ body, headers: request.headers, verified: false, payload: undefined });
        response.writeHead(400).end();
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { deliveries, url: `http://127.0.0.1:${port}/webhooks`, close: () => server.close() };
}

/** Runs the payments chapter; payment events are tracked in `analytics`. */
export async function paymentsChapter(analytics: AnalyticsDataCollector): Promise<void> {
  chapter("Payments and a signed webhook (@pelbiot/integrations)");

  // The shop's provider key lives under envelope encryption; an ephemeral key is for demos and tests only.
  const credentials = new APICredentialsManager({ keyProvider: createEphemeralKeyProvider() });
  await credentials.storeCredentials("sandbox", "sk_test_51PelbiotTourKey000000", "tour-secret", "shop");

  const secret = generateWebhookSecret();
  const receiver = await startReceiver(secret);
  // Deliveries to loopback are refused by default (SSRF protection); the local receiver is allowed by name.
  const webhooks = new WebhookManager({ allowedHosts: ["127.0.0.1"] });
  const payments = new PaymentGatewayIntegration(); // the in-process sandbox: nothing is charged

  // The guide's event-driven pattern: every payment event becomes an analytics event.
  payments.on("payment.confirmed", (payment) =>
    analytics.trackEvent("payment_confirmed", { amount: payment.amount, currency: payment.currency }, "ada"),
  );
  payments.on("payment.refunded", (_payment, refund) =>
    analytics.trackEvent("payment_refunded", { amount: refund.amount, reason: refund.reason }, "ada"),
  );
  payments.on("payment.failed", (_payment, failure) =>
    analytics.trackEvent("payment_failed", { code: failure.code }, "bea"),
  );

  try {
    await webhooks.registerWebhook({ event: "payment.confirmed", url: receiver.url, secret });

    const credential = await credentials.getCredentials("sandbox", "shop");
    say(`provider key stored encrypted; printed, it shows only ${credential.toJSON().maskedApiKey}`);

    const paymentId = await payments.createPayment({
      amount: 149.9,
      currency: "USD",
      method: SANDBOX_TEST_CARDS.visa,
      description: "Tent and camp stove",
      metadata: { customer: "ada", order: "order-1001" },
    });
    const confirmed = await payments.confirmPayment(paymentId, "auth-code");
    say(`payment ${confirmed.id.slice(0, 13)}… for ${confirmed.amount} ${confirmed.currency}: ${confirmed.status}`);
    verify(confirmed.status === "captured", "the sandbox captured the payment", confirmed.status);

    await webhooks.triggerWebhook("payment.confirmed", {
      paymentId: confirmed.id,
      amount: confirmed.amount,
      currency: confirmed.currency,
    });
    await webhooks.flush({ timeoutMs: 10_000 });
    const [delivery] = receiver.deliveries;
    const [log] = webhooks.getDeliveryLogs();
    say(`webhook "payment.confirmed" delivered: HTTP ${log?.statusCode} in ${log?.latencyMs?.toFixed(1)} ms`);
    verify(delivery?.verified === true, "the receiver verified the webhook signature");
    const payload = delivery.payload as { type?: string; data?: { paymentId?: string; amount?: string } };
    verify(
      payload.type === "payment.confirmed" && payload.data?.paymentId === confirmed.id,
      "the verified event names the confirmed payment",
      payload,
    );

    // Replay the delivery with the amount changed: the signature no longer matches the body.
    const forged = delivery.body.replace(confirmed.amount, "1.00");
    const forgedResponse = await fetch(receiver.url, {
      method: "POST",
      headers: Object.fromEntries(
        ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type"].map((name) => [
          name,
          String(delivery.headers[name] ?? ""),
        ]),
      ),
      body: forged,
    });
    verify(
      forgedResponse.status === 400,
      "the receiver rejected a forged copy (amount changed)",
      forgedResponse.status,
    );

    const refund = await payments.refundPayment(paymentId, 24.95, "Stove returned unused", {
      idempotencyKey: "refund-order-1001-1",
    });
    const refunded = await payments.getPayment(paymentId);
    const left = formatMinorUnits(refunded.capturedMinor - refunded.refundedMinor, refunded.currency);
    say(`refund of ${refund.amount} ${refunded.currency} (${refund.reason}): ${refunded.status}, ${left} kept`);
    verify(
      refunded.status === "partially_refunded" && refunded.refundedMinor === 2495 && refunded.capturedMinor === 14990,
      "the refund is exactly 24.95 of 149.90 USD",
      { status: refunded.status, refundedMinor: refunded.refundedMinor, capturedMinor: refunded.capturedMinor },
    );

    const declinedId = await payments.createPayment({
      amount: 60,
      currency: "USD",
      method: SANDBOX_TEST_CARDS.declined,
    });
    const declined = await payments.confirmPayment(declinedId).catch((error: unknown) => error);
    const failure = PelbiotError.is(declined) ? (declined.details as { failure?: { code?: string } }).failure : null;
    say(`a declined test card fails with ${PelbiotError.is(declined) ? declined.code : "?"} (${failure?.code})`);
    verify(failure?.code === "card_declined", "the declined card is reported as card_declined", failure);
  } finally {
    await webhooks.close();
    receiver.close();
  }
}
