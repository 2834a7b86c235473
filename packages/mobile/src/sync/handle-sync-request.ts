import { type PelbiotErrorCode, toPelbiotError } from "@pelbiot/core";
import type { SyncCoordinator } from "./sync-coordinator";
import type { PullRequest, PushRequest } from "./sync-protocol";

// Client errors get 4xx so that HTTP clients (and core's retry) do not resend the same request forever.
const STATUS_BY_CODE: Partial<Record<PelbiotErrorCode, number>> = { VALIDATION_ERROR: 400, LIMIT_EXCEEDED: 413 };

/** A framework-neutral HTTP request, as {@link handleSyncRequest} needs it. */
export interface SyncHttpRequest {
  /** HTTP method. */
  method: string;
  /** Path relative to where the handler is mounted: `/push` or `/pull`. */
  path: string;
  /** The raw request body. */
  body: string;
}

/** A framework-neutral HTTP response. */
export interface SyncHttpResponse {
  /** Status code. */
  status: number;
  /** JSON body. */
  body: string;
  /** Response headers. */
  headers: Record<string, string>;
}

/**
 * Serves a coordinator over HTTP in any framework: pass the method, the path below the mount point and the raw body,
 * send back what it returns. Invalid requests get 400 with the validation issues, a push over the coordinator's
 * `maxPushBytes` 413 (not worth retrying as is), unknown paths 404, other failures 500.
 *
 * @param coordinator - The coordinator.
 * @param request - Method, path and body.
 * @returns Status, JSON body and headers.
 * @example
 * ```ts
 * const reply = await handleSyncRequest(coordinator, { method: req.method, path: "/push", body: rawBody });
 * res.writeHead(reply.status, reply.headers).end(reply.body);
 * ```
 */
export async function handleSyncRequest(
  coordinator: SyncCoordinator,
  request: SyncHttpRequest,
): Promise<SyncHttpResponse> {
  const headers = { "content-type": "application/json" };
  const reply = (status: number, value: unknown): SyncHttpResponse => ({
    status,
    body: JSON.stringify(value),
    headers,
  });
  const path = request.path.replace(/\/+$/, "");
  if (path !== "/push" && path !== "/pull") return reply(404, { error: "NOT_FOUND", message: `No sync route ${path}` });
  if (request.method !== "POST") return reply(405, { error: "METHOD_NOT_ALLOWED", message: "Use POST" });
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return reply(400, { error: "VALIDATION_ERROR", message: "Body must be JSON" });
  }
  try {
    const result =
      path === "/push" ? await coordinator.push(body as PushRequest) : await coordinator.pull(body as PullRequest);
    return reply(200, result);
  } catch (error) {
    const failure = toPelbiotError(error);
    const status = STATUS_BY_CODE[failure.code] ?? 500;
    return reply(status, { error: failure.code, message: failure.message });
  }
}
