import { createJsonStore, type JsonStore, type Logger, type StorageAdapter } from "@pelbiot/core";
import type { CheckedDetails } from "./push-input";
import type { PushDevice, PushPlatform } from "./push-notification-manager-types";

/** What registering a device changes. */
export interface DeviceRegistration {
  readonly token: string;
  readonly details: CheckedDetails;
  /** The provider used when neither the details nor an earlier registration name one. */
  readonly defaultProvider: string;
  readonly now: number;
}

/**
 * The device registry: one JSON record per device under `<keyPrefix>devices:<deviceId>`, so several managers (or
 * processes) sharing the adapter see the same devices. Every change is a compare-and-set update, so concurrent
 * writers never lose each other's topics. Topic and user look-ups scan the records: fine for the thousands of
 * devices one app server holds; shard by key prefix beyond that.
 */
export class DeviceRegistry {
  readonly #store: JsonStore<PushDevice>;

  constructor(storage: StorageAdapter, keyPrefix: string, logger: Logger) {
    this.#store = createJsonStore<PushDevice>(storage, {
      prefix: `${keyPrefix}devices:`,
      onDamaged: (record) => {
        logger.warn("push: skipped a damaged device record", { key: record.key, quarantineKey: record.quarantineKey });
      },
    });
  }

  get(deviceId: string): Promise<PushDevice | undefined> {
    return this.#store.get(deviceId);
  }

  /** Creates the device or updates its token and details; details not given keep their stored values. */
  async register(deviceId: string, registration: DeviceRegistration): Promise<PushDevice> {
    const { token, details, defaultProvider, now } = registration;
    const updated = await this.#store.update(deviceId, (current) => {
      const provider = details.provider ?? current?.provider ?? defaultProvider;
      const platform = details.platform ?? current?.platform ?? platformOf(provider);
      const changed =
        current === undefined ||
        current.token !== token ||
        current.provider !== provider ||
        current.platform !== platform ||
        (details.userId !== undefined && details.userId !== current.userId) ||
        (details.locale !== undefined && details.locale !== current.locale) ||
        (details.appVersion !== undefined && details.appVersion !== current.appVersion);
      return withoutUndefined({
        deviceId,
        token,
        platform,
        provider,
        topics: current?.topics ?? [],
        userId: details.userId ?? current?.userId,
        locale: details.locale ?? current?.locale,
        appVersion: details.appVersion ?? current?.appVersion,
        registeredAt: current?.registeredAt ?? now,
        updatedAt: changed ? now : (current?.updatedAt ?? now),
      });
    });
    return updated as PushDevice;
  }

  /** Removes a device; `false` when it was not registered. */
  async remove(deviceId: string): Promise<boolean> {
    let existed = false;
    await this.#store.update(deviceId, (current) => {
      existed = current !== undefined;
      return undefined;
    });
    return existed;
  }

  /**
   * Removes a device only while it still has `token`: a device that re-registered with a fresh token since the
   * failed send keeps it.
   */
  async removeIfToken(deviceId: string, token: string): Promise<boolean> {
    let removed = false;
    await this.#store.update(deviceId, (current) => {
      removed = current !== undefined && current.token === token;
      return removed ? undefined : current;
    });
    return removed;
  }

  /** Adds or removes a topic; `undefined` when the device is not registered. */
  async setTopic(deviceId: string, topic: string, subscribed: boolean, now: number): Promise<PushDevice | undefined> {
    return this.#store.update(deviceId, (current) => {
      if (current === undefined) return undefined;
      const has = current.topics.includes(topic);
      if (has === subscribed) return current;
      const topics = subscribed ? [...current.topics, topic].sort() : current.topics.filter((name) => name !== topic);
      return { ...current, topics, updatedAt: now };
    });
  }

  /** Every device matching `predicate`, in device-id order. */
  async list(predicate: (device: PushDevice) => boolean = () => true): Promise<PushDevice[]> {
    const { entries } = await this.#store.listEntries();
    return entries.map(([, device]) => device).filter(predicate);
  }
}

/** The platform a provider usually serves, for devices registered without one. */
export function platformOf(provider: string): PushPlatform {
  if (provider === "apns") return "ios";
  if (provider === "webpush") return "web";
  return "android";
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
