import { describe, expectTypeOf, it } from "vitest";
import type { AnalyticsSink } from "../../src/collector/analytics-data-collector-types";
import { createInfluxDbSink, type InfluxWriteResult } from "../../src/influxdb/influxdb-sink";

describe("createInfluxDbSink types", () => {
  it("is a collector sink whose writes are awaited", () => {
    const sink = createInfluxDbSink({ url: "http://127.0.0.1:8086", database: "analytics" });
    expectTypeOf(sink).toExtend<AnalyticsSink>();
    expectTypeOf(sink.write).returns.toEqualTypeOf<Promise<InfluxWriteResult>>();
  });

  it("accepts the field types line protocol has and refuses others", () => {
    // Only type-checked, never called: nothing is sent anywhere.
    const calls = () => {
      const sink = createInfluxDbSink({ url: "http://127.0.0.1:8086", database: "analytics" });
      void sink.write({ measurement: "m", fields: { float: 1.5, integer: 3n, flag: true, text: "x", gone: null } });
      // @ts-expect-error: objects are not field values
      void sink.write({ measurement: "m", fields: { nested: { a: 1 } } });
      // @ts-expect-error: url and database are required
      createInfluxDbSink({ url: "http://127.0.0.1:8086" });
    };
    expectTypeOf(calls).toBeFunction();
  });
});
