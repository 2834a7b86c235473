import {
  type Clock,
  createMemoryStorage,
  createValidator,
  type Logger,
  noopLogger,
  type StorageAdapter,
  systemClock,
} from "@pelbiot/core";
import type { MessageProvider } from "./messaging-integration-types";
import type { PhoneNumberCheck } from "./recipient";

/** Options of {@link MessagingIntegration}. */
export interface MessagingIntegrationOptions {
  /**
   * The providers by the name `sendMessage({ provider })` uses, e.g.
   * `{ twilio: createTwilioProvider(…), smtp: createSmtpProvider(…) }`. The name `outbox` is always available.
   * @default none: every message goes to the in-process outbox
   */
  providers?: Readonly<Record<string, MessageProvider>> | undefined;
  /**
   * The provider used when `sendMessage` names none.
   * @default the only configured provider, else "outbox"
   */
  defaultProvider?: string | undefined;
  /**
   * Whether a provider name that is not configured (such as the guide's `twilio`) is recorded in the outbox instead
   * of failing with `CONFIGURATION_ERROR`. Results then say `provider: "outbox"` and `deliveredExternally: false`.
   * The guide's development setting.
   * @default true when `providers` is not given, false when it is
   */
  mockExternalAPIs?: boolean | undefined;
  /**
   * How SMS recipients are checked with libphonenumber-js: `possible` (the length fits the country's plan) or
   * `valid` (the number range is assigned). The outbox accepts a well-formed number that fails, with a warning.
   * @default "possible"
   */
  phoneNumberCheck?: PhoneNumberCheck | undefined;
  /**
   * The most attempts per message. Only failures where the provider surely did not take the message are retried.
   * @default 3
   */
  maxAttempts?: number | undefined;
  /**
   * The first backoff ceiling between attempts in milliseconds (full jitter, doubling, at most 5 s); a provider's
   * `Retry-After` wins.
   * @default 500
   */
  retryDelayMs?: number | undefined;
  /**
   * The longest a message may wait for the provider's rate limit before `sendMessage` fails with `LIMIT_EXCEEDED`.
   * @default 60_000
   */
  maxRateLimitWaitMs?: number | undefined;
  /**
   * The longest SMS body in characters (Twilio's `Body` limit).
   * @default 1_600
   */
  maxSmsLength?: number | undefined;
  /**
   * The most templates (id × locale) held.
   * @default 1_000
   */
  maxTemplates?: number | undefined;
  /**
   * Where message records (status, provider ids; never bodies) are kept for `getMessage` and status callbacks.
   * @default a private createMemoryStorage()
   */
  storage?: StorageAdapter | undefined;
  /**
   * Prepended to every storage key, so several instances can share one adapter.
   * @default "messaging:"
   */
  keyPrefix?: string | undefined;
  /**
   * Drives rate limits, retry waits and timestamps.
   * @default systemClock
   */
  clock?: Clock | undefined;
  /**
   * Receives a warning whenever the outbox stands in for a named provider.
   * @default noopLogger
   */
  logger?: Logger | undefined;
}

/** Every option of {@link MessagingIntegrationOptions}. */
export const MESSAGING_INTEGRATION_OPTION_KEYS = [
  "providers",
  "defaultProvider",
  "mockExternalAPIs",
  "phoneNumberCheck",
  "maxAttempts",
  "retryDelayMs",
  "maxRateLimitWaitMs",
  "maxSmsLength",
  "maxTemplates",
  "storage",
  "keyPrefix",
  "clock",
  "logger",
] as const satisfies ReadonlyArray<keyof MessagingIntegrationOptions>;

/** The constructor's options with every default applied. */
export interface ResolvedMessagingIntegrationOptions {
  readonly providers: Readonly<Record<string, MessageProvider>>;
  readonly defaultProvider: string;
  readonly mockExternalAPIs: boolean;
  readonly phoneNumberCheck: PhoneNumberCheck;
  readonly maxAttempts: number;
  readonly retryDelayMs: number;
  readonly maxRateLimitWaitMs: number;
  readonly maxSmsLength: number;
  readonly maxTemplates: number;
  readonly storage: StorageAdapter;
  readonly keyPrefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Validates the options of `new MessagingIntegration(options)` and applies the defaults.
 *
 * @param options - The constructor's argument.
 * @returns The frozen resolved options.
 * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option.
 */
export function resolveMessagingIntegrationOptions(options: unknown): ResolvedMessagingIntegrationOptions {
  const check = createValidator("MessagingIntegration constructor");
  const given = options ?? {};
  if (!check.object("options", given) || !check.knownKeys("options", given, MESSAGING_INTEGRATION_OPTION_KEYS)) {
    check.done();
  }
  const input = given as MessagingIntegrationOptions;
  const providers: Record<string, MessageProvider> = {};
  if (input.providers !== undefined && check.object("options.providers", input.providers)) {
    for (const [name, provider] of Object.entries(input.providers)) {
      const path = `options.providers.${name}`;
      check.check(
        PROVIDER_NAME.test(name),
        path,
        "must be named with lower-case letters, digits, _ or - (e.g. twilio)",
      );
      if (isProvider(provider)) providers[name] = provider;
      else
        check.fail(
          path,
          "must be a message provider (createTwilioProvider, createSmtpProvider, createOutboxProvider or your own with kind, channel, deliversExternally and send)",
        );
    }
  }
  const names = Object.keys(providers);
  if (input.defaultProvider !== undefined && check.string("options.defaultProvider", input.defaultProvider)) {
    check.check(
      input.defaultProvider === "outbox" || names.includes(input.defaultProvider),
      "options.defaultProvider",
      `must name a configured provider (${[...names, "outbox"].join(", ")})`,
    );
  }
  if (input.mockExternalAPIs !== undefined) check.boolean("options.mockExternalAPIs", input.mockExternalAPIs);
  if (input.phoneNumberCheck !== undefined) {
    check.check(
      ["possible", "valid"].includes(input.phoneNumberCheck),
      "options.phoneNumberCheck",
      'must be "possible" or "valid"',
    );
  }
  if (input.maxAttempts !== undefined)
    check.number("options.maxAttempts", input.maxAttempts, { integer: true, min: 1, max: 10 });
  if (input.retryDelayMs !== undefined) check.durationMs("options.retryDelayMs", input.retryDelayMs);
  if (input.maxRateLimitWaitMs !== undefined) check.durationMs("options.maxRateLimitWaitMs", input.maxRateLimitWaitMs);
  if (input.maxSmsLength !== undefined)
    check.number("options.maxSmsLength", input.maxSmsLength, { integer: true, min: 1 });
  if (input.maxTemplates !== undefined)
    check.number("options.maxTemplates", input.maxTemplates, { integer: true, min: 1 });
  if (input.storage !== undefined) check.storage("options.storage", input.storage);
  if (input.keyPrefix !== undefined) check.string("options.keyPrefix", input.keyPrefix, { maxLength: 100 });
  if (input.clock !== undefined) check.clock("options.clock", input.clock);
  if (input.logger !== undefined) check.logger("options.logger", input.logger);
  check.done();
  return Object.freeze({
    providers: Object.freeze(providers),
    defaultProvider: input.defaultProvider ?? (names.length === 1 ? (names[0] as string) : "outbox"),
    mockExternalAPIs: input.mockExternalAPIs ?? input.providers === undefined,
    phoneNumberCheck: input.phoneNumberCheck ?? "possible",
    maxAttempts: input.maxAttempts ?? 3,
    retryDelayMs: input.retryDelayMs ?? 500,
    maxRateLimitWaitMs: input.maxRateLimitWaitMs ?? 60_000,
    maxSmsLength: input.maxSmsLength ?? 1_600,
    maxTemplates: input.maxTemplates ?? 1_000,
    storage: input.storage ?? createMemoryStorage(),
    keyPrefix: input.keyPrefix ?? "messaging:",
    clock: input.clock ?? systemClock,
    logger: input.logger ?? noopLogger,
  });
}

function isProvider(value: unknown): value is MessageProvider {
  if (typeof value !== "object" || value === null) return false;
  const { kind, channel, deliversExternally, send } = value as Record<string, unknown>;
  return (
    typeof kind === "string" &&
    (channel === "sms" || channel === "email" || channel === "any") &&
    typeof deliversExternally === "boolean" &&
    typeof send === "function"
  );
}
