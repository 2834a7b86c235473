/**
 * @module @pelbiot/integrations
 *
 * Third-party integrations for PELBIOT: API credentials under envelope encryption with versioned keys, rotation and a
 * HMAC-chained audit log, and Standard Webhooks delivery (signed, retried on a durable queue, SSRF-guarded) and
 * verification.
 */
export {
  APICredentialsManager,
  type APICredentialsManagerEvents,
  type APICredentialsManagerOptions,
  type CredentialCallOptions,
  type CredentialEncryptionAlgorithm,
  type CredentialRecordDamaged,
  type CredentialRotationValues,
  type CredentialsEnvironment,
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
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from "./credentials/verify-audit-chain";
export {
  type MessageChannel,
  type MessageFailedEvent,
  type MessageProvider,
  type MessageRecord,
  type MessageStatus,
  type MessageStatusEvent,
  type MessageTemplateInfo,
  MessagingIntegration,
  type MessagingIntegrationEvents,
  type MessagingIntegrationOptions,
  type MessagingIntegrationSnapshot,
  type OutgoingMessage,
  type ProviderFailureOutcome,
  type ProviderReceipt,
  type ProviderSendContext,
  type RateLimit,
  type SendMessageInput,
  type SendMessageResult,
  type StatusCallbackRequest,
  type TemplateOptions,
  type TemplateSnapshot,
  type TemplateValue,
} from "./messaging/messaging-integration";
export {
  createOutboxProvider,
  type OutboxMessage,
  type OutboxProvider,
  type OutboxProviderOptions,
} from "./messaging/outbox-provider";
export type { PhoneNumberCheck } from "./messaging/recipient";
export { countSmsSegments, isGsm7, type SmsEncoding, type SmsSegmentCount } from "./messaging/sms-segments";
export { createSmtpProvider, type SmtpProvider, type SmtpProviderOptions } from "./messaging/smtp-provider";
export { createTwilioProvider, type TwilioProvider, type TwilioProviderOptions } from "./messaging/twilio-provider";
export {
  computeTwilioSignature,
  type TwilioParams,
  type VerifyTwilioSignatureInput,
  verifyTwilioSignature,
} from "./messaging/twilio-signature";
export { currencyExponent, formatMinorUnits, type MoneyInput, toMinorUnits } from "./payments/money";
export {
  type CreatePaymentInput,
  type Payment,
  type PaymentFailure,
  type PaymentFailureCode,
  PaymentGatewayIntegration,
  type PaymentGatewayIntegrationEvents,
  type PaymentGatewayIntegrationOptions,
  type PaymentNextAction,
  type PaymentRefund,
  type PaymentStatus,
  type RefundPaymentOptions,
  type StripeWebhookResult,
} from "./payments/payment-gateway-integration";
export { PAYMENT_STATUSES } from "./payments/payment-gateway-integration-types";
export type {
  PaymentProvider,
  ProviderCallContext,
  ProviderCreateRequest,
  ProviderErrorDetails,
  ProviderPaymentReference,
  ProviderPaymentState,
  ProviderRefundResult,
} from "./payments/providers/payment-provider";
export { providerError } from "./payments/providers/payment-provider";
export { createPayPalPaymentProvider, type PayPalPaymentProviderOptions } from "./payments/providers/paypal-provider";
export {
  createSandboxPaymentProvider,
  SANDBOX_FAILING_AUTH_CODE,
  SANDBOX_TEST_CARDS,
} from "./payments/providers/sandbox-provider";
export { createStripePaymentProvider, type StripePaymentProviderOptions } from "./payments/providers/stripe-provider";
export { type VerifyStripeSignatureOptions, verifyStripeSignature } from "./payments/stripe-webhook-signature";
export {
  type BlockedAddressReason,
  classifyAddress,
  type HostResolver,
  type ResolvedAddress,
  type SsrfGuardOptions,
} from "./webhooks/ssrf-guard";
export {
  type DeliveryAttemptLog,
  type DeliveryLogFilter,
  type FlushOptions,
  type FlushResult,
  type RegisteredWebhook,
  type RegisterWebhookInput,
  type RotateSecretOptions,
  SVIX_RETRY_SCHEDULE,
  type TriggerWebhookResult,
  type UpdateWebhookInput,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
  WebhookManager,
  type WebhookManagerEvents,
  type WebhookManagerOptions,
  type WebhookRecordDamaged,
  type WebhookStoreName,
} from "./webhooks/webhook-manager";
export {
  decodeWebhookSecret,
  generateWebhookSecret,
  type SignWebhookInput,
  signWebhook,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeadersInput,
  type WebhookSignatureHeaders,
} from "./webhooks/webhook-signature";
