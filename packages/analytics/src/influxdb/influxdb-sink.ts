import { createValidator, PelbiotError, retry, toPelbiotError } from "@pelbiot/core";
import type { AnalyticsSinkBatch } from "../collector/analytics-data-collector-types";
import { batchToPoints } from "./batch-to-points";
import { checkInfluxPoint, isWritablePoint } from "./influx-point-check";
import { type InfluxDbSinkOptions, resolveInfluxDbSinkOptions } from "./influxdb-sink-options";
import type { InfluxDbSink, InfluxPoint, InfluxWriteResult } from "./influxdb-sink-types";
import { formatLine } from "./line-protocol";
import { postLines } from "./write-request";

export type { InfluxDbSinkOptions } from "./influxdb-sink-options";
export type {
  InfluxDbSink,
  InfluxFieldValue,
  InfluxPoint,
  InfluxPrecision,
  InfluxWriteResult,
} from "./influxdb-sink-types";

/**
 * Creates an {@link InfluxDbSink}: an `AnalyticsDataCollector` sink, and a small client, that writes InfluxDB 1.x
 * line protocol over HTTP (`POST /write`). It needs only `fetch`, so it runs in Node, browsers and workers.
 *
 * Names are escaped as InfluxDB's parser reads them (commas, spaces and equals signs in measurements, tag keys,
 * tag values and field keys; quotes and backslashes in string values; unicode as UTF-8). The few names line
 * protocol cannot carry at all (a newline, a trailing backslash, a backslash before a comma, space, equals sign or
 * quote, a measurement starting with `#`, the key `time`) are refused with `VALIDATION_ERROR` before anything is
 * sent, so a batch is never half-written by the sink. Requests are retried with core's `retry()` on network
 * failures, timeouts, 5xx and 429; other 4xx answers are final.
 *
 * @param options - The server's `url` and `database`, plus precision, retention policy, credentials and limits.
 * @returns The sink.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every invalid or unknown option.
 * @example
 * ```ts
 * const influx = createInfluxDbSink({ url: "http://127.0.0.1:8086", database: "analytics" });
 * const collector = new AnalyticsDataCollector({ sinks: [influx] });
 * collector.recordMetric("api_response_time", 45.2, { endpoint: "/api/users", method: "GET" });
 * await collector.flush();
 * await influx.write({ measurement: "deploys", tags: { service: "api" }, fields: { version: "1.4.2" } });
 * ```
 */
export function createInfluxDbSink(options: InfluxDbSinkOptions): InfluxDbSink {
  const resolved = resolveInfluxDbSinkOptions(options);

  function formatChunk(points: readonly InfluxPoint[], start: number): { body: string; lines: number } {
    const end = Math.min(points.length, start + resolved.maxPointsPerRequest);
    let body = "";
    let lines = 0;
    for (let index = start; index < end; index += 1) {
      const line = formatLine(points[index] as InfluxPoint, resolved.precision);
      if (line === undefined) continue;
      body += lines === 0 ? line : `\n${line}`;
      lines += 1;
    }
    return { body, lines };
  }

  async function writeValid(points: readonly InfluxPoint[]): Promise<InfluxWriteResult> {
    let requests = 0;
    let written = 0;
    let next = points.length > 0 ? formatChunk(points, 0) : undefined;
    for (let start = 0; next !== undefined; start += resolved.maxPointsPerRequest) {
      const { body, lines } = next;
      const sending = retry(() => postLines(resolved, body, lines), {
        ...resolved.retry,
        clock: resolved.clock,
      });
      // Format the next request while this one is on the wire; requests still go one at a time, in order.
      const following = start + resolved.maxPointsPerRequest;
      next = following < points.length ? formatChunk(points, following) : undefined;
      try {
        await sending;
      } catch (error) {
        throw withProgress(toPelbiotError(error), written);
      }
      requests += 1;
      written += lines;
    }
    return { points: written, requests };
  }

  return {
    name: resolved.name,
    async send(batch: AnalyticsSinkBatch): Promise<void> {
      const points = batchToPoints(batch, resolved.eventMeasurement);
      // VALIDATION_ERROR is final for the collector's retry: a batch that cannot be written is not resent.
      const check = createValidator("InfluxDbSink.send");
      const metrics = batch.metrics.length;
      points.forEach((point, index) => {
        if (isWritablePoint(point)) return;
        const path = index < metrics ? `batch.metrics.${index}` : `batch.events.${index - metrics}`;
        checkInfluxPoint(check, path, point);
      });
      check.done();
      await writeValid(points);
    },
    async write(input: InfluxPoint | readonly InfluxPoint[]): Promise<InfluxWriteResult> {
      const list: readonly unknown[] = Array.isArray(input) ? input : [input];
      const check = createValidator("InfluxDbSink.write");
      if (Array.isArray(input)) {
        check.array("points", input, { maxLength: 10_000_000 });
        for (const [index, point] of list.entries()) {
          if (!isWritablePoint(point)) checkInfluxPoint(check, `points.${index}`, point);
        }
      } else if (!isWritablePoint(input)) {
        checkInfluxPoint(check, "point", input);
      }
      check.done();
      return writeValid(list as readonly InfluxPoint[]);
    },
  };
}

/** Adds how many points earlier requests of the same write had stored, so a caller knows what to resend. */
function withProgress(error: PelbiotError, written: number): PelbiotError {
  if (written === 0) return error;
  return new PelbiotError(error.code, `${error.message} (after ${written} points were written)`, {
    cause: error,
    details: { ...error.details, written },
  });
}
