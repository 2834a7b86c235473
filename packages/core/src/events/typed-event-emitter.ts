import { EventEmitter } from "eventemitter3";
import { createValidator } from "../validation/validator";

/** What a {@link TypedEventEmitter} does with an error thrown by one of its listeners. */
export type ListenerErrorHandler = (error: unknown, event: PropertyKey) => void;

/** Options for {@link TypedEventEmitter}. */
export interface TypedEventEmitterOptions {
  /**
   * Receives errors thrown by listeners. The emitting operation and the other listeners carry on regardless, so a
   * faulty listener can never leave a manager half-updated.
   * @default rethrow on a fresh microtask, so the error still surfaces as an uncaught exception
   */
  onListenerError?: ListenerErrorHandler;
}

type AnyListener = (...args: never[]) => void;

const rethrowLater: ListenerErrorHandler = (error) => {
  queueMicrotask(() => {
    throw error;
  });
};

/**
 * An `eventemitter3` emitter whose event names and payloads are checked by the compiler. Declare events as a map
 * from name to argument tuple; `on`, `once`, `off` and `emit` then accept only those names and payloads.
 *
 * Unlike a plain emitter, a throwing listener does not stop the other listeners or the operation that emitted:
 * its error goes to `onListenerError`.
 *
 * @typeParam Events - Map of event name to the tuple of listener arguments.
 * @example
 * ```ts
 * interface PushEvents { notification_sent: [{ deviceId: string; notificationId: string }] }
 * class PushNotificationManager extends TypedEventEmitter<PushEvents> {}
 * push.on("notification_sent", (event) => event.deviceId); // typed
 * push.on("notification_snet", () => {}); // compile error
 * ```
 */
export class TypedEventEmitter<Events extends object> extends EventEmitter<Events> {
  readonly #onListenerError: ListenerErrorHandler;
  // original listener → (event → guarded listener); WeakMap so removed listeners can be collected
  readonly #guards = new WeakMap<AnyListener, Map<PropertyKey, AnyListener>>();
  readonly #originals = new WeakMap<AnyListener, AnyListener>();

  /** @param options - How listener errors are handled. */
  constructor(options: TypedEventEmitterOptions = {}) {
    super();
    this.#onListenerError = options.onListenerError ?? rethrowLater;
  }

  /**
   * Adds `listener` for `event`. A listener that throws does not stop the others: its error goes to
   * `onListenerError`.
   *
   * @param event - The event name, one of the keys of `Events`.
   * @param listener - Called with the event's arguments each time it is emitted.
   * @param context - Optional `this` for the listener.
   * @returns This emitter, for chaining.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `listener` is not a function.
   */
  override on<T extends EventEmitter.EventNames<Events>>(
    event: T,
    listener: EventEmitter.EventListener<Events, T>,
    context?: unknown,
  ): this {
    return super.on(event, this.#guard(event, listener), context);
  }

  /**
   * Same as `on`: adds `listener` for `event`.
   *
   * @param event - The event name.
   * @param listener - Called with the event's arguments each time it is emitted.
   * @param context - Optional `this` for the listener.
   * @returns This emitter, for chaining.
   */
  override addListener<T extends EventEmitter.EventNames<Events>>(
    event: T,
    listener: EventEmitter.EventListener<Events, T>,
    context?: unknown,
  ): this {
    return this.on(event, listener, context);
  }

  /**
   * Adds `listener` for the next `event` only; it is removed before it runs.
   *
   * @param event - The event name.
   * @param listener - Called with the event's arguments once.
   * @param context - Optional `this` for the listener.
   * @returns This emitter, for chaining.
   * @throws {PelbiotValidationError} VALIDATION_ERROR when `listener` is not a function.
   */
  override once<T extends EventEmitter.EventNames<Events>>(
    event: T,
    listener: EventEmitter.EventListener<Events, T>,
    context?: unknown,
  ): this {
    return super.once(event, this.#guard(event, listener), context);
  }

  /**
   * Removes `listener` (the function given to `on` or `once`) from `event`, or every listener of `event` when
   * `listener` is omitted.
   *
   * @param event - The event name.
   * @param listener - The listener to remove; omitted, all of them.
   * @param context - Only remove listeners added with this context.
   * @param once - Only remove listeners added with `once`.
   * @returns This emitter, for chaining.
   */
  override off<T extends EventEmitter.EventNames<Events>>(
    event: T,
    listener?: EventEmitter.EventListener<Events, T>,
    context?: unknown,
    once?: boolean,
  ): this {
    if (listener === undefined) return super.removeListener(event, undefined, context, once);
    const guarded = this.#guards.get(listener as AnyListener)?.get(event);
    return super.removeListener(event, (guarded ?? listener) as EventEmitter.EventListener<Events, T>, context, once);
  }

  /**
   * Same as `off`.
   *
   * @param event - The event name.
   * @param listener - The listener to remove; omitted, all of them.
   * @param context - Only remove listeners added with this context.
   * @param once - Only remove listeners added with `once`.
   * @returns This emitter, for chaining.
   */
  override removeListener<T extends EventEmitter.EventNames<Events>>(
    event: T,
    listener?: EventEmitter.EventListener<Events, T>,
    context?: unknown,
    once?: boolean,
  ): this {
    return this.off(event, listener, context, once);
  }

  /**
   * The listeners of `event`, as they were passed to `on` or `once`.
   *
   * @param event - The event name.
   * @returns A new array; changing it changes nothing.
   */
  override listeners<T extends EventEmitter.EventNames<Events>>(
    event: T,
  ): Array<EventEmitter.EventListener<Events, T>> {
    return super
      .listeners(event)
      .map(
        (listener) =>
          (this.#originals.get(listener as AnyListener) ?? listener) as EventEmitter.EventListener<Events, T>,
      );
  }

  /**
   * Resolves with the arguments of the next `event`, or rejects when `signal` aborts.
   *
   * @param event - The event to wait for.
   * @param signal - Optional abort signal; aborting removes the listener and rejects with the signal's reason.
   * @returns The listener arguments of the next emission.
   */
  waitFor<T extends EventEmitter.EventNames<Events>>(
    event: T,
    signal?: AbortSignal,
  ): Promise<EventEmitter.EventArgs<Events, T>> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.off(event, listener);
        reject(signal?.reason);
      };
      const listener = ((...args: EventEmitter.EventArgs<Events, T>) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(args);
      }) as EventEmitter.EventListener<Events, T>;
      this.once(event, listener);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #guard<T extends EventEmitter.EventNames<Events>>(
    event: T,
    listener: EventEmitter.EventListener<Events, T>,
  ): EventEmitter.EventListener<Events, T> {
    const check = createValidator("TypedEventEmitter.on");
    check.fn("listener", listener);
    check.done();
    const original = listener as AnyListener;
    let byEvent = this.#guards.get(original);
    if (byEvent === undefined) {
      byEvent = new Map();
      this.#guards.set(original, byEvent);
    }
    let guarded = byEvent.get(event);
    if (guarded === undefined) {
      const onListenerError = this.#onListenerError;
      guarded = function (this: unknown, ...args: never[]): void {
        try {
          original.apply(this, args);
        } catch (error) {
          onListenerError(error, event);
        }
      };
      byEvent.set(event, guarded);
      this.#originals.set(guarded, original);
    }
    return guarded as EventEmitter.EventListener<Events, T>;
  }
}
