/**
 * @module @pelbiot/integrations
 *
 * Third-party integrations for PELBIOT: API credentials under envelope encryption with versioned keys, rotation and a
 * hash-chained audit log, and signed webhooks.
 */
export {
  APICredentialsManager,
  type APICredentialsManagerOptions,
  type CredentialCallOptions,
  type CredentialEncryptionAlgorithm,
  type CredentialRotationValues,
  type GetCredentialsOptions,
  type RewrapAllOptions,
  type RewrapFailure,
  type RewrapProgress,
  type RewrapReport,
  type RotateCredentialsOptions,
  type RotationStatus,
  type RotationStatusFilter,
} from "./credentials/api-credentials-manager";
export { Credential, type CredentialMetadata, type CredentialSecrets } from "./credentials/credential";
export {
  createEnvKeyProvider,
  DEFAULT_CREDENTIAL_KEYS_VARIABLE,
  type EnvKeyProviderOptions,
} from "./credentials/env-key-provider";
export { createEphemeralKeyProvider } from "./credentials/ephemeral-key-provider";
export type { KeyContext, KeyProvider, WrappedKey } from "./credentials/key-provider";
export { createLocalKeyProvider, type LocalKeyProviderOptions } from "./credentials/local-key-provider";
export { maskSecret } from "./credentials/mask-secret";
export {
  AUDIT_GENESIS_HASH,
  type AuditAction,
  type AuditChain,
  type AuditChainPoint,
  type AuditEntry,
  type AuditVerification,
  hashAuditEntry,
  verifyAuditChain,
} from "./credentials/verify-audit-chain";
