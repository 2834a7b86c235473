/**
 * Guide, "Advanced Configuration › Database Integration":
 * "Analytics Storage:"
 *
 * Nothing to subclass: the collector forwards what it records to sinks, and `createInfluxDbSink` is the InfluxDB one
 * (line protocol over `POST /write`). `trackEvent` stays synchronous; the sink sends in batches, and `shutdown()`
 * (or `flush()`) waits for them. The sink's `write()` takes the guide's own point shape
 * `{ measurement, tags, fields, timestamp }`. So that the example runs anywhere, a local HTTP server on 127.0.0.1
 * plays InfluxDB and keeps the line protocol it receives.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AnalyticsDataCollector, createInfluxDbSink } from "@pelbiot/analytics";

export const title = "Analytics Storage";

export async function run() {
  const lines: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      lines.push(...body.split("\n").filter((line) => line.length > 0));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  try {
    // Replace Map with time-series database (InfluxDB)
    const influxdb = createInfluxDbSink({ url: `http://127.0.0.1:${port}`, database: "analytics" });
    const collector = new AnalyticsDataCollector({ sinks: [influxdb] });

    const eventName = "user_login";
    const userId = "user-1";
    const eventData = { platform: "web", duration: 1500 };
    collector.trackEvent(eventName, eventData, userId, { id: "evt-1", timestamp: 1_700_000_000_000 });
    await collector.shutdown();

    // The guide's own write, straight to the sink.
    await influxdb.write({
      measurement: "events",
      tags: { eventName, userId },
      fields: eventData,
      timestamp: Date.now(),
    });

    return { lines };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
