import { describe, expect, it } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { createIdGenerator } from "../../src/ids/create-id-generator";
import { isUuidV7 } from "../../src/ids/uuid-v7";
import { createManualClock } from "../../src/time/manual-clock";

describe("createIdGenerator", () => {
  it("generates <prefix>_ followed by the 32 hex digits of a UUIDv7", () => {
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    const webhookIds = createIdGenerator({ prefix: "whk", clock });
    const id = webhookIds.next();
    expect(id).toMatch(/^whk_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(webhookIds.prefix).toBe("whk");
    expect(webhookIds.isValid(id)).toBe(true);
    expect(webhookIds.timestamp(id)).toBe(clock.now());
    const uuid = webhookIds.toUuid(id);
    expect(isUuidV7(uuid)).toBe(true);
    expect(uuid.replaceAll("-", "")).toBe(id.slice(4));
  });

  it("produces ids that sort in creation order", () => {
    const clock = createManualClock(1_000);
    const paymentIds = createIdGenerator({ prefix: "pay", clock });
    const ids: string[] = [];
    for (let count = 0; count < 500; count++) {
      if (count % 50 === 0) clock.advance(1);
      ids.push(paymentIds.next());
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("uses the system clock by default", () => {
    const ids = createIdGenerator({ prefix: "msg" });
    const before = Date.now();
    expect(ids.timestamp(ids.next())).toBeGreaterThanOrEqual(before);
  });

  it("recognises only ids of its own kind", () => {
    const webhookIds = createIdGenerator({ prefix: "whk" });
    const paymentIds = createIdGenerator({ prefix: "pay" });
    expect(webhookIds.isValid(paymentIds.next())).toBe(false);
    expect(webhookIds.isValid("whk_not-an-id")).toBe(false);
    expect(webhookIds.isValid(`${webhookIds.next()}x`)).toBe(false);
    expect(webhookIds.isValid(null)).toBe(false);
    expect(() => webhookIds.timestamp(paymentIds.next())).toThrow(PelbiotValidationError);
    expect(() => webhookIds.toUuid("whk_")).toThrow(/id: must be an id like whk_/);
  });

  it("accepts prefixes of 1 to 16 lowercase letters and digits starting with a letter", () => {
    for (const prefix of ["a", "whk", "push2", "abcdefghijklmnop"]) {
      expect(createIdGenerator({ prefix }).prefix).toBe(prefix);
    }
    for (const prefix of ["", "Whk", "2fa", "wh_k", "abcdefghijklmnopq", "whk-"]) {
      expect(() => createIdGenerator({ prefix })).toThrow(PelbiotValidationError);
    }
  });

  it("lists every malformed option", () => {
    try {
      createIdGenerator({ prefix: "WHK", clock: {} as never });
      expect.unreachable();
    } catch (error) {
      expect((error as PelbiotValidationError).issues.map((issue) => issue.path)).toEqual([
        "options.prefix",
        "options.clock",
      ]);
    }
    expect(() => createIdGenerator(undefined as never)).toThrow(PelbiotValidationError);
  });
});
