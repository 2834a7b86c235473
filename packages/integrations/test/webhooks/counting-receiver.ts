import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/**
 * A webhook receiver on 127.0.0.1 that dedupes nothing: it verifies each request's signature with the
 * standardwebhooks library, answers 200 and counts, per `webhook-id`, the requests it acknowledged (its 200 was
 * written out). Requests from a sender named in `hold` are received but not answered until released; when the
 * sender dies first, they are counted as abandoned (never acknowledged, so the sender rightly tries again).
 */
export interface CountingReceiver {
  readonly url: string;
  /** How many times each webhook-id was acknowledged. */
  readonly acknowledged: ReadonlyMap<string, number>;
  /** How many requests each sender (the user-agent) got acknowledged. */
  acknowledgedFrom(sender: string): number;
  /** Requests received and not yet answered, per sender. */
  heldFrom(sender: string): number;
  /** Held requests whose connection closed before an answer. */
  readonly abandoned: () => number;
  /** Requests whose signature did not verify, or that came before a secret was set (answered 400). */
  readonly rejected: () => number;
  /** Starts holding the requests of `sender`. */
  hold(sender: string): void;
  /** Sets the endpoint secret the signatures are verified with. */
  useSecret(secret: string): void;
  close(): Promise<void>;
}

export async function startCountingReceiver(): Promise<CountingReceiver> {
  const acknowledged = new Map<string, number>();
  const acknowledgedBySender = new Map<string, number>();
  const held = new Map<string, Set<ServerResponse>>();
  const holding = new Set<string>();
  let verifier: Webhook | undefined;
  let abandoned = 0;
  let rejected = 0;

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const sender = String(request.headers["user-agent"]);
      const id = String(request.headers["webhook-id"]);
      try {
        if (verifier === undefined) throw new Error("the receiver has no secret yet");
        verifier.verify(Buffer.concat(chunks).toString("utf8"), {
          "webhook-id": id,
          "webhook-timestamp": String(request.headers["webhook-timestamp"]),
          "webhook-signature": String(request.headers["webhook-signature"]),
        });
      } catch {
        rejected += 1;
        response.writeHead(400).end();
        return;
      }
      const answer = (): void => {
        // Counted once the 200 is handed to the socket: from then on the sender may treat it as delivered.
        response.writeHead(200).end(() => {
          acknowledged.set(id, (acknowledged.get(id) ?? 0) + 1);
          acknowledgedBySender.set(sender, (acknowledgedBySender.get(sender) ?? 0) + 1);
        });
      };
      if (!holding.has(sender)) {
        answer();
        return;
      }
      const waiting = held.get(sender) ?? new Set();
      held.set(sender, waiting.add(response));
      response.on("close", () => {
        if (waiting.delete(response) && !response.writableEnded) abandoned += 1;
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    acknowledged,
    acknowledgedFrom: (sender) => acknowledgedBySender.get(sender) ?? 0,
    heldFrom: (sender) => held.get(sender)?.size ?? 0,
    abandoned: () => abandoned,
    rejected: () => rejected,
    hold: (sender) => {
      holding.add(sender);
    },
    useSecret: (secret) => {
      verifier = new Webhook(secret);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
