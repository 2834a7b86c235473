import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskSecret } from "../../src/credentials/mask-secret";

describe("maskSecret", () => {
  it.each([
    ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_…p7dc"],
    ["sk_live_xxx", "…xx"],
    ["secret-value-1234", "…1234"],
    ["correct-horse-battery-staple", "…aple"],
    ["my_password_is_long_enough", "my_…ough"],
    ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_…LaSw"],
    ["hunter2", "…2"],
    ["secret", "…t"],
    ["abc", "…"],
    ["", "…"],
  ])("masks %j as %j", (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });

  it("never shows more than a quarter of the random part, nor more than four characters of it (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (secret) => {
        const masked = maskSecret(secret);
        const [prefix = "", tail = ""] = masked.split("…");
        expect(secret.startsWith(prefix)).toBe(true);
        expect(prefix.length).toBeLessThanOrEqual(12);
        if (prefix !== "") expect(secret.length - prefix.length).toBeGreaterThanOrEqual(12);
        const rest = secret.length - prefix.length;
        expect(tail.length).toBeLessThanOrEqual(Math.min(4, Math.floor(rest / 4)));
        expect(secret.endsWith(tail)).toBe(true);
      }),
      { seed: 99, numRuns: 300 },
    );
  });
});
