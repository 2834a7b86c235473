import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createLogger, type LogRecord, noopLogger } from "../../src/logging/logger";
import { isSecretKey, redactSecrets } from "../../src/logging/redact";

describe("createLogger", () => {
  it("filters by level and redacts secrets in fields and bindings", () => {
    const records: LogRecord[] = [];
    const logger = createLogger({
      sink: (record) => records.push(record),
      level: "info",
      name: "webhooks",
      now: () => 7,
    });
    logger.debug("hidden");
    logger.child({ apiKey: "abc" }).warn("retrying", { attempt: 2, headers: { Authorization: "Bearer xyz" } });
    expect(records).toEqual([
      {
        level: "warn",
        message: "retrying",
        time: 7,
        name: "webhooks",
        fields: { apiKey: "[REDACTED]", attempt: 2, headers: { Authorization: "[REDACTED]" } },
      },
    ]);
  });

  it("survives a sink that throws", () => {
    const logger = createLogger({
      sink: () => {
        throw new Error("disk full");
      },
    });
    expect(() => logger.error("x")).not.toThrow();
  });

  it("rejects bad options listing every issue", () => {
    try {
      createLogger({ sink: "console" as unknown as () => void, level: "loud" as "info" });
      expect.unreachable();
    } catch (error) {
      expect(PelbiotValidationError.isValidationError(error)).toBe(true);
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
        "options.sink",
        "options.level",
      ]);
    }
  });

  it("noopLogger discards everything", () => {
    expect(() => noopLogger.child({}).info("x", { a: 1 })).not.toThrow();
  });
});

describe("redactSecrets", () => {
  it("recognises secret names in any style and leaves look-alikes", () => {
    for (const key of [
      "password",
      "X-Api-Key",
      "client_secret",
      "accessToken",
      "stripeSignature",
      "pin",
      "card_number",
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ["shippingAddress", "author", "spinner", "sessionCount"]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it("replaces secret-looking values anywhere", () => {
    expect(
      redactSecrets({
        note: "sk_live_abcdefghijkl",
        list: ["Bearer abc.def", "plain"],
        jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
      }),
    ).toEqual({ note: "[REDACTED]", list: ["[REDACTED]", "plain"], jwt: "[REDACTED]" });
  });

  it("handles cycles, errors, maps, dates and depth without mutating input", () => {
    const input: Record<string, unknown> = { at: new Date(0), map: new Map([["token", "t"]]) };
    input.self = input;
    input.error = Object.assign(new Error("boom"), { code: "E1" });
    const output = redactSecrets(input) as Record<string, unknown>;
    expect(output).toEqual({
      at: "1970-01-01T00:00:00.000Z",
      map: { token: "[REDACTED]" },
      self: "[Circular]",
      error: { name: "Error", message: "boom", code: "E1" },
    });
    expect(input.self).toBe(input);
    expect(redactSecrets({ a: { b: { c: 1 } } }, { maxDepth: 2 })).toEqual({ a: { b: "[Truncated]" } });
  });

  it("survives Map keys whose toString is broken", () => {
    const hostile = new Map<unknown, unknown>([
      [{ toString: "" }, new Map()],
      [Object.create(null), 1],
      [Symbol("s"), 2],
    ]);
    expect(redactSecrets(hostile)).toEqual({ "[object Object]": 1, "Symbol(s)": 2 });
  });

  it("output is always JSON-serialisable", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withTypedArray: true }), (value) => {
        expect(() => JSON.stringify(redactSecrets(value))).not.toThrow();
      }),
    );
  });
});
