import { PelbiotError } from "@pelbiot/core";
import { expectPelbiotError } from "@pelbiot/core/testing";
import { describe, expect, it } from "vitest";
import { resolveAnomalyDetectionEngineOptions } from "../../../src/anomaly/anomaly-detection-engine-options";
import { createDetector, restoreDetector } from "../../../src/anomaly/detectors/create-detector";

describe("restoreDetector", () => {
  it("throws PelbiotErrors, never plain Errors, for every kind of broken state", () => {
    for (const detector of ["auto", "zscore", "robust-zscore", "seasonal", "cusum", "holt-winters", "trend"] as const) {
      const options = resolveAnomalyDetectionEngineOptions({ detector });
      const values = Float64Array.from({ length: 120 }, (_, index) => 10 + Math.sin(index / 3) + (index % 7) / 10);
      const state = createDetector(values, options).toState();
      for (const broken of [
        null,
        { ...state, kind: "other" },
        ...Object.keys(state).map((field) => ({ ...state, [field]: "x" })),
      ]) {
        let caught: unknown;
        try {
          restoreDetector(broken, options);
        } catch (error) {
          caught = error;
        }
        // Fields a detector does not read may be anything; the others must fail as VALIDATION_ERROR.
        if (caught !== undefined) expect(PelbiotError.is(caught, "VALIDATION_ERROR"), `${detector}`).toBe(true);
      }
      expectPelbiotError(() => restoreDetector({ ...state, kind: "other" }, options), "VALIDATION_ERROR");
    }
  });
});
