// A real HTTP server on 127.0.0.1 (free port) standing in for a payment provider: it records every request and
// answers through a handler, which may also leave a request hanging to exercise timeouts.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export type Handler = (request: ReceivedRequest, index: number) => Reply | "hang";

export interface ProviderServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Resolves once `count` requests have arrived (polled on the event loop, never on a timer). */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startProviderServer(handler: Handler): Promise<ProviderServer> {
  const received: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry: ReceivedRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const index = received.push(entry) - 1;
      let reply: Reply | "hang";
      try {
        reply = handler(entry, index);
      } catch (error) {
        reply = { status: 599, body: { test_server_error: String(error) } };
      }
      if (reply === "hang") {
        hanging.push(response);
        return;
      }
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      response.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitForRequests(count) {
      while (received.length < count) await new Promise((resolve) => setImmediate(resolve));
    },
    close: () =>
      new Promise((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
