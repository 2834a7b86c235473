import { PelbiotError } from "@pelbiot/core";
import { continueTimestamps, type Spacing } from "./infer-spacing";
import type { Forecast, ForecastModel } from "./time-series-forecasting-engine-types";

/** What the engine stamps on a forecast: its id, series name, creation time and the points left out. */
export interface ForecastIdentity {
  readonly forecastId: string;
  readonly name: string;
  readonly createdAt: number;
  readonly droppedPoints: number;
}

/** A validated, regularly spaced series to forecast. */
export interface ForecastInput {
  readonly values: Float64Array;
  readonly spacing: Spacing;
  readonly lastTimestamp: number;
}

/** A model's forecast step before it gets its timestamp. */
interface ModelStep {
  readonly step: number;
  readonly value: number;
  readonly intervals: readonly { readonly level: number; readonly lower: number; readonly upper: number }[];
}

/**
 * Puts a model's steps into the public {@link Forecast} shape, the same for every model family: identity, sizes,
 * timestamps continuing the input's spacing, and copies of the intervals.
 *
 * @param parts - The forecast's identity, input, horizon, levels, interval method, model description and steps.
 * @returns The forecast, without the optional `validation` and `calibration` parts.
 */
export function assembleForecast(parts: {
  readonly identity: ForecastIdentity;
  readonly input: ForecastInput;
  readonly horizon: number;
  readonly levels: readonly number[];
  readonly intervalMethod: Forecast["intervalMethod"];
  readonly model: ForecastModel;
  readonly steps: readonly ModelStep[];
}): Forecast {
  const { identity, input, horizon, steps } = parts;
  const timestamps = continueTimestamps(input.spacing, input.lastTimestamp, horizon);
  return {
    forecastId: identity.forecastId,
    name: identity.name,
    createdAt: identity.createdAt,
    trainingPoints: input.values.length,
    droppedPoints: identity.droppedPoints,
    horizon,
    levels: parts.levels,
    intervalMethod: parts.intervalMethod,
    model: parts.model,
    points: steps.map((step, index) => ({
      step: step.step,
      timestamp: timestamps[index] as number,
      value: step.value,
      intervals: step.intervals.map((interval) => ({ ...interval })),
    })),
  };
}

/** `INSUFFICIENT_DATA` with the shared details `{ got, need }`. */
export function insufficient(got: number, need: number): PelbiotError {
  return new PelbiotError("INSUFFICIENT_DATA", `Insufficient training data: got ${got}, need at least ${need}`, {
    details: { got, need },
  });
}
