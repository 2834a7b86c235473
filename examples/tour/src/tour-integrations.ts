import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  APICredentialsManager,
  createEphemeralKeyProvider,
  verifyWebhook,
  WebhookManager,
} from "@pelbiot/integrations";

/** Stores a provider key under envelope encryption, then delivers a signed webhook to a real local server. */
export async function tourIntegrations(): Promise<void> {
  // An ephemeral key is for demos and tests only; production reads PELBIOT_CREDENTIAL_KEYS or a KMS.
  const creds = new APICredentialsManager({ keyProvider: createEphemeralKeyProvider() });
  await creds.storeCredentials("stripe", "sk_live_51HxDemoKey0000000000", "demo-secret", "user-1");
  const credential = await creds.getCredentials("stripe", "user-1");
  console.log(`  stored and read back; printing the object shows only ${JSON.stringify(credential)}`);
  const audit = await creds.getAuditLog("user-1");
  console.log(`  audit log: ${audit.map((entry) => `${entry.action}:${entry.result}`).join(", ")}`);

  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const received: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      // The receiver checks the Standard Webhooks signature on the raw body before trusting it.
      verifyWebhook(body, request.headers as Record<string, string>, secret);
      received.push(body);
      response.writeHead(204).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  // Local delivery has to be allowed explicitly: SSRF protection refuses loopback addresses by default.
  const webhooks = new WebhookManager({ allowedHosts: ["127.0.0.1"] });
  try {
    await webhooks.registerWebhook({ event: "payment.confirmed", url: `http://127.0.0.1:${port}/hooks`, secret });
    await webhooks.triggerWebhook("payment.confirmed", { paymentId: "pay-123", amount: 99.99 });
    for (let wait = 0; wait < 100 && received.length === 0; wait += 1)
      await new Promise((done) => setTimeout(done, 20));
    const [log] = webhooks.getDeliveryLogs();
    console.log(`  webhook delivered and verified by the receiver: HTTP ${log?.statusCode} in ${log?.latencyMs} ms`);
  } finally {
    await webhooks.close();
    server.close();
  }
}
