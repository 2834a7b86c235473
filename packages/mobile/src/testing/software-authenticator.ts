import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";
import { createValidator, PelbiotError, type Validator } from "@pelbiot/core";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

/** Options of {@link SoftwareAuthenticator}. */
export interface SoftwareAuthenticatorOptions {
  /** The page origin the simulated browser reports in `clientDataJSON`. @default "http://localhost" */
  origin?: string;
  /** Whether the simulated biometric check passes (UV flag). @default true */
  userVerified?: boolean;
  /** Whether credentials may sync to other devices (BE flag), as iCloud Keychain or Google Password Manager. @default false */
  backupEligible?: boolean;
  /** Whether credentials are synced now (BS flag); needs `backupEligible`. @default false */
  backedUp?: boolean;
  /** Whether the signature counter grows with each login; `false` sends 0 every time, as most passkeys do. @default true */
  countsSignatures?: boolean;
}

/**
 * Per-call changes for testing how a relying party handles a misbehaving client or authenticator. Each field
 * replaces what the authenticator would otherwise put in the response.
 */
export interface SoftwareAuthenticatorOverrides {
  /** Origin in `clientDataJSON`. */
  origin?: string;
  /** Relying party id whose SHA-256 goes into the authenticator data. */
  rpId?: string;
  /** Challenge in `clientDataJSON` (base64url). */
  challenge?: string;
  /** `clientDataJSON.type`. */
  type?: string;
  /** `clientDataJSON.crossOrigin`. */
  crossOrigin?: boolean;
  /** UP flag. */
  userPresent?: boolean;
  /** UV flag. */
  userVerified?: boolean;
  /** BS flag (also sets it for later calls, as a passkey that got synced). */
  backedUp?: boolean;
  /** Signature counter to report (also becomes the credential's counter). */
  counter?: number;
  /** Credential id (base64url) for a new credential, e.g. to test that an id cannot be registered twice. */
  credentialId?: string;
}

/** Bytes on a plain ArrayBuffer, as the WebAuthn helpers take. */
type Bytes = Uint8Array<ArrayBuffer>;
/** A value the CBOR encoder takes. */
type CborValue = Parameters<typeof isoCBOR.encode>[0];

interface HeldCredential {
  readonly id: Bytes;
  readonly privateKey: KeyObject;
  readonly rpId: string;
  readonly userHandle: string;
  counter: number;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const COSE_EC2_P256_ES256 = { kty: 2, alg: -7, crv: 1 } as const;
const OPTION_KEYS = ["origin", "userVerified", "backupEligible", "backedUp", "countsSignatures"] as const;
const OVERRIDE_KEYS = [
  "origin",
  "rpId",
  "challenge",
  "type",
  "crossOrigin",
  "userPresent",
  "userVerified",
  "backedUp",
  "counter",
  "credentialId",
] as const;

/**
 * A platform authenticator in software, for testing passkey flows without a device: P-256 keys (ES256), `none`
 * attestation, authenticator data with the UP, UV, BE and BS flags and a signature counter, and client data as a
 * browser writes it. It answers the JSON options `BiometricAuthManager` (or any WebAuthn server) generates with the
 * JSON responses `navigator.credentials.create()` / `.get()` produce. Node only (it signs with `node:crypto`).
 *
 * @example
 * ```ts
 * const authenticator = new SoftwareAuthenticator({ origin: "https://example.com" });
 * const registration = await authenticator.createCredential(await bio.generateRegistrationOptions("user-1", "face"));
 * await bio.registerBiometric("user-1", "face", registration);
 * const login = await authenticator.getAssertion(await bio.generateAuthenticationOptions("user-1"));
 * await bio.verifyBiometric("user-1", "face", login); // true
 * ```
 */
export class SoftwareAuthenticator {
  readonly #credentials: HeldCredential[] = [];
  readonly #origin: string;
  readonly #userVerified: boolean;
  readonly #backupEligible: boolean;
  readonly #countsSignatures: boolean;
  #backedUp: boolean;

  /**
   * @param options - Origin, user verification, backup flags and counting.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed or unknown option.
   */
  constructor(options: SoftwareAuthenticatorOptions = {}) {
    const check = createValidator("SoftwareAuthenticator constructor");
    if (check.object("options", options)) {
      check.knownKeys("options", options, OPTION_KEYS);
      if (options.origin !== undefined) check.string("options.origin", options.origin);
      for (const key of ["userVerified", "backupEligible", "backedUp", "countsSignatures"] as const) {
        if (options[key] !== undefined) check.boolean(`options.${key}`, options[key]);
      }
      check.check(
        options.backedUp !== true || options.backupEligible === true,
        "options.backedUp",
        "needs backupEligible: true (a credential that cannot be backed up is never backed up)",
      );
    }
    check.done();
    this.#origin = options.origin ?? "http://localhost";
    this.#userVerified = options.userVerified ?? true;
    this.#backupEligible = options.backupEligible ?? false;
    this.#backedUp = options.backedUp ?? false;
    this.#countsSignatures = options.countsSignatures ?? true;
  }

  /** Ids (base64url) of the credentials this authenticator holds, oldest first. */
  get credentialIds(): string[] {
    return this.#credentials.map((credential) => isoBase64URL.fromBuffer(credential.id));
  }

  /**
   * Creates a credential, as `navigator.credentials.create({ publicKey })` followed by `toJSON()`.
   *
   * @param creationOptions - The relying party's creation options as JSON.
   * @param overrides - Fields to falsify, for negative tests.
   * @returns The registration response as JSON.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the options lack a challenge, rp id or user id.
   */
  async createCredential(
    creationOptions: PublicKeyCredentialCreationOptionsJSON,
    overrides: SoftwareAuthenticatorOverrides = {},
  ): Promise<RegistrationResponseJSON> {
    const check = createValidator("SoftwareAuthenticator.createCredential");
    if (check.object("creationOptions", creationOptions)) {
      check.string("creationOptions.challenge", creationOptions.challenge);
      if (check.object("creationOptions.rp", creationOptions.rp)) {
        check.string("creationOptions.rp.id", creationOptions.rp.id);
      }
      if (check.object("creationOptions.user", creationOptions.user)) {
        check.string("creationOptions.user.id", creationOptions.user.id);
      }
    }
    checkOverrides(check, overrides);
    check.done();
    const rpId = creationOptions.rp.id as string;
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const held: HeldCredential = {
      id:
        overrides.credentialId === undefined
          ? new Uint8Array(randomBytes(32))
          : isoBase64URL.toBuffer(overrides.credentialId),
      privateKey,
      rpId,
      userHandle: creationOptions.user.id,
      counter: overrides.counter ?? 0,
    };
    const clientDataJSON = this.#clientData("webauthn.create", creationOptions.challenge, overrides);
    const authenticatorData = concat(
      this.#authenticatorHeader(overrides.rpId ?? rpId, held.counter, overrides, FLAG_AT),
      new Uint8Array(16), // AAGUID: all zeros, as authenticators that do not disclose their model send
      new Uint8Array([held.id.length >> 8, held.id.length & 0xff]),
      held.id,
      coseKey(publicKey),
    );
    const attestationObject = isoCBOR.encode(
      new Map<string | number, CborValue>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authenticatorData],
      ]),
    );
    this.#credentials.push(held);
    const id = isoBase64URL.fromBuffer(held.id);
    return {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ["internal", "hybrid"],
      },
    };
  }

  /**
   * Signs a login challenge, as `navigator.credentials.get({ publicKey })` followed by `toJSON()`. Uses the first
   * allowed credential it holds, or (with no allow list) its newest credential for the relying party.
   *
   * @param requestOptions - The relying party's request options as JSON.
   * @param overrides - Fields to falsify, for negative tests.
   * @returns The authentication response as JSON.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the options lack a challenge.
   * @throws {PelbiotError} NOT_FOUND when it holds no matching credential.
   */
  async getAssertion(
    requestOptions: PublicKeyCredentialRequestOptionsJSON,
    overrides: SoftwareAuthenticatorOverrides = {},
  ): Promise<AuthenticationResponseJSON> {
    const check = createValidator("SoftwareAuthenticator.getAssertion");
    if (check.object("requestOptions", requestOptions)) {
      check.string("requestOptions.challenge", requestOptions.challenge);
      if (requestOptions.rpId !== undefined) check.string("requestOptions.rpId", requestOptions.rpId);
    }
    checkOverrides(check, overrides);
    check.done();
    const held = this.#pick(requestOptions);
    if (this.#countsSignatures) held.counter += 1;
    if (overrides.counter !== undefined) held.counter = overrides.counter;
    const clientDataJSON = this.#clientData("webauthn.get", requestOptions.challenge, overrides);
    const authenticatorData = this.#authenticatorHeader(overrides.rpId ?? held.rpId, held.counter, overrides, 0);
    const clientDataHash = createHash("sha256").update(clientDataJSON).digest();
    // ES256 signatures in WebAuthn are DER-encoded, node:crypto's default for EC keys.
    const signature = sign("sha256", concat(authenticatorData, clientDataHash), held.privateKey);
    const id = isoBase64URL.fromBuffer(held.id);
    return {
      id,
      rawId: id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: isoBase64URL.fromBuffer(clientDataJSON),
        authenticatorData: isoBase64URL.fromBuffer(authenticatorData),
        signature: isoBase64URL.fromBuffer(new Uint8Array(signature)),
        userHandle: held.userHandle,
      },
    };
  }

  #pick(requestOptions: PublicKeyCredentialRequestOptionsJSON): HeldCredential {
    const allowed = requestOptions.allowCredentials ?? [];
    const held =
      allowed.length > 0
        ? this.#credentials.find((credential) =>
            allowed.some((entry) => entry.id === isoBase64URL.fromBuffer(credential.id)),
          )
        : [...this.#credentials]
            .reverse()
            .find((credential) => credential.rpId === (requestOptions.rpId ?? credential.rpId));
    if (held === undefined) {
      throw new PelbiotError(
        "NOT_FOUND",
        "SoftwareAuthenticator.getAssertion: this authenticator holds none of the allowed credentials; create one " +
          "with createCredential first.",
        { details: { id: allowed.map((entry) => entry.id).join(",") } },
      );
    }
    return held;
  }

  #clientData(type: string, challenge: string, overrides: SoftwareAuthenticatorOverrides): Bytes {
    const clientData = {
      type: overrides.type ?? type,
      challenge: overrides.challenge ?? challenge,
      origin: overrides.origin ?? this.#origin,
      crossOrigin: overrides.crossOrigin ?? false,
    };
    return new TextEncoder().encode(JSON.stringify(clientData));
  }

  // rpIdHash (32) | flags (1) | signCount (4, big-endian): the fixed head of authenticator data.
  #authenticatorHeader(
    rpId: string,
    counter: number,
    overrides: SoftwareAuthenticatorOverrides,
    extraFlags: number,
  ): Bytes {
    if (overrides.backedUp !== undefined) this.#backedUp = overrides.backedUp;
    let flags = extraFlags;
    if (overrides.userPresent ?? true) flags |= FLAG_UP;
    if (overrides.userVerified ?? this.#userVerified) flags |= FLAG_UV;
    if (this.#backupEligible) flags |= FLAG_BE;
    if (this.#backedUp) flags |= FLAG_BS;
    const head = new Uint8Array(37);
    head.set(createHash("sha256").update(rpId).digest(), 0);
    head[32] = flags;
    new DataView(head.buffer).setUint32(33, counter);
    return head;
  }
}

function checkOverrides(check: Validator, overrides: unknown): void {
  if (!check.object("overrides", overrides)) return;
  check.knownKeys("overrides", overrides, OVERRIDE_KEYS);
  if (overrides.credentialId !== undefined) {
    check.string("overrides.credentialId", overrides.credentialId, {
      maxLength: 1364,
      pattern: { regex: /^[A-Za-z0-9_-]+$/, description: "base64url text" },
    });
  }
  for (const key of ["origin", "rpId", "challenge", "type"] as const) {
    if (overrides[key] !== undefined) check.string(`overrides.${key}`, overrides[key], { minLength: 0 });
  }
  for (const key of ["crossOrigin", "userPresent", "userVerified", "backedUp"] as const) {
    if (overrides[key] !== undefined) check.boolean(`overrides.${key}`, overrides[key]);
  }
  if (overrides.counter !== undefined) {
    check.number("overrides.counter", overrides.counter, { integer: true, min: 0, max: 0xffff_ffff });
  }
}

// The credential public key as a COSE_Key map (RFC 9053 §7.1.1): kty EC2, alg ES256, crv P-256, x, y.
function coseKey(publicKey: KeyObject): Bytes {
  const jwk = publicKey.export({ format: "jwk" });
  return isoCBOR.encode(
    new Map<string | number, CborValue>([
      [1, COSE_EC2_P256_ES256.kty],
      [3, COSE_EC2_P256_ES256.alg],
      [-1, COSE_EC2_P256_ES256.crv],
      [-2, isoBase64URL.toBuffer(jwk.x as string)],
      [-3, isoBase64URL.toBuffer(jwk.y as string)],
    ]),
  );
}

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
