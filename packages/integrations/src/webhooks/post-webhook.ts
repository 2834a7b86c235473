import { type Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { PelbiotError } from "@pelbiot/core";
import type { ResolvedAddress } from "./ssrf-guard";

/** One HTTP POST of a signed webhook; internal to the webhook manager. */
export interface PostWebhookRequest {
  /** The endpoint URL. */
  url: URL;
  /** The vetted address to connect to; the socket never resolves the name again. */
  address: ResolvedAddress;
  /** The exact signed body. */
  body: Buffer;
  /** Headers to send, signature headers included. */
  headers: Record<string, string>;
  /** Whole-request deadline (connect, send, response head and body) in milliseconds. */
  timeoutMs: number;
  /** How many characters of the response body to keep. */
  maxResponseBodyLength: number;
  /** Keep-alive agents for `http:` and `https:`. */
  agents: { http: HttpAgent; https: HttpsAgent };
  /** Aborts the request when the manager closes. */
  signal: AbortSignal;
}

/** What the endpoint answered. */
export interface PostWebhookResponse {
  /** The HTTP status code. */
  statusCode: number;
  /** The response headers. */
  headers: IncomingHttpHeaders;
  /** The start of the response body, at most `maxResponseBodyLength` characters. */
  body: string;
  /** Milliseconds from sending to the end of the response body. */
  latencyMs: number;
}

/** A response body larger than this is cut off and the connection dropped, so a receiver cannot stream forever. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Builds a `lookup` that always answers with the vetted address, in whichever shape the socket asks for. */
function pinnedLookup({ address, family }: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) {
      (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [
        { address, family },
      ]);
    } else {
      callback(null, address, family);
    }
  };
}

/**
 * Sends one webhook with `node:http`/`node:https`: no redirects are followed (a 3xx is just a status), the socket
 * connects to the pinned address, and the whole exchange is bounded by `timeoutMs`.
 *
 * @param request - What to send and where.
 * @returns The status, headers, truncated body and latency.
 * @throws {PelbiotError} TIMEOUT when the deadline passes; ABORTED when `signal` aborts; PROVIDER_ERROR on a network
 * failure such as a refused or reset connection (`details.errorCode` holds the system code).
 */
export function postWebhook(request: PostWebhookRequest): Promise<PostWebhookResponse> {
  const { url, address, body, headers, timeoutMs, maxResponseBodyLength, agents, signal } = request;
  const isHttps = url.protocol === "https:";
  const send = isHttps ? httpsRequest : httpRequest;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      outcome();
    };
    const outgoing = send({
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === "" ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers: { ...headers, "content-length": String(body.length) },
      agent: isHttps ? agents.https : agents.http,
      lookup: pinnedLookup(address),
    });
    // A real-time deadline, deliberately not on the injected clock: it bounds a socket, not a schedule.
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish(() =>
        reject(
          new PelbiotError("TIMEOUT", `The webhook endpoint did not answer within ${timeoutMs} ms.`, {
            details: { timeoutMs },
          }),
        ),
      );
    }, timeoutMs);
    const onAbort = (): void => {
      outgoing.destroy();
      finish(() => reject(new PelbiotError("ABORTED", "The webhook delivery was aborted because the manager closed.")));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          new PelbiotError("PROVIDER_ERROR", `The webhook request failed: ${error.code ?? error.message}.`, {
            cause: error,
            details: { errorCode: error.code ?? null },
          }),
        ),
      );
    });
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        else response.destroy();
      });
      const done = (): void => {
        const text = Buffer.concat(chunks).toString("utf8");
        finish(() =>
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: text.length > maxResponseBodyLength ? `${text.slice(0, maxResponseBodyLength)}…` : text,
            latencyMs: Math.round((performance.now() - started) * 100) / 100,
          }),
        );
      };
      response.on("end", done);
      // The status is already known; a body cut short (oversized or reset) still reports it.
      response.on("close", done);
      response.on("error", () => undefined);
    });
    outgoing.end(body);
  });
}
