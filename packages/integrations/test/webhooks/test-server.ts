import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the test server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** Decides how to answer the request with the given 0-based index. */
export type Responder = (
  request: IncomingMessage,
  response: ServerResponse,
  index: number,
  received: ReceivedRequest,
) => void;

/** A real HTTP server on 127.0.0.1 with scripted answers (fault injection) and a record of what it received. */
export interface TestServer {
  readonly url: string;
  readonly received: ReceivedRequest[];
  /** Requests whose body has been read and that have not been answered yet. */
  readonly open: () => number;
  close(): Promise<void>;
}

export async function startTestServer(responder: Responder): Promise<TestServer> {
  const received: ReceivedRequest[] = [];
  let open = 0;
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
      open += 1;
      response.on("close", () => {
        open -= 1;
      });
      responder(request, response, index, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    open: () => open,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers every request with the same status. */
export function status(code: number, headers: Record<string, string> = {}, body = ""): Responder {
  return (_request, response) => {
    response.writeHead(code, headers).end(body);
  };
}

/** Polls (in real time) until `condition` holds; fails after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
