import { describe, expect, it } from "vitest";
import { PelbiotError } from "../../src/errors/pelbiot-error";
import { readSnapshot } from "../../src/snapshot/snapshot";
import { captureValidationIssues } from "../../src/testing/capture-validation-issues";
import { expectPelbiotError } from "../../src/testing/expect-pelbiot-error";

const spec = { context: "Model.fromJSON", format: "pelbiot.ml.Model", versions: [1, 2] } as const;

describe("readSnapshot", () => {
  it("returns the snapshot and its version, from an object or its JSON text", () => {
    const written = { format: "pelbiot.ml.Model", version: 2, weights: [1, 2] };
    expect(readSnapshot(written, spec)).toEqual({ snapshot: written, version: 2 });
    expect(readSnapshot(JSON.stringify(written), spec)).toEqual({ snapshot: written, version: 2 });
  });

  it("rejects what is not a snapshot of this class", () => {
    expect(captureValidationIssues(() => readSnapshot([], spec))).toEqual(["json: must be an object, got array(0)"]);
    expect(captureValidationIssues(() => readSnapshot("{", spec))).toEqual([
      "json: must be a pelbiot.ml.Model snapshot object or its JSON text; the text is not valid JSON",
    ]);
    expect(captureValidationIssues(() => readSnapshot({ format: "pelbiot.ml.Other", version: "1" }, spec))).toEqual([
      'json.format: must be "pelbiot.ml.Model" (a snapshot written by toJSON() of the same class)',
      'json.version: must be a finite number, got string "1"',
    ]);
  });

  it("refuses a version from a newer release with UNSUPPORTED", () => {
    const error = expectPelbiotError(
      () => readSnapshot({ format: "pelbiot.ml.Model", version: 3 }, spec),
      "UNSUPPORTED",
    );
    expect(error.message).toContain("reads version(s) 1, 2");
    expect(error.details).toEqual({ version: 3, supported: [1, 2] });
  });
});

describe("expectPelbiotError", () => {
  it("returns the matching error and fails on anything else", () => {
    const thrown = new PelbiotError("NOT_FOUND", "gone");
    expect(
      expectPelbiotError(() => {
        throw thrown;
      }, "NOT_FOUND"),
    ).toBe(thrown);
    expect(() =>
      expectPelbiotError(() => {
        throw thrown;
      }, "CONFLICT"),
    ).toThrow(/code CONFLICT, got PelbiotError NOT_FOUND/);
    expect(() => expectPelbiotError(() => 1, "CONFLICT")).toThrow(/succeeded/);
    expect(() =>
      expectPelbiotError(() => {
        throw new TypeError("x");
      }, "CONFLICT"),
    ).toThrow(/got TypeError: x/);
  });
});
