import { describe, expect, it } from "vitest";
import { formatEtsForm, isRestrictedEtsForm, parseEtsForm } from "../../../src/forecasting/ets/ets-form";

describe("ETS form codes", () => {
  it("parses R's short and long codes", () => {
    expect(parseEtsForm("ANN")).toEqual({ error: "A", trend: "N", season: "N" });
    expect(parseEtsForm("MAdM")).toEqual({ error: "M", trend: "Ad", season: "M" });
    expect(parseEtsForm("ETS(A,Ad,A)")).toEqual({ error: "A", trend: "Ad", season: "A" });
    expect(formatEtsForm({ error: "M", trend: "A", season: "N" })).toBe("ETS(M,A,N)");
  });

  it("rejects unknown codes, including multiplicative trends", () => {
    for (const code of ["", "XYZ", "AMN", "AAdd", "ann", "ETS(A,N)"]) expect(parseEtsForm(code), code).toBeUndefined();
  });

  it("flags additive-error multiplicative-season forms as restricted", () => {
    expect(isRestrictedEtsForm({ error: "A", trend: "N", season: "M" })).toBe(true);
    expect(isRestrictedEtsForm({ error: "M", trend: "N", season: "M" })).toBe(false);
  });
});
