import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dataFileName,
  isTemporaryFileName,
  keyOfEncodedName,
  temporaryFileName,
  temporaryFileOwner,
} from "../../src/node/file-names";

// Whole UTF-16 units, lone surrogates included: storage keys may hold any of them.
const anyKey = fc.string({ unit: "binary", minLength: 1, maxLength: 300 });

describe("file storage names", () => {
  it("gives every key one portable name that, with the lock suffix, fits in 255 bytes", () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        const name = dataFileName(key);
        expect(name).toMatch(/^[kh]-[a-z0-9._%^-]+\.json$/);
        expect(Buffer.byteLength(`${name}.lock`)).toBeLessThanOrEqual(255);
      }),
    );
  });

  it("reads the key back from an encoded name, and names distinct keys distinctly", () => {
    fc.assert(
      fc.property(anyKey, anyKey, (key, other) => {
        const name = dataFileName(key);
        if (name.startsWith("k-")) expect(keyOfEncodedName(name)).toBe(key);
        if (key !== other) expect(dataFileName(other)).not.toBe(name);
      }),
    );
  });

  it("keeps case apart on case-insensitive filesystems and refuses non-canonical spellings", () => {
    expect(dataFileName("Device")).not.toBe(dataFileName("device"));
    expect(dataFileName("Device").toLowerCase()).toBe(dataFileName("Device"));
    expect(keyOfEncodedName("k-%61.json")).toBeUndefined(); // "a" spelt as an escape
    expect(keyOfEncodedName("k-A.json")).toBeUndefined();
  });

  it("names temporary files after the writing process", () => {
    const name = temporaryFileName();
    expect(isTemporaryFileName(name)).toBe(true);
    expect(temporaryFileOwner(name)).toBe(process.pid);
    expect(isTemporaryFileName(dataFileName("key"))).toBe(false);
    expect(temporaryFileOwner("t-x.tmp")).toBeNaN();
  });
});
