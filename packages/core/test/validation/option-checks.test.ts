import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { noopLogger } from "../../src/logging/logger";
import { createMemoryStorage } from "../../src/storage/memory-storage";
import { captureValidationIssues } from "../../src/testing/capture-validation-issues";
import { createManualClock } from "../../src/time/manual-clock";
import { closestName } from "../../src/validation/closest-name";
import { createValidator } from "../../src/validation/validator";

const ACCEPTED = ["clock", "logger", "storage", "rotationIntervalMs"] as const;

function checkKeys(options: Record<string, unknown>): void {
  const check = createValidator("Thing constructor");
  check.knownKeys("options", options, ACCEPTED);
  check.done();
}

describe("Validator.knownKeys", () => {
  it("accepts only the listed keys and names the nearest one for a typo", () => {
    expect(() => checkKeys({ clock: undefined, rotationIntervalMs: 5 })).not.toThrow();
    expect(captureValidationIssues(() => checkKeys({ rotationIntervalMS: 5, colour: 1 }))).toEqual([
      'options.rotationIntervalMS: "rotationIntervalMS" is not a known option (did you mean "rotationIntervalMs"?); accepted: clock, logger, storage, rotationIntervalMs',
      'options.colour: "colour" is not a known option; accepted: clock, logger, storage, rotationIntervalMs',
    ]);
  });

  it("reports an own __proto__ key from JSON as unknown instead of skipping it", () => {
    const options = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(captureValidationIssues(() => checkKeys(options))).toHaveLength(1);
  });

  it("clips a huge key in the path and message", () => {
    const [issue] = captureValidationIssues(() => checkKeys({ ["x".repeat(5000)]: 1 }));
    expect(issue!.length).toBeLessThan(300);
  });

  it("never accepts a key outside the list (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything(), { maxKeys: 5 }), (options) => {
        const unknown = Object.keys(options).filter((key) => !(ACCEPTED as readonly string[]).includes(key));
        const check = createValidator();
        expect(check.knownKeys("options", options, ACCEPTED)).toBe(unknown.length === 0);
        expect(check.issues).toHaveLength(unknown.length);
      }),
    );
  });
});

describe("closestName", () => {
  it("suggests within a third of the name's length, case-insensitively", () => {
    expect(closestName("sesitivity", ["sensitivity", "cooldown"])).toBe("sensitivity");
    expect(closestName("COOLDOWN", ["sensitivity", "cooldown"])).toBe("cooldown");
    expect(closestName("zzz", ["sensitivity", "cooldown"])).toBeUndefined();
  });
});

describe("shared port checks", () => {
  it("accept the core ports", () => {
    const check = createValidator();
    expect(check.clock("options.clock", createManualClock())).toBe(true);
    expect(check.logger("options.logger", noopLogger)).toBe(true);
    expect(check.storage("options.storage", createMemoryStorage())).toBe(true);
    expect(check.durationMs("options.leaseMs", 30_000)).toBe(true);
    expect(check.issues).toEqual([]);
  });

  it("say what is missing", () => {
    const issues = captureValidationIssues(() => {
      const check = createValidator("Thing constructor");
      check.clock("options.clock", Date);
      check.logger("options.logger", { info() {} });
      check.storage("options.storage", "redis://");
      check.durationMs("options.leaseMs", 1.5);
      check.durationMs("options.timeoutMs", 2 ** 31);
      check.done();
    });
    expect(issues).toEqual([
      "options.clock: must be a Clock (now, setTimeout, clearTimeout), got function",
      "options.logger: must be a Logger (debug, info, warn, error, child); missing debug, warn, error, child",
      "options.storage: must be a StorageAdapter (getItem, getEntry, setItem, removeItem, compareAndSet, keys); missing getItem, getEntry, setItem, removeItem, compareAndSet, keys",
      "options.leaseMs: must be an integer, got 1.5",
      "options.timeoutMs: must be at most 2147483647, got 2147483648",
    ]);
  });
});
