// createInfluxDbSink: points per second written to a local InfluxDB 1.x (started here on a free port with a
// temporary directory), next to a raw fetch of the same line protocol built beforehand, in the same run. Both send
// requests of 5000 points one after the other; the sink's figure includes validating and formatting the points.
// Run with `pnpm --filter @pelbiot/analytics bench influxdb`.
import { createInfluxDbSink, type InfluxPoint } from "../src/influxdb/influxdb-sink";
import { formatLine } from "../src/influxdb/line-protocol";
import { findInfluxdProgram, startInfluxDb } from "../test/support/influxdb-server";

const POINTS = 100_000;
const PER_REQUEST = 5_000;
const REPEATS = 5;
const T0 = Date.UTC(2026, 0, 1);

function makePoints(offset: number): InfluxPoint[] {
  return Array.from({ length: POINTS }, (_, index) => ({
    measurement: "api_response_time",
    tags: { endpoint: `/api/users/${index % 50}`, method: index % 3 ? "GET" : "POST", region: "eu west" },
    fields: { value: 20 + (index % 977) / 7, status: index % 17 ? 200n : 500n },
    timestamp: T0 + offset + index,
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[sorted.length >> 1] as number;
}

export default async function influxdbSinkBench(): Promise<void> {
  const program = findInfluxdProgram();
  if (!("found" in program)) {
    console.log(`skipped: ${program.missing} is not installed`);
    return;
  }
  const server = await startInfluxDb(program.found);
  try {
    await server.query("", "CREATE DATABASE bench");
    const sink = createInfluxDbSink({ url: server.url, database: "bench", maxPointsPerRequest: PER_REQUEST });
    const writeUrl = `${server.url}/write?db=bench&precision=ms`;
    const sinkRates: number[] = [];
    const rawRates: number[] = [];
    const formatRates: number[] = [];
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      const points = makePoints(2 * repeat * POINTS);
      let start = performance.now();
      const bodies: string[] = [];
      for (let first = 0; first < POINTS; first += PER_REQUEST) {
        bodies.push(
          points
            .slice(first, first + PER_REQUEST)
            .map((point) => formatLine({ ...point, timestamp: (point.timestamp as number) + POINTS }, "ms"))
            .join("\n"),
        );
      }
      formatRates.push(POINTS / ((performance.now() - start) / 1000));

      start = performance.now();
      for (const body of bodies) {
        const response = await fetch(writeUrl, { method: "POST", body });
        if (response.status !== 204) throw new Error(`raw write failed: ${response.status} ${await response.text()}`);
      }
      rawRates.push(POINTS / ((performance.now() - start) / 1000));

      start = performance.now();
      await sink.write(points);
      sinkRates.push(POINTS / ((performance.now() - start) / 1000));
    }
    const count = await server.query("bench", 'SELECT count("value") FROM "api_response_time"');
    const stored = count.results[0]?.series?.[0]?.values[0]?.[1];
    const sinkRate = median(sinkRates);
    const rawRate = median(rawRates);
    console.log("| what | points/s (median of 5) | ratio to raw fetch |");
    console.log("| --- | ---: | ---: |");
    console.log(`| raw fetch of pre-built line protocol | ${Math.round(rawRate).toLocaleString("en")} | 1.00 |`);
    console.log(
      `| createInfluxDbSink().write | ${Math.round(sinkRate).toLocaleString("en")} | ${(sinkRate / rawRate).toFixed(2)} |`,
    );
    console.log(`| formatting only (no I/O) | ${Math.round(median(formatRates)).toLocaleString("en")} | — |`);
    console.log(
      `\n${POINTS.toLocaleString("en")} points × ${REPEATS} runs each way, ${PER_REQUEST} per request; stored: ${stored}`,
    );
  } finally {
    await server.stop();
  }
}
