// The argument checks of WebhookManager's public methods: each adds its issues to the method's one validator.
import { describeType, type Validator } from "@pelbiot/core";
import { describeError } from "../internal/describe-error";
import { isEventName, isEventPattern } from "./event-pattern";
import { checkDeliveryAddress, type SsrfGuardOptions } from "./ssrf-guard";
import type {
  DeliveryLogFilter,
  FlushOptions,
  RegisterWebhookInput,
  RotateSecretOptions,
  UpdateWebhookInput,
} from "./webhook-manager-types";
import { checkWebhookSecret, isValidMessageId } from "./webhook-signature";

/** The fields of {@link RegisterWebhookInput}. */
export const REGISTER_WEBHOOK_INPUT_KEYS = [
  "event",
  "events",
  "url",
  "secret",
  "description",
] as const satisfies ReadonlyArray<keyof RegisterWebhookInput>;

/** The fields of {@link UpdateWebhookInput}. */
export const UPDATE_WEBHOOK_INPUT_KEYS = ["url", "event", "events", "description"] as const satisfies ReadonlyArray<
  keyof UpdateWebhookInput
>;

/** The fields of {@link RotateSecretOptions}. */
export const ROTATE_SECRET_OPTION_KEYS = ["secret", "overlapMs"] as const satisfies ReadonlyArray<
  keyof RotateSecretOptions
>;

/** The fields of {@link FlushOptions}. */
export const FLUSH_OPTION_KEYS = ["timeoutMs"] as const satisfies ReadonlyArray<keyof FlushOptions>;

/** The fields of {@link DeliveryLogFilter}. */
export const DELIVERY_LOG_FILTER_KEYS = [
  "endpointId",
  "messageId",
  "deliveryId",
  "event",
  "success",
] as const satisfies ReadonlyArray<keyof DeliveryLogFilter>;

const EVENT_PATTERN_RULE =
  "must be an event name or pattern: dot-separated segments of letters, digits, '_', '-' or '*'";

/**
 * Checks `registerWebhook`'s argument.
 *
 * @param check - The method's validator.
 * @param input - The argument.
 * @param ssrf - The manager's SSRF guard settings, which a URL with an IP literal must pass.
 * @returns The subscribed patterns, without repeats (empty when malformed).
 */
export function checkRegisterInput(check: Validator, input: unknown, ssrf: SsrfGuardOptions): string[] {
  if (!check.object("input", input)) return [];
  check.knownKeys("input", input, REGISTER_WEBHOOK_INPUT_KEYS);
  const events = checkEventPatterns(check, "input", input, true) ?? [];
  checkEndpointUrl(check, "input.url", input.url, ssrf);
  if (input.secret !== undefined) checkWebhookSecret(check, "input.secret", input.secret);
  if (input.description !== undefined) check.string("input.description", input.description, { maxLength: 500 });
  return events;
}

/**
 * Checks `updateWebhook`'s changes.
 *
 * @param check - The method's validator.
 * @param changes - The argument.
 * @param ssrf - The manager's SSRF guard settings.
 * @returns The new patterns, or `undefined` when the subscription does not change.
 */
export function checkUpdateInput(check: Validator, changes: unknown, ssrf: SsrfGuardOptions): string[] | undefined {
  if (!check.object("changes", changes)) return undefined;
  check.knownKeys("changes", changes, UPDATE_WEBHOOK_INPUT_KEYS);
  const events = checkEventPatterns(check, "changes", changes, false);
  if (changes.url !== undefined) checkEndpointUrl(check, "changes.url", changes.url, ssrf);
  if (changes.description !== undefined && changes.description !== null) {
    check.string("changes.description", changes.description, { maxLength: 500 });
  }
  return events;
}

/**
 * Checks `rotateSecret`'s options.
 *
 * @param check - The method's validator.
 * @param options - The argument.
 * @param defaultOverlapMs - The overlap when none is given.
 * @returns The overlap in milliseconds.
 */
export function checkRotateSecretOptions(check: Validator, options: unknown, defaultOverlapMs: number): number {
  if (!check.object("options", options)) return defaultOverlapMs;
  check.knownKeys("options", options, ROTATE_SECRET_OPTION_KEYS);
  if (options.secret !== undefined) checkWebhookSecret(check, "options.secret", options.secret);
  const { overlapMs = defaultOverlapMs } = options;
  check.durationMs("options.overlapMs", overlapMs, { max: Number.MAX_SAFE_INTEGER });
  return overlapMs as number;
}

/**
 * Checks `triggerWebhook`'s arguments and builds the body every delivery sends.
 *
 * @param check - The method's validator.
 * @param trigger - The event name, payload, options and the time of the trigger.
 * @returns The JSON body `{ type, timestamp, data }` (empty when the payload cannot be serialised).
 */
export function checkTriggerInput(
  check: Validator,
  trigger: { event: unknown; payload: unknown; options: unknown; now: number },
): string {
  const { event, payload, options, now } = trigger;
  check.check(isEventName(event), "event", "must be dot-separated segments of letters, digits, '_' or '-'");
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["messageId"]);
    if (options.messageId !== undefined) {
      check.check(isValidMessageId(options.messageId), "options.messageId", "must be 1 to 256 letters, digits, _ or -");
    }
  }
  if (payload === undefined || typeof payload === "function" || typeof payload === "symbol") {
    check.fail("payload", `must be JSON-serialisable, got ${describeType(payload)}`);
    return "";
  }
  try {
    return JSON.stringify({ type: event, timestamp: new Date(now).toISOString(), data: payload ?? null });
  } catch (error) {
    check.fail("payload", `must be JSON-serialisable: ${describeError(error)}`);
    return "";
  }
}

/**
 * Checks `getDeliveryLogs`' filter.
 *
 * @param check - The method's validator.
 * @param filter - The argument.
 */
export function checkDeliveryLogFilter(check: Validator, filter: unknown): void {
  if (!check.object("filter", filter)) return;
  check.knownKeys("filter", filter, DELIVERY_LOG_FILTER_KEYS);
  for (const key of ["endpointId", "messageId", "deliveryId", "event"] as const) {
    if (filter[key] !== undefined) check.string(`filter.${key}`, filter[key]);
  }
  if (filter.success !== undefined) check.boolean("filter.success", filter.success);
}

/**
 * Checks `listDeliveries`' filter.
 *
 * @param check - The method's validator.
 * @param filter - The argument.
 */
export function checkDeliveryFilter(check: Validator, filter: unknown): void {
  if (!check.object("filter", filter)) return;
  check.knownKeys("filter", filter, ["status"]);
  if (filter.status !== undefined) check.oneOf("filter.status", filter.status, ["pending", "dead"]);
}

/**
 * Checks `flush`'s options.
 *
 * @param check - The method's validator.
 * @param options - The argument.
 * @param defaultTimeoutMs - The timeout when none is given.
 * @returns The timeout in milliseconds.
 */
export function checkFlushOptions(check: Validator, options: unknown, defaultTimeoutMs: number): number {
  if (!check.object("options", options)) return defaultTimeoutMs;
  check.knownKeys("options", options, FLUSH_OPTION_KEYS);
  const { timeoutMs = defaultTimeoutMs } = options;
  check.durationMs("options.timeoutMs", timeoutMs);
  return timeoutMs as number;
}

// `event` or `events` (not both); `required` when the caller must subscribe to something.
function checkEventPatterns(
  check: Validator,
  path: string,
  input: Record<string, unknown>,
  required: boolean,
): string[] | undefined {
  const { event, events } = input;
  if (event !== undefined && events !== undefined) {
    check.fail(`${path}.events`, "give either event or events, not both");
    return undefined;
  }
  if (event !== undefined) {
    return check.check(isEventPattern(event), `${path}.event`, EVENT_PATTERN_RULE) ? [event as string] : [];
  }
  if (events !== undefined) {
    if (!check.array(`${path}.events`, events, { minLength: 1, maxLength: 100 })) return undefined;
    events.forEach((item, index) => {
      check.check(isEventPattern(item), `${path}.events.${index}`, EVENT_PATTERN_RULE);
    });
    return [...new Set(events as string[])];
  }
  if (required) check.fail(`${path}.event`, "is required (or give events)");
  return undefined;
}

function checkEndpointUrl(check: Validator, path: string, value: unknown, ssrf: SsrfGuardOptions): void {
  if (!check.string(path, value, { maxLength: 2048 })) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    check.fail(path, "must be an absolute http or https URL");
    return;
  }
  if (!check.check(url.protocol === "https:" || url.protocol === "http:", path, "must use http or https")) return;
  if (!check.check(url.username === "" && url.password === "", path, "must not contain credentials")) return;
  try {
    checkDeliveryAddress(url, ssrf);
  } catch (error) {
    check.fail(path, describeError(error));
  }
}
