import type { PelbiotErrorCode } from "@pelbiot/core";
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  CredentialDeviceType,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

export type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};

/**
 * The biometric the user means to use. It is a label only: every modality becomes the same request for a platform
 * authenticator with user verification required, and the server cannot tell which sensor the device used (WebAuthn
 * only reports that the user was verified, never how).
 */
export type BiometricModality = "fingerprint" | "face" | "iris";

/** Every {@link BiometricModality}, in a fixed order. */
export const BIOMETRIC_MODALITIES: readonly BiometricModality[] = Object.freeze(["fingerprint", "face", "iris"]);

/**
 * Why a WebAuthn response was refused. Each reason is stable and appears as `details.reason` on the thrown
 * `PelbiotError` and as `reason` in a failed {@link BiometricVerification}.
 *
 * | reason | error code | meaning |
 * | --- | --- | --- |
 * | `challenge_unknown` | `NOT_FOUND` | The challenge was never issued here (or was pruned). |
 * | `challenge_replayed` | `CONFLICT` | The challenge was already used once; challenges are single-use. |
 * | `challenge_expired` | `TIMEOUT` | The challenge outlived `challengeTtlMs`. |
 * | `challenge_mismatch` | `INTEGRITY_ERROR` | The challenge was issued for another user, modality or ceremony. |
 * | `type_mismatch` | `INTEGRITY_ERROR` | `clientDataJSON.type` is not the ceremony's (`webauthn.create` / `webauthn.get`). |
 * | `origin_mismatch` | `INTEGRITY_ERROR` | The page origin is not one of `origins`, or the call came from a cross-origin frame. |
 * | `rp_id_mismatch` | `INTEGRITY_ERROR` | The authenticator signed for another relying party id. |
 * | `user_presence_missing` | `INTEGRITY_ERROR` | The authenticator did not report the user present (UP flag). |
 * | `user_verification_missing` | `INTEGRITY_ERROR` | The authenticator did not verify the user (UV flag): no biometric or PIN check happened. |
 * | `counter_regression` | `INTEGRITY_ERROR` | The signature counter did not grow: a sign of a cloned authenticator. |
 * | `unknown_credential` | `NOT_FOUND` | The user has no such credential for this modality (never registered, or revoked). |
 * | `credential_already_registered` | `CONFLICT` | The credential id is already registered. |
 * | `credential_limit` | `LIMIT_EXCEEDED` | The user already has `maxCredentialsPerUser` credentials. |
 * | `verification_failed` | `INTEGRITY_ERROR` | The signature, attestation or public key did not verify. |
 */
export type BiometricRejectionReason =
  | "challenge_unknown"
  | "challenge_replayed"
  | "challenge_expired"
  | "challenge_mismatch"
  | "type_mismatch"
  | "origin_mismatch"
  | "rp_id_mismatch"
  | "user_presence_missing"
  | "user_verification_missing"
  | "counter_regression"
  | "unknown_credential"
  | "credential_already_registered"
  | "credential_limit"
  | "verification_failed";

/** The `PelbiotError` code each {@link BiometricRejectionReason} is thrown with. */
export const REJECTION_ERROR_CODES: Readonly<Record<BiometricRejectionReason, PelbiotErrorCode>> = Object.freeze({
  challenge_unknown: "NOT_FOUND",
  challenge_replayed: "CONFLICT",
  challenge_expired: "TIMEOUT",
  challenge_mismatch: "INTEGRITY_ERROR",
  type_mismatch: "INTEGRITY_ERROR",
  origin_mismatch: "INTEGRITY_ERROR",
  rp_id_mismatch: "INTEGRITY_ERROR",
  user_presence_missing: "INTEGRITY_ERROR",
  user_verification_missing: "INTEGRITY_ERROR",
  counter_regression: "INTEGRITY_ERROR",
  unknown_credential: "NOT_FOUND",
  credential_already_registered: "CONFLICT",
  credential_limit: "LIMIT_EXCEEDED",
  verification_failed: "INTEGRITY_ERROR",
});

/**
 * A registered passkey as the manager reports it. It holds the public key only: the biometric never leaves the
 * device, and the private key never leaves the authenticator.
 */
export interface BiometricCredential {
  /** The credential id (base64url), as the browser reports it in `response.id`. */
  readonly id: string;
  /** The user it belongs to. */
  readonly userId: string;
  /** The modality the user chose when registering it (a label; see {@link BiometricModality}). */
  readonly modality: BiometricModality;
  /** A name the user can recognise, e.g. "Pixel 9 fingerprint"; see {@link BiometricAuthManager.renameCredential}. */
  readonly label: string;
  /** The COSE public key, base64url. */
  readonly publicKey: string;
  /** The last signature counter seen; 0 for authenticators that do not count (most passkeys). */
  readonly counter: number;
  /** How the browser can reach the authenticator (`internal`, `hybrid`, …), as reported at registration. */
  readonly transports: readonly AuthenticatorTransport[];
  /** The authenticator model's AAGUID; all zeros when the authenticator does not say. */
  readonly aaguid: string;
  /** Whether the credential may be synced to the user's other devices (BE flag). */
  readonly backupEligible: boolean;
  /** Whether it is synced now (BS flag); updated on every login. */
  readonly backedUp: boolean;
  /** `multiDevice` for a synced passkey, `singleDevice` for one bound to this device. */
  readonly deviceType: CredentialDeviceType;
  /** Whether the authenticator verified the user (UV flag) at registration; always `true`, since it is required. */
  readonly userVerified: boolean;
  /** Epoch milliseconds of registration. */
  readonly createdAt: number;
  /** Epoch milliseconds of the last successful verification, or `null` before the first. */
  readonly lastUsedAt: number | null;
}

/** Options of {@link BiometricAuthManager.generateRegistrationOptions}. */
export interface RegistrationRequestOptions {
  /** Account name the authenticator shows (e.g. an e-mail address). @default the user id */
  userName?: string;
  /** Friendly name the authenticator shows. @default `userName` */
  userDisplayName?: string;
}

/** The outcome of {@link BiometricAuthManager.verifyBiometricDetailed}. */
export type BiometricVerification =
  | {
      /** The login succeeded. */
      readonly verified: true;
      /** The credential used, with its new counter, backup flags and `lastUsedAt`. */
      readonly credential: BiometricCredential;
    }
  | {
      /** The login was refused. */
      readonly verified: false;
      /** Why; stable, safe to branch on. */
      readonly reason: BiometricRejectionReason;
      /** The `PelbiotError` code that goes with the reason. */
      readonly code: PelbiotErrorCode;
      /** A human explanation for logs; do not show it to the person logging in. */
      readonly message: string;
    };

/** Events of {@link BiometricAuthManager}, each with one payload object. */
export interface BiometricAuthManagerEvents {
  /** A credential was verified and stored. */
  credential_registered: [
    {
      /** The user the credential belongs to. */
      userId: string;
      /** The credential's id, base64url. */
      credentialId: string;
      /** The modality the app asked for (WebAuthn cannot tell which sensor was used). */
      modality: BiometricModality;
    },
  ];
  /** A login succeeded. */
  biometric_verified: [
    {
      /** The user the credential belongs to. */
      userId: string;
      /** The credential's id, base64url. */
      credentialId: string;
      /** The modality the app asked for (WebAuthn cannot tell which sensor was used). */
      modality: BiometricModality;
    },
  ];
  /** A registration or login was refused. */
  biometric_rejected: [
    {
      /** The user who tried. */
      userId: string;
      /** The modality the app asked for. */
      modality: BiometricModality;
      /** Which ceremony was refused: registering a credential or logging in. */
      ceremony: "registration" | "authentication";
      /** Why it was refused. */
      reason: BiometricRejectionReason;
    },
  ];
  /** A credential was revoked. */
  credential_revoked: [
    {
      /** The user the credential belongs to. */
      userId: string;
      /** The credential's id, base64url. */
      credentialId: string;
    },
  ];
}
