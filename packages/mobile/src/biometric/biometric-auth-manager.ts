import { createValidator, PelbiotError, TypedEventEmitter, toPelbiotError, type Validator } from "@pelbiot/core";
import { generateAuthenticationOptions, generateRegistrationOptions } from "@simplewebauthn/server";
import { isoBase64URL, toHash } from "@simplewebauthn/server/helpers";
import { isWellFormedText } from "../internal/well-formed-text";
import { type BiometricAuthManagerOptions, resolveBiometricAuthManagerOptions } from "./biometric-auth-manager-options";
import type {
  BiometricAuthManagerEvents,
  BiometricCredential,
  BiometricModality,
  BiometricVerification,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationRequestOptions,
} from "./biometric-auth-manager-types";
import { ChallengeStore } from "./challenge-store";
import { CredentialStore } from "./credential-store";
import { failedVerification, isRejection, rejectionError } from "./rejection";
import { authenticateCredential, type CeremonyContext, registerCredential } from "./webauthn-ceremonies";
import { readAuthenticationResponse, readRegistrationResponse } from "./webauthn-response-input";

export type { BiometricAuthManagerOptions } from "./biometric-auth-manager-options";
// Every public type of the manager, so callers can import them next to the class.
export * from "./biometric-auth-manager-types";

/**
 * Biometric login done the safe way: a WebAuthn relying party for passkeys, built on `@simplewebauthn/server`.
 * The fingerprint, face or iris never leaves the device; the device's authenticator checks it and signs a
 * single-use challenge with a private key, and the server stores only the public key. Challenges live in the
 * storage adapter with a TTL and are consumed atomically; every refusal has a stable reason (see
 * {@link BiometricRejectionReason}). The `modality` is a label: a server cannot tell which sensor the device used.
 *
 * @example
 * ```ts
 * const bio = new BiometricAuthManager({ rpId: "example.com", rpName: "Example", origins: ["https://example.com"] });
 * const creation = await bio.generateRegistrationOptions("user-1", "fingerprint"); // send to the app
 * await bio.registerBiometric("user-1", "fingerprint", registrationResponse); // what the app sent back
 * const request = await bio.generateAuthenticationOptions("user-1");
 * const verified = await bio.verifyBiometric("user-1", "fingerprint", authenticationResponse); // true or false
 * ```
 */
export class BiometricAuthManager extends TypedEventEmitter<BiometricAuthManagerEvents> {
  readonly #options: ReturnType<typeof resolveBiometricAuthManagerOptions>;
  readonly #challenges: ChallengeStore;
  readonly #credentials: CredentialStore;
  #rpIdHash: Uint8Array | undefined;

  /**
   * @param options - The relying party (`rpId`, `rpName`, `origins`), challenge TTL, credential limit, storage,
   * key prefix, clock and logger.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every missing, malformed or unknown option.
   * @throws {PelbiotError} CONFIGURATION_ERROR when a web origin is not on `rpId`.
   */
  constructor(options: BiometricAuthManagerOptions) {
    super();
    const resolved = resolveBiometricAuthManagerOptions(options);
    this.#options = resolved;
    this.#challenges = new ChallengeStore(
      resolved.storage,
      resolved.keyPrefix,
      resolved.clock,
      resolved.challengeTtlMs,
    );
    this.#credentials = new CredentialStore(resolved.storage, resolved.keyPrefix);
  }

  /**
   * Starts a registration: the options to pass to `navigator.credentials.create()` (or a native passkey API),
   * asking for a platform authenticator with user verification required and a discoverable credential.
   *
   * @param userId - Your user id (at most 256 characters); the authenticator gets a random handle instead.
   * @param modality - `fingerprint`, `face` or `iris`, kept as the credential's label.
   * @param options - The account name and display name the authenticator shows.
   * @returns WebAuthn creation options as JSON, with a fresh single-use challenge.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed argument.
   */
  async generateRegistrationOptions(
    userId: string,
    modality: BiometricModality,
    options: RegistrationRequestOptions = {},
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const check = createValidator("BiometricAuthManager.generateRegistrationOptions");
    checkIds(check, userId, modality);
    if (check.object("options", options)) {
      check.knownKeys("options", options, ["userName", "userDisplayName"]);
      if (options.userName !== undefined) check.string("options.userName", options.userName, { maxLength: 256 });
      if (options.userDisplayName !== undefined) {
        check.string("options.userDisplayName", options.userDisplayName, { maxLength: 256 });
      }
    }
    check.done();
    return this.#guard(async () => {
      const existing = await this.#credentials.list(userId);
      const userName = options.userName ?? userId;
      const creation = await generateRegistrationOptions({
        rpName: this.#options.rpName,
        rpID: this.#options.rpId,
        userName,
        userDisplayName: options.userDisplayName ?? userName,
        userID: isoBase64URL.toBuffer(await this.#credentials.userHandle(userId)),
        timeout: this.#options.challengeTtlMs,
        attestationType: "none",
        excludeCredentials: existing.map((credential) => ({
          id: credential.id,
          transports: [...credential.transports],
        })),
        authenticatorSelection: {
          authenticatorAttachment: "platform",
          residentKey: "preferred",
          userVerification: "required",
        },
        preferredAuthenticatorType: "localDevice",
      });
      await this.#challenges.issue(creation.challenge, { ceremony: "registration", userId, modality });
      return creation;
    });
  }

  /**
   * Starts a login: the options to pass to `navigator.credentials.get()`, with user verification required.
   *
   * @param userId - The user logging in, to list their credentials; omit it for a usernameless (passkey autofill)
   * login, where the user picks a passkey and {@link BiometricAuthManager.verifyBiometric} binds it to the user.
   * @returns WebAuthn request options as JSON, with a fresh single-use challenge.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed user id.
   */
  async generateAuthenticationOptions(userId?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const check = createValidator("BiometricAuthManager.generateAuthenticationOptions");
    if (userId !== undefined) checkUserId(check, userId);
    check.done();
    return this.#guard(async () => {
      const credentials = userId === undefined ? [] : await this.#credentials.list(userId);
      const request = await generateAuthenticationOptions({
        rpID: this.#options.rpId,
        allowCredentials: credentials.map((credential) => ({
          id: credential.id,
          transports: [...credential.transports],
        })),
        timeout: this.#options.challengeTtlMs,
        userVerification: "required",
      });
      await this.#challenges.issue(request.challenge, {
        ceremony: "authentication",
        userId: userId ?? null,
        modality: null,
      });
      return request;
    });
  }

  /**
   * Verifies a registration response (the JSON of what `navigator.credentials.create()` returned) and stores the
   * credential: its id, public key, counter, transports, AAGUID, backup flags and user-verified flag.
   *
   * @param userId - The user the registration options were generated for.
   * @param modality - The modality they were generated for.
   * @param response - The WebAuthn registration response as JSON. Raw biometric data is refused.
   * @returns The stored credential.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed argument, or raw biometric data in place of a
   * WebAuthn response (we never store biometrics).
   * @throws {PelbiotError} With `details.reason` (see {@link BiometricRejectionReason}): `CONFLICT`
   * (challenge_replayed, credential_already_registered), `TIMEOUT` (challenge_expired), `NOT_FOUND`
   * (challenge_unknown), `LIMIT_EXCEEDED` (credential_limit) or `INTEGRITY_ERROR` (every other reason).
   */
  async registerBiometric(
    userId: string,
    modality: BiometricModality,
    response: unknown,
  ): Promise<BiometricCredential> {
    const method = "BiometricAuthManager.registerBiometric";
    const check = createValidator(method);
    checkIds(check, userId, modality);
    const decoded = readRegistrationResponse(check, response);
    check.done();
    if (decoded === undefined) throw new PelbiotError("INTERNAL_ERROR", `${method}: the response was not decoded.`);
    const outcome = await this.#guard(async () => registerCredential(await this.#context(), userId, modality, decoded));
    if (isRejection(outcome)) {
      this.#options.logger.warn("biometric registration refused", { userId, reason: outcome.reason });
      this.emit("biometric_rejected", { userId, modality, ceremony: "registration", reason: outcome.reason });
      throw rejectionError(method, outcome);
    }
    this.emit("credential_registered", { userId, credentialId: outcome.id, modality });
    return outcome;
  }

  /**
   * Verifies a login, as the guide's `verifyBiometric`: `true` when the response is a valid, fresh, user-verified
   * signature by one of the user's credentials for this modality, else `false`. Use
   * {@link BiometricAuthManager.verifyBiometricDetailed} to learn why a login failed.
   *
   * @param userId - The user logging in.
   * @param modality - The modality the credential was registered with.
   * @param response - The WebAuthn authentication response as JSON (`navigator.credentials.get()`).
   * @returns Whether the login succeeded.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is not a WebAuthn response at all (including
   * raw biometric data); a well-formed response that fails verification returns `false` instead.
   */
  async verifyBiometric(userId: string, modality: BiometricModality, response: unknown): Promise<boolean> {
    return (await this.#verify("BiometricAuthManager.verifyBiometric", userId, modality, response)).verified;
  }

  /**
   * Like {@link BiometricAuthManager.verifyBiometric}, and says why a login failed (a stable
   * {@link BiometricRejectionReason}) or which credential it used (with its new counter and backup flags).
   *
   * @param userId - The user logging in.
   * @param modality - The modality the credential was registered with.
   * @param response - The WebAuthn authentication response as JSON.
   * @returns `{ verified: true, credential }` or `{ verified: false, reason, code, message }`.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is not a WebAuthn response at all.
   */
  async verifyBiometricDetailed(
    userId: string,
    modality: BiometricModality,
    response: unknown,
  ): Promise<BiometricVerification> {
    return this.#verify("BiometricAuthManager.verifyBiometricDetailed", userId, modality, response);
  }

  /**
   * Lists the user's credentials, oldest first.
   *
   * @param userId - The user.
   * @returns Their credentials (public data only); empty when they have none.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed user id.
   */
  async listCredentials(userId: string): Promise<BiometricCredential[]> {
    const check = createValidator("BiometricAuthManager.listCredentials");
    checkUserId(check, userId);
    check.done();
    return this.#guard(() => this.#credentials.list(userId));
  }

  /**
   * Gives a credential a name the user recognises (e.g. "Work phone").
   *
   * @param userId - The owner.
   * @param credentialId - The credential's id.
   * @param label - The new name, 1 to 100 characters.
   * @returns The renamed credential.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed argument.
   * @throws {PelbiotError} NOT_FOUND when the user has no such credential.
   */
  async renameCredential(userId: string, credentialId: string, label: string): Promise<BiometricCredential> {
    const method = "BiometricAuthManager.renameCredential";
    const check = createValidator(method);
    checkUserId(check, userId);
    check.string("credentialId", credentialId, { maxLength: 1400 });
    if (check.string("label", label, { maxLength: 100 })) {
      check.check(label.trim().length > 0 && isWellFormedText(label), "label", "must hold visible, well-formed text");
    }
    check.done();
    const renamed = await this.#guard(() =>
      this.#credentials.update(userId, credentialId, (current) => ({ ...current, label: label.trim() })),
    );
    if (renamed === undefined) throw notFound(method, credentialId);
    return renamed;
  }

  /**
   * Revokes a credential: it can no longer log in, and its id may be registered again.
   *
   * @param userId - The owner.
   * @param credentialId - The credential's id.
   * @throws {PelbiotValidationError} VALIDATION_ERROR for a malformed argument.
   * @throws {PelbiotError} NOT_FOUND when the user has no such credential.
   */
  async revokeCredential(userId: string, credentialId: string): Promise<void> {
    const method = "BiometricAuthManager.revokeCredential";
    const check = createValidator(method);
    checkUserId(check, userId);
    check.string("credentialId", credentialId, { maxLength: 1400 });
    check.done();
    if (!(await this.#guard(() => this.#credentials.remove(userId, credentialId)))) {
      throw notFound(method, credentialId);
    }
    this.emit("credential_revoked", { userId, credentialId });
  }

  /**
   * Deletes expired challenges from storage (used ones are kept until they expire, to recognise replays). Call it
   * from a periodic job; nothing breaks if you never do, but storage grows with every unfinished ceremony.
   *
   * @returns How many challenges were deleted.
   */
  async pruneExpiredChallenges(): Promise<number> {
    return this.#guard(() => this.#challenges.pruneExpired());
  }

  async #verify(
    method: string,
    userId: string,
    modality: BiometricModality,
    response: unknown,
  ): Promise<BiometricVerification> {
    const check = createValidator(method);
    checkIds(check, userId, modality);
    const decoded = readAuthenticationResponse(check, response);
    check.done();
    if (decoded === undefined) throw new PelbiotError("INTERNAL_ERROR", `${method}: the response was not decoded.`);
    const outcome = await this.#guard(async () =>
      authenticateCredential(await this.#context(), userId, modality, decoded),
    );
    if (isRejection(outcome)) {
      this.#options.logger.warn("biometric login refused", { userId, reason: outcome.reason });
      this.emit("biometric_rejected", { userId, modality, ceremony: "authentication", reason: outcome.reason });
      return failedVerification(outcome);
    }
    this.emit("biometric_verified", { userId, credentialId: outcome.id, modality });
    return { verified: true, credential: outcome };
  }

  async #context(): Promise<CeremonyContext> {
    this.#rpIdHash ??= await toHash(this.#options.rpId);
    return {
      relyingParty: { rpId: this.#options.rpId, rpIdHash: this.#rpIdHash, origins: this.#options.origins },
      challenges: this.#challenges,
      credentials: this.#credentials,
      clock: this.#options.clock,
      maxCredentialsPerUser: this.#options.maxCredentialsPerUser,
    };
  }

  // Only PelbiotErrors leave public methods: storage and library failures are wrapped.
  async #guard<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toPelbiotError(error);
    }
  }
}

function checkUserId(check: Validator, userId: unknown): void {
  if (check.string("userId", userId, { maxLength: 256 })) {
    check.check(isWellFormedText(userId), "userId", "must be well-formed text (no lone surrogate halves)");
  }
}

function checkIds(check: Validator, userId: unknown, modality: unknown): void {
  checkUserId(check, userId);
  check.oneOf("modality", modality, ["fingerprint", "face", "iris"] as const);
}

function notFound(method: string, credentialId: string): PelbiotError {
  return new PelbiotError(
    "NOT_FOUND",
    `${method}: this user has no credential with id ${JSON.stringify(credentialId)}.`,
    {
      details: { id: credentialId },
    },
  );
}
