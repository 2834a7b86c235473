import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  PelbiotError,
  type StorageAdapter,
  systemClock,
  type Validator,
} from "@pelbiot/core";
import type { PaymentProvider } from "./providers/payment-provider";
import { createPayPalPaymentProvider, type PayPalPaymentProviderOptions } from "./providers/paypal-provider";
import { createSandboxPaymentProvider } from "./providers/sandbox-provider";
import { createStripePaymentProvider, type StripePaymentProviderOptions } from "./providers/stripe-provider";

/** Options of {@link PaymentGatewayIntegration}. */
export interface PaymentGatewayIntegrationOptions {
  /**
   * Which provider handles payments: `"sandbox"` (in-process, nothing charged, `external: false` on every payment),
   * `"stripe"` (needs `stripe.secretKey`), `"paypal"` (needs `paypal.clientId` and `paypal.clientSecret`), or any
   * {@link PaymentProvider} object. Naming a real provider without its credentials is a `CONFIGURATION_ERROR`, never
   * a silent fallback to the sandbox, unless `mockExternalAPIs` is `true`.
   * @default "sandbox"
   */
  provider?: "sandbox" | "stripe" | "paypal" | PaymentProvider | undefined;
  /**
   * Runs every call against the in-process sandbox even when `provider` names Stripe or PayPal (the guide's
   * development setting). The payments then say `provider: "sandbox"` and `external: false`.
   * @default false
   */
  mockExternalAPIs?: boolean | undefined;
  /** Stripe settings, used when `provider` is `"stripe"`; see {@link StripePaymentProviderOptions}. */
  stripe?: Omit<StripePaymentProviderOptions, "clock"> | undefined;
  /** PayPal settings, used when `provider` is `"paypal"`; see {@link PayPalPaymentProviderOptions}. */
  paypal?: Omit<PayPalPaymentProviderOptions, "clock"> | undefined;
  /**
   * The Stripe endpoint secret (`whsec_…`) that {@link PaymentGatewayIntegration.handleStripeWebhook} verifies
   * `Stripe-Signature` with.
   */
  stripeWebhookSecret?: string | undefined;
  /**
   * How far a Stripe webhook's timestamp may lie from now, in milliseconds, in either direction.
   * @default 300_000
   */
  webhookToleranceMs?: number | undefined;
  /**
   * Where payments, idempotency claims and handled webhook ids live. Share one durable adapter between processes:
   * refunds reserve their amount with compare-and-set, so Σ refunds ≤ captured holds across them.
   * @default a private createMemoryStorage()
   */
  storage?: StorageAdapter | undefined;
  /**
   * Prepended to every storage key, so several integrations can share one adapter.
   * @default "payments:"
   */
  keyPrefix?: string | undefined;
  /** Timestamps, ids, HTTP deadlines and retry waits. @default systemClock */
  clock?: Clock | undefined;
  /** Receives warnings (a webhook for an unknown payment). @default noopLogger */
  logger?: Logger | undefined;
}

/** Every option of {@link PaymentGatewayIntegrationOptions}, in documentation order. */
export const PAYMENT_GATEWAY_OPTION_KEYS = [
  "provider",
  "mockExternalAPIs",
  "stripe",
  "paypal",
  "stripeWebhookSecret",
  "webhookToleranceMs",
  "storage",
  "keyPrefix",
  "clock",
  "logger",
] as const satisfies ReadonlyArray<keyof PaymentGatewayIntegrationOptions>;

/** The constructor's options with every default applied. */
export interface ResolvedPaymentGatewayOptions {
  readonly provider: PaymentProvider;
  readonly storage: StorageAdapter;
  readonly keyPrefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stripeWebhookSecret: string | undefined;
  readonly webhookToleranceMs: number;
}

/**
 * Validates the options of `new PaymentGatewayIntegration(options)` and builds the provider.
 *
 * @param options - The constructor's argument (`undefined` for all defaults).
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option.
 * @throws {PelbiotError} CONFIGURATION_ERROR when `provider` names Stripe or PayPal without credentials (and
 *   `mockExternalAPIs` is not `true`).
 * @example
 * ```ts
 * resolvePaymentGatewayOptions({}).provider.name; // "sandbox"
 * ```
 */
export function resolvePaymentGatewayOptions(options: unknown): ResolvedPaymentGatewayOptions {
  const given = options === undefined ? {} : options;
  const check = createValidator("PaymentGatewayIntegration constructor", { redactStrings: true });
  if (!check.object("options", given)) check.done();
  const input = given as PaymentGatewayIntegrationOptions;
  check.knownKeys("options", given as Record<string, unknown>, PAYMENT_GATEWAY_OPTION_KEYS);
  checkPorts(check, input);
  checkProviderChoice(check, input);
  check.done();

  const clock = input.clock ?? systemClock;
  return Object.freeze({
    provider: buildProvider(input, clock),
    storage: input.storage ?? createMemoryStorage(),
    keyPrefix: input.keyPrefix ?? "payments:",
    clock,
    logger: input.logger ?? noopLogger,
    stripeWebhookSecret: input.stripeWebhookSecret,
    webhookToleranceMs: input.webhookToleranceMs ?? 300_000,
  });
}

function checkPorts(check: Validator, input: PaymentGatewayIntegrationOptions): void {
  if (input.storage !== undefined) check.storage("options.storage", input.storage);
  if (input.keyPrefix !== undefined)
    check.string("options.keyPrefix", input.keyPrefix, { minLength: 0, maxLength: 100 });
  if (input.clock !== undefined) check.clock("options.clock", input.clock);
  if (input.logger !== undefined) check.logger("options.logger", input.logger);
  if (input.webhookToleranceMs !== undefined) {
    check.durationMs("options.webhookToleranceMs", input.webhookToleranceMs, { min: 1 });
  }
  if (input.stripeWebhookSecret !== undefined) {
    check.string("options.stripeWebhookSecret", input.stripeWebhookSecret, {
      maxLength: 500,
      pattern: { regex: /^\S+$/, description: "a Stripe endpoint secret (whsec_…) without whitespace" },
    });
  }
}

function checkProviderChoice(check: Validator, input: PaymentGatewayIntegrationOptions): void {
  const { provider } = input;
  if (provider !== undefined && (typeof provider === "string" || typeof provider !== "object" || provider === null)) {
    check.oneOf("options.provider", provider, ["sandbox", "stripe", "paypal"]);
  } else if (provider !== undefined) {
    check.string("options.provider.name", provider.name, { maxLength: 40 });
    check.boolean("options.provider.external", provider.external);
    for (const method of ["createPayment", "confirmPayment", "capturePayment", "cancelPayment", "refundPayment"]) {
      check.fn(`options.provider.${method}`, (provider as unknown as Record<string, unknown>)[method]);
    }
  }
  if (input.mockExternalAPIs !== undefined) check.boolean("options.mockExternalAPIs", input.mockExternalAPIs);
  if (input.stripe !== undefined) check.object("options.stripe", input.stripe);
  if (input.paypal !== undefined) check.object("options.paypal", input.paypal);
}

function buildProvider(input: PaymentGatewayIntegrationOptions, clock: Clock): PaymentProvider {
  const provider = input.provider ?? "sandbox";
  if (typeof provider === "object") return provider;
  if (provider === "sandbox" || input.mockExternalAPIs === true) return createSandboxPaymentProvider();
  if (provider === "stripe") {
    if (input.stripe?.secretKey === undefined) throw missingCredentials("stripe", "stripe.secretKey");
    return createStripePaymentProvider({ ...input.stripe, clock });
  }
  if (input.paypal?.clientId === undefined || input.paypal.clientSecret === undefined) {
    throw missingCredentials("paypal", "paypal.clientId and paypal.clientSecret");
  }
  return createPayPalPaymentProvider({ ...input.paypal, clock });
}

function missingCredentials(provider: string, needed: string): PelbiotError {
  return new PelbiotError(
    "CONFIGURATION_ERROR",
    `PaymentGatewayIntegration constructor: provider "${provider}" needs options.${needed}; nothing falls back to the sandbox silently. Pass the credentials, or set mockExternalAPIs: true to use the in-process sandbox on purpose.`,
    { details: { provider } },
  );
}
