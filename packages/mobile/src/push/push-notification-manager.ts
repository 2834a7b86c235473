import {
  createKeyedMutex,
  createValidator,
  type KeyedMutex,
  PelbiotError,
  TypedEventEmitter,
  toPelbiotError,
  uuidv7,
} from "@pelbiot/core";
import { deliverWithRetry } from "./deliver-with-retry";
import { DeliveryLog } from "./delivery-log";
import { DeviceRegistry } from "./device-registry";
import { checkDetails, checkId, checkNotification, checkToken, checkTopic } from "./push-input";
import {
  type PushNotificationManagerOptions,
  type ResolvedPushNotificationManagerOptions,
  resolvePushNotificationManagerOptions,
} from "./push-notification-manager-options";
import {
  DELIVERY_STATUSES,
  type DeliveryLogFilter,
  type DeliveryResult,
  type PushDevice,
  type PushNotification,
  type PushNotificationEvents,
  type RegisterDeviceDetails,
  type ResolvedPushNotification,
  type SendReport,
  type WebPushSubscription,
} from "./push-notification-manager-types";
import { sendInBatches } from "./send-in-batches";

export type { PushNotificationManagerOptions, PushRetryOptions } from "./push-notification-manager-options";
export type * from "./push-notification-manager-types";

/** Filter of {@link PushNotificationManager.listDevices}. */
export interface DeviceFilter {
  /** Only devices subscribed to this topic. */
  topic?: string | undefined;
  /** Only devices of this user. */
  userId?: string | undefined;
  /** Only devices reached by this transport. */
  provider?: string | undefined;
}

/**
 * Registers devices and sends them push notifications through FCM, APNs, Web Push or the in-process log transport
 * (the default, which sends nothing anywhere). Every (device, message) delivery ends in one normalised
 * {@link DeliveryResult}: dead tokens are pruned from the registry, transient failures and rate limits are retried
 * through core's `retry` honouring `Retry-After`, and each final result is emitted (`notification_sent` /
 * `notification_failed`) and kept in a delivery log. The registry lives in a storage adapter, so it survives a
 * restart with a durable one.
 *
 * Calls on one device run in the order they were made, so the guide's un-awaited calls still apply in order; await
 * them to see their results and errors.
 *
 * @example
 * ```ts
 * const push = new PushNotificationManager();
 * push.on("notification_sent", (result) => console.log("sent to", result.deviceId));
 * await push.registerDevice("device-id", "firebase-token");
 * await push.subscribeToTopic("device-id", "alerts");
 * const result = await push.sendNotification("device-id", { title: "Alert", message: "Important update" });
 * console.log(result.status); // "delivered"
 * ```
 */
export class PushNotificationManager extends TypedEventEmitter<PushNotificationEvents> {
  readonly #options: ResolvedPushNotificationManagerOptions;
  readonly #registry: DeviceRegistry;
  readonly #log: DeliveryLog;
  readonly #exclusive: KeyedMutex = createKeyedMutex();
  // Registry changes still running; listings wait for them so they see every earlier call.
  readonly #pendingChanges = new Set<Promise<unknown>>();

  /**
   * @param options - Transports, default provider, storage and key prefix, clock, logger, retry policy, concurrency
   *   and log size; see {@link PushNotificationManagerOptions}.
   * @throws {PelbiotValidationError} VALIDATION_ERROR listing every malformed or unknown option (with the accepted
   *   keys).
   */
  constructor(options: PushNotificationManagerOptions = {}) {
    super();
    this.#options = resolvePushNotificationManagerOptions(options);
    this.#registry = new DeviceRegistry(this.#options.storage, this.#options.keyPrefix, this.#options.logger);
    this.#log = new DeliveryLog(this.#options.maxDeliveryLogs);
  }

  /**
   * Registers a device, or updates its token and details when it is already registered (topics are kept).
   *
   * @param deviceId - Your id of the device or app installation.
   * @param token - The provider's token: an FCM registration token, an APNs device token (hex), or a Web Push
   *   subscription (object or its JSON text).
   * @param details - `platform`, `provider`, `userId`, `locale`, `appVersion`.
   * @returns The stored device.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed, the provider has no transport or
   *   its transport refuses the token; nothing is stored then.
   * @example
   * ```ts
   * await push.registerDevice("phone-1", "fcm-token", { platform: "android", userId: "user-1", locale: "en-GB" });
   * ```
   */
  registerDevice(
    deviceId: string,
    token: string | WebPushSubscription,
    details?: RegisterDeviceDetails,
  ): Promise<PushDevice> {
    const check = createValidator("PushNotificationManager.registerDevice", { redactStrings: true });
    checkId(check, "deviceId", deviceId);
    const storedToken = checkToken(check, "token", token);
    const checked = checkDetails(check, "details", details);
    const provider = checked.provider ?? this.#options.defaultProvider;
    const transport = this.#options.transports[provider];
    if (check.check(transport !== undefined, "details.provider", this.#providerMessage(provider))) {
      const problem = storedToken === undefined ? undefined : transport?.checkToken?.(storedToken);
      check.check(problem === undefined, "token", `${problem} (provider ${provider})`);
    }
    return this.#rejectOr(check, () =>
      this.#change(deviceId, () =>
        this.#registry.register(deviceId, {
          token: storedToken as string,
          details: checked,
          defaultProvider: this.#options.defaultProvider,
          now: this.#options.clock.now(),
        }),
      ),
    );
  }

  /**
   * Removes a device and its topic subscriptions.
   *
   * @param deviceId - The device.
   * @returns `true` when it was registered.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `deviceId` is malformed.
   * @example
   * ```ts
   * await push.unregisterDevice("phone-1");
   * ```
   */
  unregisterDevice(deviceId: string): Promise<boolean> {
    const check = createValidator("PushNotificationManager.unregisterDevice");
    checkId(check, "deviceId", deviceId);
    return this.#rejectOr(check, () => this.#change(deviceId, () => this.#registry.remove(deviceId)));
  }

  /**
   * Reads one device.
   *
   * @param deviceId - The device.
   * @returns The device, or `undefined` when it is not registered.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `deviceId` is malformed.
   * @example
   * ```ts
   * const device = await push.getDevice("phone-1");
   * ```
   */
  getDevice(deviceId: string): Promise<PushDevice | undefined> {
    const check = createValidator("PushNotificationManager.getDevice");
    checkId(check, "deviceId", deviceId);
    return this.#rejectOr(check, () =>
      this.#exclusive(deviceId, () => this.#guard(() => this.#registry.get(deviceId))),
    );
  }

  /**
   * Lists registered devices, optionally those of one topic, user or provider.
   *
   * @param filter - `topic`, `userId`, `provider`; all given ones must match.
   * @returns The devices in device-id order.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the filter is malformed.
   * @example
   * ```ts
   * const subscribers = await push.listDevices({ topic: "alerts" });
   * ```
   */
  listDevices(filter: DeviceFilter = {}): Promise<PushDevice[]> {
    const check = createValidator("PushNotificationManager.listDevices");
    if (check.object("filter", filter)) {
      check.knownKeys("filter", filter, ["topic", "userId", "provider"]);
      if (filter.topic !== undefined) checkTopic(check, "filter.topic", filter.topic);
      if (filter.userId !== undefined) checkId(check, "filter.userId", filter.userId);
      if (filter.provider !== undefined) check.string("filter.provider", filter.provider, { maxLength: 32 });
    }
    return this.#rejectOr(check, () => this.#devicesWhere(filter));
  }

  /**
   * Subscribes a device to a topic (subscribing twice is harmless).
   *
   * @param deviceId - A registered device.
   * @param topic - Letters, digits and `-_.~%` (FCM's rule), e.g. `"alerts"`.
   * @returns The device with its topics.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND (`details: { id }`) when the device is not registered.
   * @example
   * ```ts
   * await push.subscribeToTopic("device-id", "alerts");
   * ```
   */
  subscribeToTopic(deviceId: string, topic: string): Promise<PushDevice> {
    return this.#setTopic("subscribeToTopic", deviceId, topic, true);
  }

  /**
   * Unsubscribes a device from a topic (unsubscribing twice is harmless).
   *
   * @param deviceId - A registered device.
   * @param topic - The topic.
   * @returns The device with its remaining topics.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND (`details: { id }`) when the device is not registered.
   * @example
   * ```ts
   * await push.unsubscribeFromTopic("device-id", "alerts");
   * ```
   */
  unsubscribeFromTopic(deviceId: string, topic: string): Promise<PushDevice> {
    return this.#setTopic("unsubscribeFromTopic", deviceId, topic, false);
  }

  /**
   * Sends a notification to one device and waits for its final result (after retries).
   *
   * @param deviceId - A registered device.
   * @param notification - `title`, `message` (or `body`), `data`, `ttlMs`, `priority`, `collapseKey`, `badge`,
   *   `sound`.
   * @returns The delivery result; a failed delivery is a result with its status, not an error.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @throws {PelbiotError} NOT_FOUND (`details: { id }`) when the device is not registered.
   * @example
   * ```ts
   * const result = await push.sendNotification("device-id", { title: "Alert", message: "Important update" });
   * if (result.status === "rate_limited") console.log("try again in", result.retryAfterMs, "ms");
   * ```
   */
  sendNotification(deviceId: string, notification: PushNotification): Promise<DeliveryResult> {
    const check = createValidator("PushNotificationManager.sendNotification", { redactStrings: true });
    checkId(check, "deviceId", deviceId);
    const resolved = checkNotification(check, "notification", notification);
    return this.#rejectOr(check, async () => {
      const device = await this.#exclusive(deviceId, () => this.#guard(() => this.#registry.get(deviceId)));
      if (device === undefined) throw notFound("sendNotification", deviceId);
      return this.#deliver(device, resolved as ResolvedPushNotification, uuidv7({ clock: this.#options.clock }));
    });
  }

  /**
   * Sends a notification to several devices, in batches within each provider's limit.
   *
   * @param deviceIds - Device ids (duplicates are sent once); unregistered ones are reported in `missing`.
   * @param notification - As for {@link PushNotificationManager.sendNotification}.
   * @returns One result per registered device, with counts.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @example
   * ```ts
   * const report = await push.sendToDevices(["phone-1", "tablet-2"], { title: "Sale starts now" });
   * ```
   */
  sendToDevices(deviceIds: readonly string[], notification: PushNotification): Promise<SendReport> {
    const check = createValidator("PushNotificationManager.sendToDevices", { redactStrings: true });
    if (check.array("deviceIds", deviceIds, { minLength: 1, maxLength: 100_000 })) {
      deviceIds.forEach((deviceId, index) => {
        checkId(check, `deviceIds.${index}`, deviceId);
      });
    }
    const resolved = checkNotification(check, "notification", notification);
    return this.#rejectOr(check, async () => {
      const wanted = [...new Set(deviceIds)];
      // Each read waits for earlier calls on its device, like sendNotification.
      const found = await Promise.all(
        wanted.map((deviceId) => this.#exclusive(deviceId, () => this.#guard(() => this.#registry.get(deviceId)))),
      );
      const devices = found.filter((device): device is PushDevice => device !== undefined);
      const missing = wanted.filter((_, index) => found[index] === undefined);
      return this.#sendAll(devices, resolved as ResolvedPushNotification, missing);
    });
  }

  /**
   * Sends a notification to every device subscribed to a topic. Topics live in the registry and fan out to one
   * message per device, so they behave the same on every provider (and survive a token change).
   *
   * @param topic - The topic.
   * @param notification - As for {@link PushNotificationManager.sendNotification}.
   * @returns One result per subscribed device (none when nobody is subscribed), with counts.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @example
   * ```ts
   * const report = await push.sendToTopic("alerts", { title: "Alert", message: "Important update" });
   * ```
   */
  sendToTopic(topic: string, notification: PushNotification): Promise<SendReport> {
    const check = createValidator("PushNotificationManager.sendToTopic", { redactStrings: true });
    checkTopic(check, "topic", topic);
    const resolved = checkNotification(check, "notification", notification);
    return this.#rejectOr(check, async () =>
      this.#sendAll(await this.#devicesWhere({ topic }), resolved as ResolvedPushNotification, []),
    );
  }

  /**
   * Sends a notification to every device registered for a user.
   *
   * @param userId - The user.
   * @param notification - As for {@link PushNotificationManager.sendNotification}.
   * @returns One result per device of the user, with counts.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when an argument is malformed.
   * @example
   * ```ts
   * await push.sendToUser("user-1", { title: "New sign-in", data: { kind: "security" }, priority: "high" });
   * ```
   */
  sendToUser(userId: string, notification: PushNotification): Promise<SendReport> {
    const check = createValidator("PushNotificationManager.sendToUser", { redactStrings: true });
    checkId(check, "userId", userId);
    const resolved = checkNotification(check, "notification", notification);
    return this.#rejectOr(check, async () =>
      this.#sendAll(await this.#devicesWhere({ userId }), resolved as ResolvedPushNotification, []),
    );
  }

  /**
   * Reads the delivery log: the newest final results (up to `maxDeliveryLogs`), oldest first.
   *
   * @param filter - `deviceId`, `status`, `notificationId`, `limit`.
   * @returns The matching results.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when the filter is malformed.
   * @example
   * ```ts
   * const dead = push.getDeliveryLog({ status: "invalid_token" });
   * ```
   */
  getDeliveryLog(filter: DeliveryLogFilter = {}): DeliveryResult[] {
    const check = createValidator("PushNotificationManager.getDeliveryLog");
    if (check.object("filter", filter)) {
      check.knownKeys("filter", filter, ["deviceId", "status", "notificationId", "limit"]);
      if (filter.deviceId !== undefined) checkId(check, "filter.deviceId", filter.deviceId);
      if (filter.status !== undefined) check.oneOf("filter.status", filter.status, DELIVERY_STATUSES);
      if (filter.notificationId !== undefined) check.string("filter.notificationId", filter.notificationId);
      if (filter.limit !== undefined) check.number("filter.limit", filter.limit, { integer: true, min: 0 });
    }
    check.done();
    return this.#log.read(filter);
  }

  #setTopic(method: string, deviceId: string, topic: string, subscribed: boolean): Promise<PushDevice> {
    const check = createValidator(`PushNotificationManager.${method}`);
    checkId(check, "deviceId", deviceId);
    checkTopic(check, "topic", topic);
    return this.#rejectOr(check, () =>
      this.#change(deviceId, async () => {
        const device = await this.#registry.setTopic(deviceId, topic, subscribed, this.#options.clock.now());
        if (device === undefined) throw notFound(method, deviceId);
        return device;
      }),
    );
  }

  async #devicesWhere(filter: DeviceFilter): Promise<PushDevice[]> {
    await Promise.allSettled([...this.#pendingChanges]);
    return this.#guard(() =>
      this.#registry.list(
        (device) =>
          (filter.topic === undefined || device.topics.includes(filter.topic)) &&
          (filter.userId === undefined || device.userId === filter.userId) &&
          (filter.provider === undefined || device.provider === filter.provider),
      ),
    );
  }

  async #sendAll(
    devices: readonly PushDevice[],
    notification: ResolvedPushNotification,
    missing: readonly string[],
  ): Promise<SendReport> {
    const notificationId = uuidv7({ clock: this.#options.clock });
    const results = await sendInBatches(devices, {
      batchSize: (device) => this.#options.transports[device.provider]?.maxBatchSize ?? 1,
      concurrency: this.#options.maxConcurrency,
      send: (device) => this.#deliver(device, notification, notificationId),
    });
    const delivered = results.filter((result) => result.status === "delivered").length;
    return { notificationId, results, delivered, failed: results.length - delivered, missing };
  }

  async #deliver(
    device: PushDevice,
    notification: ResolvedPushNotification,
    notificationId: string,
  ): Promise<DeliveryResult> {
    const { transports, retry, clock, logger, pruneInvalidTokens } = this.#options;
    const transport = transports[device.provider];
    const { outcome, attempts } =
      transport === undefined
        ? {
            outcome: { status: "invalid_request" as const, reason: this.#providerMessage(device.provider) },
            attempts: 0,
          }
        : await deliverWithRetry(transport, { device, notification, notificationId }, retry, clock);
    let pruned = false;
    if (outcome.status === "invalid_token" && pruneInvalidTokens) {
      pruned = await this.#change(device.deviceId, () =>
        this.#registry.removeIfToken(device.deviceId, device.token),
      ).catch((error: unknown) => {
        logger.error("push: could not prune a dead token", { deviceId: device.deviceId, error: String(error) });
        return false;
      });
    }
    const result: DeliveryResult = {
      ...outcome,
      notificationId,
      deviceId: device.deviceId,
      provider: device.provider,
      attempts,
      at: clock.now(),
      pruned,
    };
    this.#log.add(result);
    if (result.status === "delivered") {
      this.emit("notification_sent", result);
    } else {
      logger.warn("push: delivery failed", { deviceId: device.deviceId, status: result.status, attempts });
      this.emit("notification_failed", result);
    }
    if (pruned) {
      const { deviceId, provider, providerCode } = result;
      this.emit("device_pruned", { deviceId, provider, providerCode, notificationId });
    }
    return result;
  }

  // Runs a registry change after the earlier calls on the same device, and lets listings wait for it.
  #change<T>(deviceId: string, task: () => Promise<T>): Promise<T> {
    const running = this.#exclusive(deviceId, () => this.#guard(task));
    this.#pendingChanges.add(running);
    const forget = (): void => {
      this.#pendingChanges.delete(running);
    };
    running.then(forget, forget);
    return running;
  }

  // Validation failures reject (these methods are async to callers) and leave everything unchanged.
  #rejectOr<T>(check: ReturnType<typeof createValidator>, run: () => Promise<T>): Promise<T> {
    try {
      check.done();
    } catch (error) {
      return Promise.reject(error);
    }
    return run();
  }

  async #guard<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      throw toPelbiotError(error, "STORAGE_ERROR");
    }
  }

  #providerMessage(provider: string): string {
    const names = Object.keys(this.#options.transports).join(", ");
    return `names provider "${provider}", which has no transport; configured: ${names}`;
  }
}

function notFound(method: string, deviceId: string): PelbiotError {
  return new PelbiotError(
    "NOT_FOUND",
    `PushNotificationManager.${method}: device "${deviceId}" is not registered; call registerDevice first`,
    { details: { id: deviceId } },
  );
}
