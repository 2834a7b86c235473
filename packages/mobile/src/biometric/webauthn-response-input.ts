import { describeType, type Validator } from "@pelbiot/core";
import {
  decodeAttestationObject,
  isoBase64URL,
  type ParsedAuthenticatorData,
  parseAuthenticatorData,
} from "@simplewebauthn/server/helpers";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "./biometric-auth-manager-types";

/** What a WebAuthn response's `clientDataJSON` says, read before any cryptography runs. */
export interface ClientData {
  readonly type: string;
  readonly challenge: string;
  readonly origin: string;
  readonly crossOrigin: boolean;
}

/** A response that passed the shape checks, with its client data and authenticator data decoded. */
export interface DecodedResponse<Response> {
  readonly response: Response;
  readonly clientData: ClientData;
  readonly authenticatorData: ParsedAuthenticatorData;
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
// Field names that biometric SDKs use for samples, templates and embeddings: a caller passing one of these is
// following the old "store the fingerprint and compare it" design, which we refuse with an explanation.
const BIOMETRIC_FIELD =
  /^(template|minutiae|image|imagedata|sample|samples|scan|features?|descriptor|embedding|faceembedding|facedata|face|iris|iriscode|irisdata|fingerprint|fingerprintdata|biometric|biometricdata|rawdata|vector)$/i;

const NEVER_STORE_BIOMETRICS =
  "looks like raw biometric data (a sample, template or embedding), not a WebAuthn response. BiometricAuthManager " +
  "never accepts or stores biometrics: a leaked fingerprint, face or iris cannot be changed like a password, and " +
  "matching templates on a server makes it a target. The device checks the biometric itself and signs a challenge " +
  "with a passkey; pass the object the browser or native passkey API returns (navigator.credentials.create() / " +
  ".get() as JSON: { id, rawId, type: 'public-key', response: { clientDataJSON, … } })";

/**
 * Checks and decodes a registration response (`navigator.credentials.create()` as JSON). Every issue is added to
 * `check`; the decoded response is returned only when there were none.
 */
export function readRegistrationResponse(
  check: Validator,
  value: unknown,
): DecodedResponse<RegistrationResponseJSON> | undefined {
  if (!checkCredentialEnvelope(check, value)) return undefined;
  const inner = value.response;
  const clientDataOk = checkBase64Url(check, "response.response.clientDataJSON", inner.clientDataJSON);
  const attestationOk = checkBase64Url(check, "response.response.attestationObject", inner.attestationObject);
  if (
    inner.transports !== undefined &&
    check.array("response.response.transports", inner.transports, { maxLength: 10 })
  ) {
    inner.transports.forEach((transport, index) => {
      check.string(`response.response.transports.${index}`, transport, { maxLength: 32 });
    });
  }
  if (!clientDataOk || !attestationOk) return undefined;
  const clientData = readClientData(check, inner.clientDataJSON as string);
  const authenticatorData = decodeOrReport(check, "response.response.attestationObject", () => {
    const attestation = decodeAttestationObject(isoBase64URL.toBuffer(inner.attestationObject as string));
    const parsed = parseAuthenticatorData(attestation.get("authData"));
    if (parsed.credentialID === undefined || parsed.credentialPublicKey === undefined) {
      throw new Error("its authenticator data holds no attested credential");
    }
    return parsed;
  });
  if (clientData === undefined || authenticatorData === undefined) return undefined;
  return { response: value as unknown as RegistrationResponseJSON, clientData, authenticatorData };
}

/**
 * Checks and decodes an authentication response (`navigator.credentials.get()` as JSON). Every issue is added to
 * `check`; the decoded response is returned only when there were none.
 */
export function readAuthenticationResponse(
  check: Validator,
  value: unknown,
): DecodedResponse<AuthenticationResponseJSON> | undefined {
  if (!checkCredentialEnvelope(check, value)) return undefined;
  const inner = value.response;
  const clientDataOk = checkBase64Url(check, "response.response.clientDataJSON", inner.clientDataJSON);
  const authDataOk = checkBase64Url(check, "response.response.authenticatorData", inner.authenticatorData);
  checkBase64Url(check, "response.response.signature", inner.signature);
  if (inner.userHandle !== undefined && inner.userHandle !== null) {
    checkBase64Url(check, "response.response.userHandle", inner.userHandle);
  }
  if (!clientDataOk || !authDataOk) return undefined;
  const clientData = readClientData(check, inner.clientDataJSON as string);
  const authenticatorData = decodeOrReport(check, "response.response.authenticatorData", () =>
    parseAuthenticatorData(isoBase64URL.toBuffer(inner.authenticatorData as string)),
  );
  if (clientData === undefined || authenticatorData === undefined) return undefined;
  return { response: value as unknown as AuthenticationResponseJSON, clientData, authenticatorData };
}

function checkCredentialEnvelope(
  check: Validator,
  value: unknown,
): value is Record<string, unknown> & { response: Record<string, unknown> } {
  const rawKind = describeRawBiometric(value);
  if (rawKind !== undefined) return check.fail("response", `${rawKind} ${NEVER_STORE_BIOMETRICS}`);
  if (!check.object("response", value)) return false;
  const idOk = checkBase64Url(check, "response.id", value.id, 1400);
  const rawIdOk = checkBase64Url(check, "response.rawId", value.rawId, 1400);
  if (idOk && rawIdOk) {
    check.check(
      trimPadding(value.id as string) === trimPadding(value.rawId as string),
      "response.rawId",
      "must equal response.id (both are the credential id in base64url)",
    );
  }
  check.check(
    value.type === "public-key",
    "response.type",
    `must be "public-key" (a WebAuthn PublicKeyCredential), got ${describeType(value.type)}`,
  );
  return check.object("response.response", value.response);
}

// Returns how the value looks when it is plainly a biometric capture rather than a credential, else undefined.
function describeRawBiometric(value: unknown): string | undefined {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return "A byte buffer";
  if (typeof value === "string") return "A string";
  if (Array.isArray(value)) return "An array";
  if (typeof value !== "object" || value === null) return undefined;
  if ("response" in value && "type" in value) return undefined;
  const suspicious = Object.keys(value).filter((key) => BIOMETRIC_FIELD.test(key));
  return suspicious.length > 0 ? `An object with ${suspicious.map((key) => `"${key}"`).join(", ")}` : undefined;
}

function checkBase64Url(check: Validator, path: string, value: unknown, maxLength = 65_536): value is string {
  if (!check.string(path, value, { maxLength })) return false;
  return check.check(BASE64URL.test(value), path, "must be base64url text (A–Z, a–z, 0–9, '-' and '_')");
}

function readClientData(check: Validator, encoded: string): ClientData | undefined {
  return decodeOrReport(check, "response.response.clientDataJSON", () => {
    const parsed: unknown = JSON.parse(isoBase64URL.toUTF8String(encoded));
    if (typeof parsed !== "object" || parsed === null) throw new Error("it is not a JSON object");
    const { type, challenge, origin, crossOrigin } = parsed as Record<string, unknown>;
    if (typeof type !== "string" || typeof challenge !== "string" || typeof origin !== "string") {
      throw new Error("it lacks the string fields type, challenge and origin");
    }
    return { type, challenge, origin, crossOrigin: crossOrigin === true };
  });
}

function decodeOrReport<T>(check: Validator, path: string, decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    check.fail(path, `must decode as WebAuthn data, but ${why}`);
    return undefined;
  }
}

function trimPadding(text: string): string {
  return text.replace(/=+$/, "");
}
