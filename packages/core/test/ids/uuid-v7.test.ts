import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PelbiotValidationError } from "../../src/errors/pelbiot-validation-error";
import { isUuidV7, uuidv7, uuidv7Timestamp } from "../../src/ids/uuid-v7";
import { createManualClock } from "../../src/time/manual-clock";

const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("uuidv7", () => {
  it("produces canonical lowercase UUIDs with version 7 and variant 10xx", () => {
    for (let count = 0; count < 200; count++) {
      const id = uuidv7();
      expect(id).toMatch(CANONICAL);
      expect(id[14]).toBe("7");
      expect(["8", "9", "a", "b"]).toContain(id[19]);
      expect(isUuidV7(id)).toBe(true);
    }
  });

  it("embeds the clock's time in the first 48 bits", () => {
    const time = Date.UTC(2025, 5, 15, 12, 30, 45, 678);
    const clock = createManualClock(time);
    const id = uuidv7({ clock });
    expect(id.slice(0, 8) + id.slice(9, 13)).toBe(time.toString(16).padStart(12, "0"));
    expect(uuidv7Timestamp(id)).toBe(time);
  });

  it("uses the system clock by default", () => {
    const before = Date.now();
    const timestamp = uuidv7Timestamp(uuidv7());
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
  });

  it("keeps 10,000 ids in one millisecond unique and strictly increasing, on that millisecond", () => {
    const clock = createManualClock(Date.UTC(2025, 0, 1));
    const ids = Array.from({ length: 10_000 }, () => uuidv7({ clock }));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id, index) => index === 0 || (ids[index - 1] as string) < id)).toBe(true);
    expect(ids.every((id) => uuidv7Timestamp(id) === clock.now())).toBe(true);
  });

  it("stays increasing when the clock steps back", () => {
    const clock = createManualClock(1_000_000);
    const first = uuidv7({ clock });
    clock.setTime(999_000);
    const second = uuidv7({ clock });
    expect(second > first).toBe(true);
    expect(uuidv7Timestamp(second)).toBe(1_000_000);
    clock.setTime(1_000_001);
    expect(uuidv7Timestamp(uuidv7({ clock }))).toBe(1_000_001);
  });

  it("keeps a separate sequence per clock", () => {
    const ahead = createManualClock(5_000_000);
    uuidv7({ clock: ahead });
    const behind = createManualClock(1_000);
    expect(uuidv7Timestamp(uuidv7({ clock: behind }))).toBe(1_000);
  });

  it("floors fractional clock times", () => {
    expect(uuidv7Timestamp(uuidv7({ clock: createManualClock(1_234.9) }))).toBe(1_234);
  });

  it("rejects a malformed clock and out-of-range times", () => {
    expect(() => uuidv7({ clock: { now: () => 0 } as never })).toThrow(PelbiotValidationError);
    expect(() => uuidv7({ clock: createManualClock(-1) })).toThrow(/options\.clock: now\(\) must return/);
    expect(() => uuidv7({ clock: createManualClock(2 ** 48) })).toThrow(PelbiotValidationError);
    expect(() => uuidv7(null as never)).toThrow(PelbiotValidationError);
  });

  it("is strictly increasing for any non-decreasing sequence of clock times", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 47 }),
        fc.array(fc.oneof(fc.constant(0), fc.nat(5), fc.nat(1_000_000)), { minLength: 1, maxLength: 200 }),
        (start, steps) => {
          const clock = createManualClock(start);
          let previous = "";
          for (const step of steps) {
            clock.advance(step);
            const id = uuidv7({ clock });
            if (!(id > previous)) return false;
            if (uuidv7Timestamp(id) !== clock.now()) return false;
            previous = id;
          }
          return true;
        },
      ),
    );
  });
});

describe("isUuidV7", () => {
  it("accepts version 7 in either case and rejects everything else", () => {
    expect(isUuidV7("01936f0e-8a4b-7c2d-9e3f-0a1b2c3d4e5f")).toBe(true);
    expect(isUuidV7("01936F0E-8A4B-7C2D-9E3F-0A1B2C3D4E5F")).toBe(true);
    expect(isUuidV7("f47ac10b-58cc-4372-a567-0e02b2c3d479")).toBe(false);
    expect(isUuidV7("01936f0e-8a4b-7c2d-ce3f-0a1b2c3d4e5f")).toBe(false);
    expect(isUuidV7("01936f0e8a4b7c2d9e3f0a1b2c3d4e5f")).toBe(false);
    expect(isUuidV7(" 01936f0e-8a4b-7c2d-9e3f-0a1b2c3d4e5f")).toBe(false);
    expect(isUuidV7(42)).toBe(false);
  });
});

describe("uuidv7Timestamp", () => {
  it("reads the embedded milliseconds", () => {
    expect(uuidv7Timestamp("01936f0e-8a4b-7c2d-9e3f-0a1b2c3d4e5f")).toBe(0x01936f0e8a4b);
    expect(uuidv7Timestamp("00000000-0000-7000-8000-000000000000")).toBe(0);
    expect(uuidv7Timestamp("ffffffff-ffff-7fff-bfff-ffffffffffff")).toBe(2 ** 48 - 1);
  });

  it("rejects anything but a UUIDv7", () => {
    expect(() => uuidv7Timestamp("f47ac10b-58cc-4372-a567-0e02b2c3d479")).toThrow(PelbiotValidationError);
    expect(() => uuidv7Timestamp(undefined as never)).toThrow(/id: must be a UUIDv7/);
  });
});
