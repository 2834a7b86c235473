import { PelbiotError } from "@pelbiot/core";
import type { ParsedAuthenticatorData } from "@simplewebauthn/server/helpers";
import {
  type BiometricRejectionReason,
  type BiometricVerification,
  REJECTION_ERROR_CODES,
} from "./biometric-auth-manager-types";
import type { Ceremony, ChallengeProblem } from "./challenge-store";
import type { ClientData } from "./webauthn-response-input";

/** Why a ceremony was refused, before it becomes a thrown error or a failed verification. */
export interface Rejection {
  readonly reason: BiometricRejectionReason;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Whether a ceremony step returned a refusal rather than a result. */
export function isRejection(value: unknown): value is Rejection {
  return typeof value === "object" && value !== null && "reason" in value && "message" in value;
}

const CHALLENGE_MESSAGES: Readonly<Record<ChallengeProblem, string>> = {
  challenge_unknown:
    "the response's challenge was never issued by this manager (or was pruned); start again with a fresh challenge",
  challenge_replayed:
    "the response's challenge was already used; challenges are single-use, so a response cannot be replayed",
  challenge_expired: "the response's challenge expired (see challengeTtlMs); start again with a fresh challenge",
  challenge_mismatch: "the response's challenge was issued for another user, modality or ceremony",
};

/** The refusal for a challenge that cannot be accepted. */
export function challengeRejection(reason: ChallengeProblem, challenge: string): Rejection {
  return {
    reason,
    message: CHALLENGE_MESSAGES[reason],
    ...(reason === "challenge_unknown" ? { details: { id: challenge } } : {}),
  };
}

/** The relying party facts every response is checked against. */
export interface RelyingPartyCheck {
  readonly rpIdHash: Uint8Array;
  readonly rpId: string;
  readonly origins: readonly string[];
}

/**
 * Checks what the client and the authenticator said, in the order a reader would: the ceremony type, the origin,
 * the relying party id the authenticator signed for, and the user presence and verification flags.
 *
 * @returns The first refusal, or `undefined` when everything matches.
 */
export function checkClientAndAuthenticator(
  ceremony: Ceremony,
  clientData: ClientData,
  authenticatorData: ParsedAuthenticatorData,
  relyingParty: RelyingPartyCheck,
): Rejection | undefined {
  const expectedType = ceremony === "registration" ? "webauthn.create" : "webauthn.get";
  if (clientData.type !== expectedType) {
    return {
      reason: "type_mismatch",
      message: `clientDataJSON.type is ${JSON.stringify(clientData.type)}, expected "${expectedType}" for ${ceremony}`,
    };
  }
  if (!relyingParty.origins.includes(clientData.origin) || clientData.crossOrigin) {
    return {
      reason: "origin_mismatch",
      message:
        `the response came from ${JSON.stringify(clientData.origin)}${clientData.crossOrigin ? " in a cross-origin frame" : ""}; ` +
        `accepted origins: ${relyingParty.origins.join(", ")}`,
    };
  }
  if (!sameBytes(authenticatorData.rpIdHash, relyingParty.rpIdHash)) {
    return {
      reason: "rp_id_mismatch",
      message: `the authenticator signed for another relying party id, not ${JSON.stringify(relyingParty.rpId)}`,
    };
  }
  if (!authenticatorData.flags.up) {
    return { reason: "user_presence_missing", message: "the authenticator did not report the user present (UP flag)" };
  }
  if (!authenticatorData.flags.uv) {
    return {
      reason: "user_verification_missing",
      message:
        "the authenticator did not verify the user (UV flag): no fingerprint, face, iris or PIN check happened, " +
        "and biometric login requires one",
    };
  }
  return undefined;
}

/** Turns a refusal into the `PelbiotError` a public method throws. */
export function rejectionError(method: string, rejection: Rejection): PelbiotError {
  return new PelbiotError(REJECTION_ERROR_CODES[rejection.reason], `${method}: ${rejection.message}.`, {
    details: { reason: rejection.reason, ...rejection.details },
  });
}

/** Turns a refusal into a failed {@link BiometricVerification}. */
export function failedVerification(rejection: Rejection): BiometricVerification {
  return {
    verified: false,
    reason: rejection.reason,
    code: REJECTION_ERROR_CODES[rejection.reason],
    message: rejection.message,
  };
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  return left.every((byte, index) => byte === right[index]);
}
