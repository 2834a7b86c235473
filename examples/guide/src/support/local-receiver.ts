/**
 * A webhook receiver on 127.0.0.1 for the examples that deliver webhooks: the guide's `https://example.com/webhooks`
 * is a placeholder, and the examples run without a network. It verifies every delivery's Standard Webhooks signature
 * against the raw body, as a real receiver must, and answers with `status` (204 by default).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "@pelbiot/integrations";

export interface LocalReceiver {
  /** The URL to register, `http://127.0.0.1:<port>/webhooks`. */
  readonly url: string;
  /** Payloads of the deliveries whose signature checked out, in arrival order. */
  readonly received: unknown[];
  close(): Promise<void>;
}

export async function startLocalReceiver(secret: string, status = 204): Promise<LocalReceiver> {
  const received: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        const event = verifyWebhook(Buffer.concat(chunks).toString("utf8"), request.headers, secret);
        received.push(event.payload);
        response.writeHead(status).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
