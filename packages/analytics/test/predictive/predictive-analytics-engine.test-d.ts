import { describe, expectTypeOf, it } from "vitest";
import {
  type Prediction,
  PredictiveAnalyticsEngine,
  type SeasonalityAnalysis,
  type TrainedModelInfo,
  type TrendAnalysis,
} from "../../src/predictive/predictive-analytics-engine";

describe("PredictiveAnalyticsEngine types", () => {
  it("types the guide's calls without await: training and prediction are synchronous", () => {
    const predictor = new PredictiveAnalyticsEngine();
    const historicalData = [{ timestamp: 1698624000000, value: 45.2 }];
    expectTypeOf(predictor.trainModel("sales_forecast", historicalData)).toEqualTypeOf<TrainedModelInfo>();
    expectTypeOf(predictor.makePrediction("sales_forecast", historicalData)).toEqualTypeOf<Prediction>();
    expectTypeOf(predictor.calculateTrend([1, 2, 3])).toEqualTypeOf<TrendAnalysis>();
    expectTypeOf(predictor.calculateTrend(historicalData)).toEqualTypeOf<TrendAnalysis>();
    expectTypeOf(predictor.detectSeasonality([1, 2, 3])).toEqualTypeOf<SeasonalityAnalysis>();
    expectTypeOf<TrendAnalysis["direction"]>().toEqualTypeOf<"increasing" | "decreasing" | "no_trend">();
  });

  it("makes only the storage calls asynchronous", () => {
    const predictor = new PredictiveAnalyticsEngine();
    expectTypeOf(predictor.save()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(predictor.load()).toEqualTypeOf<Promise<TrainedModelInfo[]>>();
    expectTypeOf(PredictiveAnalyticsEngine.open()).toEqualTypeOf<Promise<PredictiveAnalyticsEngine>>();
  });

  it("refuses misspelt per-call options and wrong point shapes", () => {
    const predictor = new PredictiveAnalyticsEngine();
    // @ts-expect-error: the option is forecastHorizon
    predictor.makePrediction("m", [], { horizon: 3 });
    // @ts-expect-error: a point needs a value
    predictor.trainModel("m", [{ timestamp: 1 }]);
  });
});
