import { createValidator, PelbiotError, toPelbiotError } from "@pelbiot/core";
import type { SyncCoordinator } from "./sync-coordinator";
import type { PullRequest, PullResponse, PushRequest, PushResponse, SyncTransport } from "./sync-protocol";

/**
 * A transport that calls a coordinator in the same process: for tests, simulations and single-process apps.
 * Requests and responses go through JSON, so nothing is shared by reference, as over a network.
 *
 * @param coordinator - The coordinator.
 * @returns A {@link SyncTransport}.
 * @example
 * ```ts
 * await sync.sync("device-1", createInMemorySyncTransport(createSyncCoordinator()));
 * ```
 */
export function createInMemorySyncTransport(coordinator: SyncCoordinator): SyncTransport {
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    push: async (request) => copy(await coordinator.push(copy(request))),
    pull: async (request) => copy(await coordinator.pull(copy(request))),
  };
}

/** Options for {@link createHttpSyncTransport}. */
export interface HttpSyncTransportOptions {
  /** Base URL; requests go to `${baseUrl}/push` and `${baseUrl}/pull`. */
  baseUrl: string;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Extra headers, e.g. `authorization`. */
  headers?: Record<string, string>;
  /** Abort a request after this many milliseconds. @default 15000 */
  timeoutMs?: number;
}

/**
 * A transport that speaks JSON over HTTP with `fetch` (works in browsers, React Native and Node). Pair it with
 * `handleSyncRequest` from `@pelbiot/mobile/server` on the server.
 *
 * @param options - Base URL, fetch, headers and timeout.
 * @returns A {@link SyncTransport}. Failed requests reject with `PROVIDER_ERROR` (with `details.status` and, when the
 * server sent one, `details.retryAfterMs`), so core's `retry` can back off.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed base URL or options.
 * @example
 * ```ts
 * const transport = createHttpSyncTransport({ baseUrl: "https://api.example.com/sync", headers: { authorization } });
 * ```
 */
export function createHttpSyncTransport(options: HttpSyncTransportOptions): SyncTransport {
  const check = createValidator("createHttpSyncTransport");
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["baseUrl", "fetch", "headers", "timeoutMs"]);
    check.check(isHttpUrl(options.baseUrl), "options.baseUrl", "must be an absolute http(s) URL");
    if (options.fetch !== undefined) check.fn("options.fetch", options.fetch);
    if (options.headers !== undefined) check.object("options.headers", options.headers);
    if (options.timeoutMs !== undefined) check.number("options.timeoutMs", options.timeoutMs, { positive: true });
  }
  check.done();
  const { baseUrl, fetch: fetchImplementation = globalThis.fetch, headers = {}, timeoutMs = 15_000 } = options;
  const root = baseUrl.replace(/\/+$/, "");

  const call = async <T>(path: "push" | "pull", body: PushRequest | PullRequest): Promise<T> => {
    let response: Response;
    try {
      response = await fetchImplementation(`${root}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw toPelbiotError(error, "PROVIDER_ERROR");
    }
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = Number(response.headers.get("retry-after"));
      throw new PelbiotError(
        "PROVIDER_ERROR",
        `Sync ${path} failed with HTTP ${response.status}: ${text.slice(0, 200)}`,
        {
          details: {
            status: response.status,
            retryable: response.status >= 500 || response.status === 429,
            ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
          },
        },
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new PelbiotError("PROVIDER_ERROR", `Sync ${path} answered with invalid JSON`, { cause: error });
    }
  };

  return {
    push: (request) => call<PushResponse>("push", request),
    pull: (request) => call<PullResponse>("pull", request),
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
