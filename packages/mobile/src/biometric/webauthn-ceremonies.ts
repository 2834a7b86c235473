import type { Clock } from "@pelbiot/core";
import {
  type AuthenticatorTransport,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { isoBase64URL } from "@simplewebauthn/server/helpers";
import type {
  AuthenticationResponseJSON,
  BiometricCredential,
  BiometricModality,
  RegistrationResponseJSON,
} from "./biometric-auth-manager-types";
import type { ChallengeStore } from "./challenge-store";
import type { CredentialStore } from "./credential-store";
import { challengeRejection, checkClientAndAuthenticator, type Rejection, type RelyingPartyCheck } from "./rejection";
import { isCanonicalDerEcdsaSignature, signsWithDerEcdsa } from "./signature-encoding";
import type { DecodedResponse } from "./webauthn-response-input";

/** What the ceremonies need from the manager. */
export interface CeremonyContext {
  readonly relyingParty: RelyingPartyCheck;
  readonly challenges: ChallengeStore;
  readonly credentials: CredentialStore;
  readonly clock: Clock;
  readonly maxCredentialsPerUser: number;
}

/**
 * Verifies a registration response and stores the new credential. The challenge is consumed first, so a response
 * is accepted at most once whatever happens next.
 *
 * @returns The stored credential, or why it was refused.
 */
export async function registerCredential(
  context: CeremonyContext,
  userId: string,
  modality: BiometricModality,
  decoded: DecodedResponse<RegistrationResponseJSON>,
): Promise<BiometricCredential | Rejection> {
  const { clientData, authenticatorData, response } = decoded;
  const challengeProblem = await context.challenges.consume(clientData.challenge, {
    ceremony: "registration",
    userId,
    modality,
  });
  if (challengeProblem !== undefined) return challengeRejection(challengeProblem, clientData.challenge);
  const mismatch = checkClientAndAuthenticator("registration", clientData, authenticatorData, context.relyingParty);
  if (mismatch !== undefined) return mismatch;
  const existing = await context.credentials.list(userId);
  if (existing.length >= context.maxCredentialsPerUser) {
    return {
      reason: "credential_limit",
      message: `user already has ${existing.length} credentials, at most ${context.maxCredentialsPerUser} are accepted; revoke one first`,
      details: { limit: context.maxCredentialsPerUser, got: existing.length + 1 },
    };
  }
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: clientData.challenge,
      expectedOrigin: clientData.origin,
      expectedRPID: context.relyingParty.rpId,
      requireUserVerification: true,
    });
  } catch (error) {
    return verificationFailed(error);
  }
  if (!verification.verified) return verificationFailed(undefined);
  const info = verification.registrationInfo;
  // The library stores the attested id; a response whose outer id differs was stitched together.
  if (info.credential.id !== response.id.replace(/=+$/, "")) {
    return verificationFailed(new Error("response.id is not the credential id in the attested data"));
  }
  const credential: BiometricCredential = {
    id: info.credential.id,
    userId,
    modality,
    label: `${modality} passkey`,
    publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
    counter: info.credential.counter,
    transports: (response.response.transports ?? []) as AuthenticatorTransport[],
    aaguid: info.aaguid,
    backupEligible: info.credentialDeviceType === "multiDevice",
    backedUp: info.credentialBackedUp,
    deviceType: info.credentialDeviceType,
    userVerified: info.userVerified,
    createdAt: context.clock.now(),
    lastUsedAt: null,
  };
  if (!(await context.credentials.add(credential))) {
    return {
      reason: "credential_already_registered",
      message: "this credential id is already registered; a passkey belongs to one account",
    };
  }
  return credential;
}

/**
 * Verifies an authentication response against the user's stored credential and records the new counter, backup
 * state and time of use. Backup state changes (a passkey synced or unsynced since the last login) are updated,
 * never refused.
 *
 * @returns The updated credential, or why the login was refused.
 */
export async function authenticateCredential(
  context: CeremonyContext,
  userId: string,
  modality: BiometricModality,
  decoded: DecodedResponse<AuthenticationResponseJSON>,
): Promise<BiometricCredential | Rejection> {
  const { clientData, authenticatorData, response } = decoded;
  const challengeProblem = await context.challenges.consume(clientData.challenge, {
    ceremony: "authentication",
    userId,
    modality,
  });
  if (challengeProblem !== undefined) return challengeRejection(challengeProblem, clientData.challenge);
  const mismatch = checkClientAndAuthenticator("authentication", clientData, authenticatorData, context.relyingParty);
  if (mismatch !== undefined) return mismatch;
  const stored = await context.credentials.get(userId, response.id);
  if (stored === undefined) return unknownCredential(response.id);
  const unknown = await checkCredentialOwner(context, userId, modality, stored, response);
  if (unknown !== undefined) return unknown;
  const newCounter = authenticatorData.counter;
  // Authenticators that do not count send 0 every time (most synced passkeys); only a non-zero counter must grow.
  if ((newCounter > 0 || stored.counter > 0) && newCounter <= stored.counter) {
    return {
      reason: "counter_regression",
      message:
        `the signature counter went from ${stored.counter} to ${newCounter}; it must grow, and a counter that ` +
        "does not is a sign of a cloned authenticator",
      details: { stored: stored.counter, received: newCounter },
    };
  }
  const publicKey = isoBase64URL.toBuffer(stored.publicKey);
  if (
    signsWithDerEcdsa(publicKey) &&
    !isCanonicalDerEcdsaSignature(isoBase64URL.toBuffer(response.response.signature))
  ) {
    return {
      reason: "verification_failed",
      message: "the response did not verify: its ECDSA signature is not in DER (one canonical encoding of r and s)",
    };
  }
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: clientData.challenge,
      expectedOrigin: clientData.origin,
      expectedRPID: context.relyingParty.rpId,
      credential: {
        id: stored.id,
        publicKey,
        counter: stored.counter,
        transports: [...stored.transports],
      },
      requireUserVerification: true,
    });
  } catch (error) {
    return verificationFailed(error);
  }
  if (!verification.verified) return verificationFailed(undefined);
  const info = verification.authenticationInfo;
  const now = context.clock.now();
  const updated = await context.credentials.update(userId, stored.id, (current) => ({
    ...current,
    // Two logins racing with counters 5 and 6 must not leave 5 behind.
    counter: Math.max(current.counter, info.newCounter),
    backedUp: info.credentialBackedUp,
    deviceType: info.credentialDeviceType,
    lastUsedAt: now,
  }));
  // Revoked while this login was being checked: the revocation wins.
  return updated ?? unknownCredential(response.id);
}

// The credential must have been registered for this modality, and a usernameless login's user handle must be the
// user's: otherwise one user's passkey could log in as another.
async function checkCredentialOwner(
  context: CeremonyContext,
  userId: string,
  modality: BiometricModality,
  stored: BiometricCredential,
  response: AuthenticationResponseJSON,
): Promise<Rejection | undefined> {
  if (stored.modality !== modality) {
    return {
      reason: "unknown_credential",
      message: `the credential was registered for ${stored.modality}, not ${modality}`,
      details: { id: response.id },
    };
  }
  const userHandle = response.response.userHandle;
  if (userHandle !== undefined && userHandle !== null && userHandle !== "") {
    const expected = await context.credentials.findUserHandle(userId);
    if (expected !== userHandle) {
      return {
        reason: "unknown_credential",
        message: "the response's user handle belongs to another account",
        details: { id: response.id },
      };
    }
  }
  return undefined;
}

function unknownCredential(credentialId: string): Rejection {
  return {
    reason: "unknown_credential",
    message: "this user has no such credential (never registered, or revoked)",
    details: { id: credentialId },
  };
}

function verificationFailed(error: unknown): Rejection {
  const why = error instanceof Error ? `: ${error.message}` : "";
  return { reason: "verification_failed", message: `the response did not verify${why}` };
}
