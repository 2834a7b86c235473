// PredictiveAnalyticsEngine in a storage adapter: models written behind the synchronous calls, `save()` to wait for
// them, `load()` / `open()` to read them in another engine, over real files.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, createManualClock, createMemoryStorage, type Logger, type LogRecord } from "@pelbiot/core";
import { createFileStorage } from "@pelbiot/core/node";
import { captureValidationIssues, expectPelbiotError, expectPelbiotErrorAsync } from "@pelbiot/core/testing";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PredictiveAnalyticsEngine } from "../../src/predictive/predictive-analytics-engine";
import { failingStorage } from "../support/failing-storage";

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const directories: string[] = [];

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "pelbiot-predictive-"));
  directories.push(directory);
  return directory;
}

/** A daily series rising 2 a day with a little deterministic wobble. */
function series(days: number, offset = 0) {
  return Array.from({ length: days }, (_, index) => {
    const day = index + offset;
    return { timestamp: START + day * DAY, value: 50 + 2 * day + Math.sin(day * 7.1) };
  });
}

/** Every record a file storage directory holds, read with plain JSON.parse: key → parsed value. */
function readRecordFiles(directory: string): Map<string, unknown> {
  const records = new Map<string, unknown>();
  for (const name of readdirSync(directory)) {
    let record: { key?: unknown; value?: unknown };
    try {
      record = JSON.parse(readFileSync(join(directory, name), "utf8")) as typeof record;
    } catch {
      continue; // lock files and the like
    }
    if (typeof record.key === "string" && typeof record.value === "string") {
      records.set(record.key, JSON.parse(record.value));
    }
  }
  return records;
}

describe("PredictiveAnalyticsEngine persistence", { timeout: 30_000 }, () => {
  it("keeps the guide's synchronous calls and stores the trained model in files another engine reads", async () => {
    const directory = temporaryDirectory();
    const clock = createManualClock(START);
    const predictor = new PredictiveAnalyticsEngine({ storage: createFileStorage({ directory }), clock, model: "AAN" });
    predictor.trainModel("sales_forecast", series(30));
    const first = predictor.makePrediction("sales_forecast", series(5, 30), { forecastHorizon: 3 });
    await predictor.save();

    // Read back without the library: one record per model, holding every point of the history.
    const stored = readRecordFiles(directory).get("analytics:predictive:models:sales_forecast") as {
      modelId: string;
      modelCode: string;
      timestamps: number[];
      values: number[];
    };
    expect(stored.modelId).toBe("sales_forecast");
    expect(stored.modelCode).toBe("AAN");
    expect(stored.timestamps).toHaveLength(35);
    expect(stored.values[34]).toBeCloseTo(50 + 2 * 34 + Math.sin(34 * 7.1), 10);

    // Another engine over the same directory (as another process would be): unknown until loaded.
    const other = new PredictiveAnalyticsEngine({ storage: createFileStorage({ directory }), clock });
    const missing = expectPelbiotError(() => other.makePrediction("sales_forecast", []), "MODEL_NOT_FOUND");
    expect(missing.message).toContain("await load()");
    const loaded = await other.load();
    expect(loaded.map((model) => [model.modelId, model.points, model.modelCode])).toEqual([
      ["sales_forecast", 35, "AAN"],
    ]);
    const again = other.makePrediction("sales_forecast", [], { forecastHorizon: 3 });
    expect(again.points).toEqual(first.points);
  });

  it("opens an engine with its stored models, and forgets a deleted one in storage too", async () => {
    const directory = temporaryDirectory();
    const trainer = new PredictiveAnalyticsEngine({ storage: createFileStorage({ directory }), model: "AAN" });
    trainer.trainModel("north", series(20));
    trainer.trainModel("south", series(20, 5));
    await trainer.save();
    expect(trainer.deleteModel("north")).toBe(true);
    await trainer.save();

    const opened = await PredictiveAnalyticsEngine.open({ storage: createFileStorage({ directory }) });
    expect(opened.listModels().map((model) => model.modelId)).toEqual(["south"]);
    expect([...readRecordFiles(directory).keys()]).toEqual(["analytics:predictive:models:south"]);
  });

  it("reports a failed write from save(), keeps the model, and stores it once storage works again", async () => {
    const { storage, setFailing } = failingStorage();
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "warn" });
    const predictor = new PredictiveAnalyticsEngine({ storage, logger, model: "AAN" });
    setFailing(true);
    predictor.trainModel("sales_forecast", series(20));
    const error = await expectPelbiotErrorAsync(() => predictor.save(), "STORAGE_ERROR");
    expect(error.message).toContain("PredictiveAnalyticsEngine.save");
    expect(error.message).toContain("disk full");
    expect(records.some((record) => record.message.includes("could not be saved"))).toBe(true);
    // The synchronous calls carry on from memory meanwhile.
    expect(predictor.makePrediction("sales_forecast", [], { forecastHorizon: 2 }).points).toHaveLength(2);

    setFailing(false);
    await predictor.save();
    const reader = await PredictiveAnalyticsEngine.open({ storage });
    expect(reader.getModel("sales_forecast").points).toBe(20);
  });

  it("follows another engine's deletions on load, but keeps models not yet stored", async () => {
    const storage = createMemoryStorage();
    const first = new PredictiveAnalyticsEngine({ storage, model: "AAN" });
    first.trainModel("shared", series(20));
    await first.save();
    const second = await PredictiveAnalyticsEngine.open({ storage });
    second.deleteModel("shared");
    await second.save();
    first.trainModel("local", series(20)); // its write is still pending when load() starts
    expect((await first.load()).map((model) => model.modelId)).toEqual(["local"]);
    expect(first.listModels().map((model) => model.modelId)).toEqual(["local"]);
  });

  it("keeps saving in the background after a logger that throws", async () => {
    const { storage, setFailing } = failingStorage();
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {
        throw new Error("logger down");
      },
      error() {},
      child: () => logger,
    };
    const predictor = new PredictiveAnalyticsEngine({ storage, logger, model: "AAN" });
    setFailing(true);
    predictor.trainModel("first", series(20));
    await expectPelbiotErrorAsync(() => predictor.save(), "STORAGE_ERROR");
    setFailing(false);
    predictor.trainModel("second", series(20));
    await predictor.save();
    const reader = await PredictiveAnalyticsEngine.open({ storage });
    expect(reader.listModels().map((model) => model.modelId)).toEqual(["first", "second"]);
  });

  it("does not let a stored model overwrite an unsaved change in memory", async () => {
    const { storage, setFailing } = failingStorage();
    const writer = new PredictiveAnalyticsEngine({ storage, model: "AAN" });
    writer.trainModel("m", series(20));
    await writer.save();
    setFailing(true);
    writer.makePrediction("m", series(3, 20), { forecastHorizon: 1 }); // 23 points, unsaved
    await expectPelbiotErrorAsync(() => writer.save(), "STORAGE_ERROR");
    expect(await writer.load()).toEqual([]);
    expect(writer.getModel("m").points).toBe(23);
    setFailing(false);
  });

  it("separates engines by keyPrefix on one adapter and skips a damaged stored model", async () => {
    const storage = createMemoryStorage();
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "warn" });
    const shop = new PredictiveAnalyticsEngine({ storage, keyPrefix: "shop:", model: "AAN" });
    shop.trainModel("m", series(20));
    await shop.save();
    expect((await PredictiveAnalyticsEngine.open({ storage, keyPrefix: "other:" })).listModels()).toEqual([]);

    await storage.setItem("shop:models:broken", JSON.stringify({ modelId: "broken", timestamps: "nope" }));
    const reader = await PredictiveAnalyticsEngine.open({ storage, keyPrefix: "shop:", logger });
    expect(reader.listModels().map((model) => model.modelId)).toEqual(["m"]);
    expect(records.map((record) => record.fields?.modelId)).toEqual(["broken"]);
  });

  it("writes a snapshot restored with fromJSON into its storage", async () => {
    const source = new PredictiveAnalyticsEngine({ model: "AAN" });
    source.trainModel("m", series(20));
    const storage = createMemoryStorage();
    const restored = PredictiveAnalyticsEngine.fromJSON(JSON.stringify(source), { storage });
    await restored.save();
    expect((await PredictiveAnalyticsEngine.open({ storage })).getModel("m")).toEqual(source.getModel("m"));
  });

  it("after save(), a freshly opened engine holds exactly the models and histories of the writer (property)", async () => {
    const operation = fc.oneof(
      fc.record({
        kind: fc.constant("train" as const),
        id: fc.constantFrom("a", "b", "c"),
        days: fc.integer({ min: 10, max: 25 }),
      }),
      fc.record({
        kind: fc.constant("predict" as const),
        id: fc.constantFrom("a", "b", "c"),
        days: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant("delete" as const), id: fc.constantFrom("a", "b", "c") }),
      fc.record({ kind: fc.constant("save" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 12 }), async (operations) => {
        const storage = createMemoryStorage();
        const writer = new PredictiveAnalyticsEngine({ storage, model: "AAN", clock: createManualClock(START) });
        for (const step of operations) {
          if (step.kind === "train") writer.trainModel(step.id, series(step.days));
          else if (step.kind === "delete") writer.deleteModel(step.id);
          else if (step.kind === "save") await writer.save();
          else if (writer.listModels().some((model) => model.modelId === step.id)) {
            const last = writer.getModel(step.id).lastTimestamp;
            const offset = (last - START) / DAY + 1;
            writer.makePrediction(step.id, series(step.days, offset), { forecastHorizon: 1 });
          }
        }
        await writer.save();
        const reader = await PredictiveAnalyticsEngine.open({ storage });
        const sorted = (engine: PredictiveAnalyticsEngine) =>
          engine.listModels().sort((left, right) => (left.modelId < right.modelId ? -1 : 1));
        expect(sorted(reader)).toEqual(sorted(writer));
        for (const model of writer.listModels()) {
          const fromWriter = writer.toJSON().models.find((entry) => entry.modelId === model.modelId);
          const fromReader = reader.toJSON().models.find((entry) => entry.modelId === model.modelId);
          expect(fromReader).toEqual(fromWriter);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("validates the new options", () => {
    const issues = captureValidationIssues(
      () => new PredictiveAnalyticsEngine({ storage: {} as never, keyPrefix: 5 as never, loger: {} } as never),
    );
    expect(issues).toEqual([
      expect.stringContaining('options.loger: "loger" is not a known option (did you mean "logger"?)'),
      expect.stringContaining("options.storage"),
      expect.stringContaining("options.keyPrefix"),
    ]);
  });
});
