/**
 * Guide, "Module Details › 3. Advanced Analytics":
 * "PredictiveAnalyticsEngine - Predictions"
 *
 * Runs as written; the calls are synchronous (trained models are stored in the background, and `await save()` waits
 * for that). The set-up makes `historicalData`, `recentData` and `data` concrete: 120 days of sales with a weekly
 * pattern and a slow rise, then one more week.
 */
import { PredictiveAnalyticsEngine } from "@pelbiot/analytics";

export const title = "PredictiveAnalyticsEngine - Predictions";

const DAY = 86_400_000;
const WEEKLY = [0, 4, 6, 5, 3, 12, 15];
const sales = (from: number, days: number) =>
  Array.from({ length: days }, (_, index) => ({
    timestamp: Date.UTC(2026, 0, 1) + (from + index) * DAY,
    value: 100 + 0.5 * (from + index) + (WEEKLY[(from + index) % 7] ?? 0) + 2 * Math.sin((from + index) * 12.9898),
  }));

export async function run() {
  const historicalData = sales(0, 120);
  const recentData = sales(120, 7);
  const data = historicalData.map((point) => point.value);

  // Initialize
  const predictor = new PredictiveAnalyticsEngine();

  // Train model
  predictor.trainModel("sales_forecast", historicalData);

  // Make prediction
  const forecast = predictor.makePrediction("sales_forecast", recentData);

  // Analyze trends
  const trend = predictor.calculateTrend(data);

  await predictor.save();
  return {
    steps: forecast.points.length,
    firstStep: forecast.points[0],
    direction: trend.direction,
    senSlope: trend.senSlope,
  };
}
