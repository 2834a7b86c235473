import type { AnalyticsSink } from "../collector/analytics-data-collector-types";

/**
 * Timestamp precision of the line protocol, InfluxDB 1.x's `precision` parameter: nanoseconds, microseconds,
 * milliseconds, seconds, minutes or hours. Timestamps are given in epoch milliseconds and converted; with `s`, `m`
 * or `h` they are rounded down, so two points of one series in the same second (minute, hour) overwrite each other.
 */
export type InfluxPrecision = "ns" | "u" | "ms" | "s" | "m" | "h";

/**
 * A field value: a `number` is written as a float, a `bigint` as an integer (`42i`), a `boolean` as a boolean and a
 * `string` as a string field. `null` and `undefined` leave the field out.
 */
export type InfluxFieldValue = number | bigint | boolean | string | null | undefined;

/** One point to write, the shape of the guide's `influxdb.write({ measurement, tags, fields, timestamp })`. */
export interface InfluxPoint {
  /** The measurement name (non-empty, no newline, not starting with `#`). */
  readonly measurement: string;
  /** Tags: indexed string values. Empty values are left out, as InfluxDB cannot store them. */
  readonly tags?: Readonly<Record<string, string | null | undefined>> | undefined;
  /** Fields: at least one with a value. Keys may not be `time`. */
  readonly fields: Readonly<Record<string, InfluxFieldValue>>;
  /** Epoch milliseconds or a `Date`; when absent the server stamps the point with its own time. */
  readonly timestamp?: number | Date | undefined;
}

/** What a write sent. */
export interface InfluxWriteResult {
  /** Points written (lines of line protocol). */
  readonly points: number;
  /** HTTP requests that succeeded (one per `maxPointsPerRequest` points). */
  readonly requests: number;
}

/**
 * An {@link AnalyticsSink} that writes to InfluxDB 1.x over HTTP (`POST /write`), and can also be used on its own
 * through `write()`.
 */
export interface InfluxDbSink extends AnalyticsSink {
  /**
   * Writes the collector's batch: each metric point becomes a point of the measurement named after the metric, with
   * the point's tags and a float field `value`; each event becomes a point of the `eventMeasurement`, tagged with
   * `eventName` (and `userId` when there is one), with its properties as fields (see `createInfluxDbSink`).
   */
  send(batch: Parameters<AnalyticsSink["send"]>[0]): Promise<void>;
  /**
   * Writes one point or many, in requests of at most `maxPointsPerRequest` points, each retried on network errors,
   * 5xx and 429.
   */
  write(points: InfluxPoint | readonly InfluxPoint[]): Promise<InfluxWriteResult>;
}
