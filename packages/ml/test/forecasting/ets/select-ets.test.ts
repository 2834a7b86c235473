import { describe, expect, it } from "vitest";
import { selectEts } from "../../../src/forecasting/ets/select-ets";
import { createRandom } from "../../../src/random/create-random";

describe("selectEts", () => {
  it("searches only additive forms when the data are not all positive", () => {
    const random = createRandom(4);
    const values = Array.from({ length: 48 }, (_, index) => Math.sin(index / 2) + random.normal());
    const selection = selectEts(values, { period: 12 });
    expect(selection?.candidates.map((candidate) => candidate.form.error)).not.toContain("M");
    expect(selection?.candidates).toHaveLength(6);
  });

  it("searches non-seasonal forms only when the period is 1 or too long", () => {
    const values = Array.from({ length: 60 }, (_, index) => 10 + index + (index % 2));
    expect(selectEts(values, { period: 1 })?.candidates).toHaveLength(6);
    expect(selectEts(values, { period: 30 })?.candidates).toHaveLength(6);
  });
});
