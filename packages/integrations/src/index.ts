/**
 * @module @pelbiot/integrations
 *
 * Third-party integrations: encrypted API credentials, payments, messaging and signed webhooks.
 *
 * This release ships the package skeleton only (build, exports map, types); APICredentialsManager, PaymentGatewayIntegration, MessagingIntegration and WebhookManager
 * arrive in the next minor releases. Nothing here pretends to work before it does.
 */
export {};
