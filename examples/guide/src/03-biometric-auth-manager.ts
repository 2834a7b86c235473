/**
 * Guide, "Module Details › 1. Mobile App Enhancement":
 * "BiometricAuthManager - Secure Authentication"
 *
 * Cannot run as written: the guide hands raw `biometricData` to the server, and stored biometrics cannot be revoked
 * once leaked. `BiometricAuthManager` is a WebAuthn relying party instead: the phone checks the fingerprint itself
 * and signs a single-use challenge with a passkey, and the server keeps only the public key. So the constructor needs
 * the relying party (`rpId`, `rpName`, `origins`), `biometricData` is the phone's WebAuthn response to options the
 * server generated, and raw biometric data is refused with a VALIDATION_ERROR. The nearest working form follows;
 * `SoftwareAuthenticator` (Node only) plays the phone.
 */
import { BiometricAuthManager } from "@pelbiot/mobile/server";
import { SoftwareAuthenticator } from "@pelbiot/mobile/testing";

export const title = "BiometricAuthManager - Secure Authentication";

export async function run() {
  // Initialize
  const bio = new BiometricAuthManager({ rpId: "example.com", rpName: "Example", origins: ["https://example.com"] });
  const phone = new SoftwareAuthenticator({ origin: "https://example.com" });

  // Register biometric
  const biometricData = await phone.createCredential(await bio.generateRegistrationOptions("user-1", "fingerprint"));
  const credential = await bio.registerBiometric("user-1", "fingerprint", biometricData);

  // Verify biometric (a login signs a new challenge, so its response is a new value)
  const loginData = await phone.getAssertion(await bio.generateAuthenticationOptions("user-1"));
  const verified = await bio.verifyBiometric("user-1", "fingerprint", loginData);

  // What the guide's call does with a raw template instead of a WebAuthn response.
  const rawTemplate = await bio.registerBiometric("user-1", "fingerprint", { template: "raw-fingerprint-bytes" }).then(
    () => "accepted",
    (error: { code: string }) => error.code,
  );

  return { modality: credential.modality, verified, rawTemplate };
}
