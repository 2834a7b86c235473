import { type Clock, createValidator, type RetryOptions, systemClock, type Validator } from "@pelbiot/core";
import type { InfluxPrecision } from "./influxdb-sink-types";

/** Options of {@link createInfluxDbSink}. */
export interface InfluxDbSinkOptions {
  /** The server's base URL, `http://` or `https://`, e.g. `"http://127.0.0.1:8086"` (a path prefix is kept). */
  url: string;
  /** The database to write to (create it first: `CREATE DATABASE analytics`). */
  database: string;
  /**
   * Precision of the timestamps sent (they are given in epoch milliseconds and converted).
   * @default "ms"
   */
  precision?: InfluxPrecision | undefined;
  /** The retention policy to write to. @default the database's default policy */
  retentionPolicy?: string | undefined;
  /** User name, sent with `password` as HTTP Basic authentication (never in the URL). */
  username?: string | undefined;
  /** Password of `username`. */
  password?: string | undefined;
  /** The sink's name in the collector's logs and events. @default "influxdb" */
  name?: string | undefined;
  /** Measurement of the collector's events. @default "events" */
  eventMeasurement?: string | undefined;
  /** Most points per HTTP request; larger writes are split. @default 5000 */
  maxPointsPerRequest?: number | undefined;
  /** Time limit of one HTTP request in milliseconds; a request that runs past it fails with `TIMEOUT`. @default 10000 */
  timeoutMs?: number | undefined;
  /**
   * Retry policy of each request (core's `retry()`): network failures, timeouts, 5xx and 429 (honouring
   * `Retry-After`) are retried; other 4xx answers are final.
   * @default { maxAttempts: 3 }
   */
  retry?: Omit<RetryOptions, "clock" | "signal" | "shouldRetry"> | undefined;
  /** The clock that measures retry waits. @default systemClock */
  clock?: Clock | undefined;
  /** The `fetch` to use (a proxying or instrumented one). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch | undefined;
}

/** The options with every default applied. */
export interface ResolvedInfluxDbSinkOptions {
  /** `…/write?db=…&precision=…[&rp=…]`. */
  readonly writeUrl: string;
  /** Precision of the timestamps sent (they are given in epoch milliseconds and converted). */
  readonly precision: InfluxPrecision;
  /** The `Authorization` header (Basic, from `username` and `password`), or `undefined` without credentials. */
  readonly authorization: string | undefined;
  /** The sink's name in the collector's logs and events. */
  readonly name: string;
  /** Measurement of the collector's events. */
  readonly eventMeasurement: string;
  /** Most points per HTTP request; larger writes are split. */
  readonly maxPointsPerRequest: number;
  /** Time limit of one HTTP request in milliseconds; a request that runs past it fails with `TIMEOUT`. */
  readonly timeoutMs: number;
  /**
   * Retry policy of each request (core's `retry()`): network failures, timeouts, 5xx and 429 (honouring `Retry-After`)
   * are retried; other 4xx answers are final.
   */
  readonly retry: Omit<RetryOptions, "clock" | "signal" | "shouldRetry">;
  /** The clock that measures retry waits. */
  readonly clock: Clock;
  /** The `fetch` to use (a proxying or instrumented one). */
  readonly fetch: typeof globalThis.fetch;
}

/** Every option key {@link createInfluxDbSink} accepts. */
export const INFLUXDB_SINK_OPTION_KEYS: readonly (keyof InfluxDbSinkOptions)[] = Object.freeze([
  "url",
  "database",
  "precision",
  "retentionPolicy",
  "username",
  "password",
  "name",
  "eventMeasurement",
  "maxPointsPerRequest",
  "timeoutMs",
  "retry",
  "clock",
  "fetch",
]);

const PRECISIONS: readonly InfluxPrecision[] = ["ns", "u", "ms", "s", "m", "h"];
const RETRY_KEYS = ["maxAttempts", "maxElapsedMs", "random", "initialDelayMs", "maxDelayMs", "multiplier", "jitter"];

/**
 * Validates the options of `createInfluxDbSink(options)` and applies the defaults.
 *
 * @param options - The factory's argument.
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option.
 * @example
 * ```ts
 * resolveInfluxDbSinkOptions({ url: "http://127.0.0.1:8086", database: "analytics" }).precision; // "ms"
 * ```
 */
export function resolveInfluxDbSinkOptions(options: unknown): ResolvedInfluxDbSinkOptions {
  const check = createValidator("createInfluxDbSink", { redactStrings: true });
  if (!check.object("options", options)) check.done();
  const input = options as Record<string, unknown>;
  check.knownKeys("options", input, INFLUXDB_SINK_OPTION_KEYS);
  const base = checkUrl(check, input.url);
  check.string("options.database", input.database, { minLength: 1, maxLength: 255 });
  const precision = input.precision ?? "ms";
  check.oneOf("options.precision", precision, PRECISIONS);
  optionalString(check, "options.retentionPolicy", input.retentionPolicy, 255);
  optionalString(check, "options.username", input.username, 1_000);
  // Checked by hand so that a password given with the wrong type never appears in the message.
  if (input.password !== undefined)
    check.check(typeof input.password === "string", "options.password", "must be a string");
  check.check(
    (input.username === undefined) === (input.password === undefined),
    input.username === undefined ? "options.username" : "options.password",
    "is needed too: username and password are given together",
  );
  optionalString(check, "options.name", input.name, 100);
  optionalString(check, "options.eventMeasurement", input.eventMeasurement, 1_000);
  if (input.maxPointsPerRequest !== undefined) {
    check.number("options.maxPointsPerRequest", input.maxPointsPerRequest, { integer: true, min: 1, max: 1_000_000 });
  }
  if (input.timeoutMs !== undefined) check.durationMs("options.timeoutMs", input.timeoutMs, { min: 1 });
  const retry = checkRetry(check, input.retry);
  if (input.clock !== undefined) check.clock("options.clock", input.clock);
  if (input.fetch !== undefined) check.fn("options.fetch", input.fetch);
  check.done();
  const query = new URLSearchParams({ db: input.database as string, precision: precision as string });
  if (input.retentionPolicy !== undefined) query.set("rp", input.retentionPolicy as string);
  return Object.freeze({
    writeUrl: `${base}/write?${query}`,
    precision: precision as InfluxPrecision,
    authorization:
      input.username === undefined ? undefined : basicAuthorization(input.username as string, input.password as string),
    name: (input.name as string | undefined) ?? "influxdb",
    eventMeasurement: (input.eventMeasurement as string | undefined) ?? "events",
    maxPointsPerRequest: (input.maxPointsPerRequest as number | undefined) ?? 5_000,
    timeoutMs: (input.timeoutMs as number | undefined) ?? 10_000,
    retry,
    clock: (input.clock as Clock | undefined) ?? systemClock,
    fetch: (input.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch.bind(globalThis),
  });
}

function optionalString(check: Validator, path: string, value: unknown, maxLength: number): void {
  if (value !== undefined) check.string(path, value, { minLength: 1, maxLength });
}

/** The base URL without a trailing slash, query or fragment. */
function checkUrl(check: Validator, value: unknown): string {
  if (!check.string("options.url", value, { minLength: 1, maxLength: 2_000 })) return "";
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    check.fail("options.url", 'must be an absolute http:// or https:// URL, e.g. "http://127.0.0.1:8086"');
    return "";
  }
  const fine =
    (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.search === "" && parsed.hash === "";
  check.check(fine, "options.url", "must be an http:// or https:// URL without a query or fragment");
  check.check(
    parsed.username === "" && parsed.password === "",
    "options.url",
    "must not hold credentials; pass username and password as options",
  );
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

function checkRetry(check: Validator, retry: unknown): Omit<RetryOptions, "clock" | "signal" | "shouldRetry"> {
  if (retry === undefined) return Object.freeze({ maxAttempts: 3 });
  if (!check.object("options.retry", retry)) return {};
  check.knownKeys("options.retry", retry, RETRY_KEYS);
  if (retry.maxAttempts !== undefined) {
    check.number("options.retry.maxAttempts", retry.maxAttempts, { min: 1, max: 100, integer: true });
  }
  const { maxElapsedMs, initialDelayMs, maxDelayMs, multiplier, jitter, random } = retry;
  if (maxElapsedMs !== undefined) check.number("options.retry.maxElapsedMs", maxElapsedMs, { min: 0 });
  if (initialDelayMs !== undefined) check.number("options.retry.initialDelayMs", initialDelayMs, { min: 0 });
  if (maxDelayMs !== undefined) check.number("options.retry.maxDelayMs", maxDelayMs, { min: 0 });
  if (multiplier !== undefined) check.number("options.retry.multiplier", multiplier, { min: 1 });
  if (jitter !== undefined) check.oneOf("options.retry.jitter", jitter, ["full", "none"]);
  if (random !== undefined) check.fn("options.retry.random", random);
  return Object.freeze({ ...(retry as Omit<RetryOptions, "clock" | "signal" | "shouldRetry">) });
}

function basicAuthorization(username: string, password: string): string {
  // btoa takes Latin-1 only, so the UTF-8 bytes go through as one character each.
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}
