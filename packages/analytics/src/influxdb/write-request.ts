import { PelbiotError, parseRetryAfter } from "@pelbiot/core";
import type { ResolvedInfluxDbSinkOptions } from "./influxdb-sink-options";

// A 5xx that names a missing database or retention policy is a setup problem another attempt cannot fix.
const FINAL_SERVER_ERROR = /(database|retention policy) not found/i;

/** Reads InfluxDB's `{"error": "…"}` answer (or the first 500 characters of whatever came). */
async function readServerError(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error.slice(0, 500);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return text.slice(0, 500) || response.statusText;
}

/**
 * Sends one body of line protocol with `POST /write`. Resolves on a 2xx answer; otherwise throws a `PelbiotError`
 * whose `details.retryable` tells core's `retry()` what to do: network failures, timeouts, 5xx and 429 are
 * retryable (429 with the `Retry-After` wait), other 4xx are final (bad line protocol, a field type conflict, a
 * missing database, wrong credentials).
 *
 * @param options - The sink's resolved options.
 * @param body - Lines of line protocol, newline-separated.
 * @param points - How many points the body holds (for the error details).
 */
export async function postLines(options: ResolvedInfluxDbSinkOptions, body: string, points: number): Promise<void> {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  // A plain controller and timer rather than AbortSignal.timeout, which not every runtime with fetch has.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  let response: Response;
  try {
    response = await options.fetch(options.writeUrl, { method: "POST", headers, body, signal: controller.signal });
  } catch (error) {
    if (timedOut) {
      throw new PelbiotError("TIMEOUT", `InfluxDB write timed out after ${options.timeoutMs} ms (${points} points)`, {
        cause: error,
        details: { timeoutMs: options.timeoutMs, points, retryable: true },
      });
    }
    throw new PelbiotError("PROVIDER_ERROR", `InfluxDB write failed before an answer (${describe(error)})`, {
      cause: error,
      details: { points, retryable: true },
    });
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) {
    // Drain the (empty) body so the connection goes back to the pool.
    await response.arrayBuffer().catch(() => undefined);
    return;
  }
  const serverError = await readServerError(response);
  const status = response.status;
  const retryable = status === 429 || (status >= 500 && !FINAL_SERVER_ERROR.test(serverError));
  const retryAfterMs =
    status === 429 || status === 503
      ? parseRetryAfter(response.headers.get("retry-after"), options.clock.now())
      : undefined;
  throw new PelbiotError("PROVIDER_ERROR", `InfluxDB refused the write with HTTP ${status}: ${serverError}`, {
    details: {
      status,
      error: serverError,
      points,
      retryable,
      partialWrite: serverError.startsWith("partial write"),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
