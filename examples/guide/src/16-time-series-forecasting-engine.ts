/**
 * Guide, "Module Details › 4. AI/ML Features":
 * "TimeSeriesForecastingEngine - Time Series Forecasting"
 *
 * Runs as written; the set-up is two weeks of hourly CPU readings (at least `minDataPoints`).
 */
import { TimeSeriesForecastingEngine } from "@pelbiot/ml";
import { cpuSeries } from "./support/sample-series";

export const title = "TimeSeriesForecastingEngine - Time Series Forecasting";

export async function run() {
  const historicalData = cpuSeries(24 * 14);

  // Initialize
  const forecaster = new TimeSeriesForecastingEngine({
    forecastHorizon: 168, // 7 days in hours
    minDataPoints: 100,
  });

  // Generate forecast
  const forecast = forecaster.generateForecast("cpu_usage", historicalData);

  // Get forecast details
  const details = forecaster.getForecast(forecast.forecastId);

  return {
    steps: details.points.length,
    sameForecast: details.forecastId === forecast.forecastId,
    lastHistorical: historicalData.at(-1)?.timestamp,
    firstStep: details.points[0],
  };
}
