import { describe, expectTypeOf, it } from "vitest";
import {
  BiometricAuthManager,
  type BiometricCredential,
  type BiometricModality,
  type BiometricRejectionReason,
  type BiometricVerification,
} from "../../src/server/index";

describe("BiometricAuthManager public types", () => {
  const bio = new BiometricAuthManager({ rpId: "example.com", rpName: "Example", origins: ["https://example.com"] });

  it("keeps the guide's shapes: verifyBiometric resolves to a boolean", () => {
    expectTypeOf(bio.verifyBiometric("user-1", "fingerprint", {})).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(bio.registerBiometric("user-1", "face", {})).toEqualTypeOf<Promise<BiometricCredential>>();
    expectTypeOf<BiometricModality>().toEqualTypeOf<"fingerprint" | "face" | "iris">();
    // @ts-expect-error voice is not a modality
    bio.verifyBiometric("user-1", "voice", {});
    // @ts-expect-error the relying party is required
    new BiometricAuthManager({ rpName: "Example" });
  });

  it("narrows a detailed verification on verified", () => {
    const check = (result: BiometricVerification) => {
      if (result.verified) expectTypeOf(result.credential).toEqualTypeOf<BiometricCredential>();
      else expectTypeOf(result.reason).toEqualTypeOf<BiometricRejectionReason>();
    };
    expectTypeOf(check).toBeFunction();
  });

  it("types event payloads", () => {
    bio.on("biometric_rejected", (event) => {
      expectTypeOf(event.reason).toEqualTypeOf<BiometricRejectionReason>();
      expectTypeOf(event.ceremony).toEqualTypeOf<"registration" | "authentication">();
    });
    // @ts-expect-error no such event
    bio.on("biometric_rejectd", () => {});
  });
});
