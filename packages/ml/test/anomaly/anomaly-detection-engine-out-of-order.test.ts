import { readFileSync } from "node:fs";
import { PelbiotError } from "@pelbiot/core";
import { expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { AnomalyDetectionEngine } from "../../src/anomaly/anomaly-detection-engine";

/** A NAB file as NAB ships it (timestamps without a zone, read as UTC). */
function loadNab(name: string): { timestamp: number; value: number }[] {
  const text = readFileSync(new URL(`../../../../fixtures/ml/anomaly/nab/${name}.csv`, import.meta.url), "utf8");
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [time = "", value = ""] = line.split(",");
      return { timestamp: Date.parse(`${time.replace(" ", "T")}Z`), value: Number(value) };
    });
}

/** Rows whose timestamp is equal to / earlier than the latest before them, counted independently of the engine. */
function countOutOfOrder(points: readonly { timestamp: number }[]): { equal: number; earlier: number } {
  let latest = Number.NEGATIVE_INFINITY;
  let equal = 0;
  let earlier = 0;
  for (const { timestamp } of points) {
    if (timestamp === latest) equal += 1;
    else if (timestamp < latest) earlier += 1;
    latest = Math.max(latest, timestamp);
  }
  return { equal, earlier };
}

describe("AnomalyDetectionEngine: out-of-order timestamps on real NAB streams", () => {
  // ec2_request_latency_system_failure repeats 03:00 twelve times in the daylight-saving hour (rows 556–567).
  const latency = loadNab("ec2_request_latency_system_failure");

  it("keeps running through a repeated daylight-saving hour by default, scoring the repeated points", () => {
    const { equal, earlier } = countOutOfOrder(latency);
    expect(equal).toBe(11);
    expect(earlier).toBe(0);
    const engine = new AnomalyDetectionEngine();
    engine.trainModel("latency", latency.slice(0, 400));
    const detected = engine.detectAnomalies("latency", latency.slice(400, 800));
    expect(detected.droppedPoints).toBe(0);
    expect(engine.getModel("latency").pointsSeen).toBe(800);
    // Point by point, as a stream arrives, the same.
    const streaming = new AnomalyDetectionEngine();
    streaming.trainModel("latency", latency.slice(0, 400));
    const found = latency.slice(400, 800).flatMap((point) => streaming.update("latency", point) ?? []);
    expect(found).toEqual([...detected]);
    expect(streaming.getModel("latency").droppedPoints).toBe(0);
  });

  it('leaves the repeats out and counts them with "drop", and rejects them naming the point with "reject"', () => {
    const dropping = new AnomalyDetectionEngine({ outOfOrder: "drop" });
    dropping.trainModel("latency", latency.slice(0, 400));
    const detected = dropping.detectAnomalies("latency", latency.slice(400, 800));
    expect(detected.droppedPoints).toBe(11);
    expect(dropping.getModel("latency")).toMatchObject({ pointsSeen: 789, droppedPoints: 11 });

    const strict = new AnomalyDetectionEngine({ outOfOrder: "reject" });
    strict.trainModel("latency", latency.slice(0, 400));
    const error = expectPelbiotError(
      () => strict.detectAnomalies("latency", latency.slice(400, 800)),
      "VALIDATION_ERROR",
    );
    expect(error.message).toContain("AnomalyDetectionEngine.detectAnomalies");
    expect(error.message).toContain("dataPoints.157.timestamp: duplicates the previous timestamp");
    expect(strict.getModel("latency").pointsSeen).toBe(400);
  });

  it("drops the rows of machine_temperature_system_failure that step back in time, in training and detection", () => {
    const temperature = loadNab("machine_temperature_system_failure");
    const { earlier } = countOutOfOrder(temperature.slice(9000, 11000));
    expect(earlier).toBeGreaterThan(0);
    const engine = new AnomalyDetectionEngine();
    engine.trainModel("temperature", temperature.slice(9500, 10500));
    expect(engine.getModel("temperature").droppedPoints).toBe(countOutOfOrder(temperature.slice(9500, 10500)).earlier);
    const retrained = new AnomalyDetectionEngine();
    retrained.trainModel("temperature", temperature.slice(9000, 10100));
    const detected = retrained.detectAnomalies("temperature", temperature.slice(10100, 11000));
    expect(detected.droppedPoints).toBe(countOutOfOrder(temperature.slice(9000, 11000)).earlier);
    // A point earlier than the model's last is left out by update too, and a bad point is still an error.
    expect(retrained.update("temperature", temperature[9000] as { timestamp: number; value: number })).toBeNull();
    expect(retrained.getModel("temperature").droppedPoints).toBe(detected.droppedPoints + 1);
    expect(() => retrained.update("temperature", { timestamp: Number.NaN, value: 1 })).toThrow(PelbiotError);
  });
});
