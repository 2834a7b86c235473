import { createValidator, readSnapshot, type Validator } from "@pelbiot/core";
import type { OutOfOrderPolicy } from "../series/time-series";
import type { ResolvedForecastingOptions } from "./time-series-forecasting-engine-options";
import type { Forecast } from "./time-series-forecasting-engine-types";

/** The snapshot format `toJSON()` writes. */
export const FORECASTING_SNAPSHOT_FORMAT = "pelbiot.ml.TimeSeriesForecastingEngine";
const CONTEXT = "TimeSeriesForecastingEngine.fromJSON";

/** The serialised form of an engine, from {@link TimeSeriesForecastingEngine.toJSON}. */
export interface TimeSeriesForecastingEngineJson {
  /** Which class wrote it. */
  readonly format: typeof FORECASTING_SNAPSHOT_FORMAT;
  /** Layout version; snapshots of the previous release (no `format`, version 1) have the same layout. */
  readonly version: 1;
  /** The engine's options (without the clock). */
  readonly options: {
    /** Steps forecast when a call does not say. */
    readonly forecastHorizon: number;
    /** Fewest observations a forecast accepts. */
    readonly minDataPoints: number;
    /** Prediction-interval levels in percent. */
    readonly levels: readonly number[];
    /** Seed of the simulated intervals. */
    readonly seed: number;
    /** Sample paths simulated for intervals without a closed form. */
    readonly simulationPaths: number;
    /** What is done with out-of-order observations (absent in older snapshots). */
    readonly outOfOrder?: OutOfOrderPolicy;
  };
  /** Stored forecasts, oldest first. */
  readonly forecasts: readonly Forecast[];
}

/**
 * Writes the options (without the clock) and the stored forecasts.
 *
 * @param options - The engine's resolved options.
 * @param forecasts - Stored forecasts, oldest first.
 * @returns The snapshot, plain JSON data.
 */
export function toForecastingSnapshot(
  options: ResolvedForecastingOptions,
  forecasts: Iterable<Forecast>,
): TimeSeriesForecastingEngineJson {
  const { forecastHorizon, minDataPoints, levels, seed, simulationPaths, outOfOrder } = options;
  return {
    format: FORECASTING_SNAPSHOT_FORMAT,
    version: 1,
    options: { forecastHorizon, minDataPoints, levels: [...levels], seed, simulationPaths, outOfOrder },
    forecasts: structuredClone([...forecasts]),
  };
}

/**
 * Reads a snapshot (this release's, or the previous release's without a `format`) and checks every forecast.
 *
 * @param json - The snapshot, as an object or JSON text.
 * @returns The stored options and forecasts.
 * @throws {PelbiotValidationError} VALIDATION_ERROR for a foreign format or bad fields, with their paths.
 * @throws {PelbiotError} UNSUPPORTED for a snapshot from a newer release.
 */
export function fromForecastingSnapshot(json: unknown): { options: Record<string, unknown>; forecasts: Forecast[] } {
  const { snapshot } = readSnapshot(withCurrentHeader(json), {
    context: CONTEXT,
    format: FORECASTING_SNAPSHOT_FORMAT,
    versions: [1],
  });
  const check = createValidator(CONTEXT);
  check.object("json.options", snapshot.options);
  const forecasts = snapshot.forecasts;
  if (check.array("json.forecasts", forecasts)) {
    forecasts.forEach((entry, index) => {
      checkStoredForecast(check, `json.forecasts.${index}`, entry);
    });
  }
  check.done();
  return { options: snapshot.options as Record<string, unknown>, forecasts: structuredClone(forecasts as Forecast[]) };
}

// The previous release wrote `{ version: 1, options, forecasts }` without a format: the same layout.
function withCurrentHeader(json: unknown): unknown {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch {
      return json;
    }
  }
  if (typeof value === "object" && value !== null && !("format" in value)) {
    return { ...(value as object), format: FORECASTING_SNAPSHOT_FORMAT };
  }
  return value;
}

function checkStoredForecast(check: Validator, path: string, value: unknown): void {
  if (!check.object(path, value)) return;
  check.string(`${path}.forecastId`, value.forecastId);
  check.string(`${path}.name`, value.name);
  check.object(`${path}.model`, value.model);
  check.array(`${path}.points`, value.points);
}
