import type { JsonValue } from "@pelbiot/core";
import type { AnalyticsSinkBatch } from "../collector/analytics-data-collector-types";
import type { InfluxFieldValue, InfluxPoint } from "./influxdb-sink-types";

/** The event id's field (a property of the same name is overwritten by the id). */
export const EVENT_ID_FIELD = "eventId";
/** The event context's field, a JSON string (a property of the same name is overwritten by the context). */
export const EVENT_CONTEXT_FIELD = "context";

function toField(value: JsonValue): InfluxFieldValue {
  if (value === null) return undefined;
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

/**
 * Maps a collector batch to InfluxDB points: metric points to the measurement named after the metric, with their
 * tags and a float field `value`; events to `eventMeasurement`, tagged `eventName` (and `userId` when not null),
 * with scalar properties as fields of their own type, object and array properties as JSON strings (null ones are
 * left out), the event id in `eventId` and the context, when present, as a JSON string in `context`.
 *
 * @param batch - The collector's batch.
 * @param eventMeasurement - The events' measurement.
 * @returns Metric points first, then events, each in batch order.
 */
export function batchToPoints(batch: AnalyticsSinkBatch, eventMeasurement: string): InfluxPoint[] {
  const points: InfluxPoint[] = [];
  for (const metric of batch.metrics) {
    points.push({
      measurement: metric.name,
      tags: metric.tags,
      fields: { value: metric.value },
      timestamp: metric.timestamp,
    });
  }
  for (const event of batch.events) {
    const fields: Record<string, InfluxFieldValue> = {};
    for (const [key, value] of Object.entries(event.properties)) fields[key] = toField(value);
    fields[EVENT_ID_FIELD] = event.id;
    if (event.context !== undefined) fields[EVENT_CONTEXT_FIELD] = JSON.stringify(event.context);
    const tags: Record<string, string> = { eventName: event.name };
    if (event.userId !== null) tags.userId = event.userId;
    points.push({ measurement: eventMeasurement, tags, fields, timestamp: event.timestamp });
  }
  return points;
}
