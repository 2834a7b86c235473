/**
 * @module @pelbiot/core
 *
 * The shared foundation of every PELBIOT package: the error hierarchy with stable codes, input validation,
 * typed events, the clock, time-ordered ids, retry with backoff, a redacting logger and the storage contract.
 * Node-only adapters live in `@pelbiot/core/node`; the adapter conformance suite in `@pelbiot/core/testing`.
 */
export { createKeyedMutex, type KeyedMutex } from "./concurrency/create-keyed-mutex";
export { isPelbiotErrorCode, PELBIOT_ERROR_CODES, type PelbiotErrorCode } from "./errors/error-codes";
export type { PelbiotErrorDetails, PelbiotErrorDetailsOf } from "./errors/error-details";
export { PelbiotError, type PelbiotErrorOptions, toPelbiotError } from "./errors/pelbiot-error";
export { PelbiotValidationError, type ValidationIssue } from "./errors/pelbiot-validation-error";
export {
  type ListenerErrorHandler,
  TypedEventEmitter,
  type TypedEventEmitterOptions,
} from "./events/typed-event-emitter";
export { createIdGenerator, type IdGenerator, type IdGeneratorOptions } from "./ids/create-id-generator";
export { isUuidV7, type UuidV7Options, uuidv7, uuidv7Timestamp } from "./ids/uuid-v7";
export {
  createLogger,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogRecord,
  type LogSink,
  noopLogger,
} from "./logging/logger";
export { isSecretKey, type RedactOptions, redactSecrets } from "./logging/redact";
export { BACKOFF_DEFAULTS, type BackoffOptions, computeBackoffDelay } from "./retry/compute-backoff-delay";
export { getRetryAfterMs, isRetryableError } from "./retry/is-retryable-error";
export { parseRetryAfter } from "./retry/parse-retry-after";
export {
  type RetryClassifier,
  type RetryContext,
  type RetryDecision,
  type RetryExhaustedReason,
  type RetryListener,
  type RetryOptions,
  retry,
} from "./retry/retry";
export { readSnapshot, type SnapshotHeader, type SnapshotSpec } from "./snapshot/snapshot";
export {
  createJsonStore,
  type DamagedRecord,
  type JsonStore,
  type JsonStoreListing,
  type JsonStoreOptions,
  type JsonStoreUpdateOptions,
  type JsonStoreUpdater,
} from "./storage/json-store";
export { createMemoryStorage } from "./storage/memory-storage";
export {
  discardQuarantinedRecord,
  type ListQuarantinedRecordsOptions,
  listQuarantinedRecords,
  QUARANTINE_PREFIX,
  type QuarantinedRecord,
  restoreQuarantinedRecord,
} from "./storage/quarantine";
export {
  MAX_STORAGE_RANGE_LIMIT,
  type StorageAdapter,
  type StorageAdapterFactory,
  type StorageEntry,
  type StorageRangeEntry,
  type StorageRangeOptions,
} from "./storage/storage-adapter";
export { compareStorageKeys, rangeCandidates, validateRangeArguments } from "./storage/storage-range";
export {
  checkStorageKey,
  MAX_STORAGE_KEY_LENGTH,
  validateCompareAndSetArguments,
  validateSetItemArguments,
  validateStorageKey,
  validateStoragePrefix,
} from "./storage/validate-key";
export { type Clock, isClock, type TimerHandle } from "./time/clock";
export { createAbortError, isAbortSignal, throwIfAborted } from "./time/create-abort-error";
export { createManualClock, type ManualClock, type ManualClockOptions } from "./time/manual-clock";
export { type SleepOptions, sleep } from "./time/sleep";
export { systemClock } from "./time/system-clock";
export type { JsonValue, MaybePromise } from "./types";
export { describeType } from "./validation/describe-type";
export {
  createValidator,
  type NumberRule,
  type StringRule,
  toEpochMillis,
  type Validator,
  type ValidatorOptions,
} from "./validation/validator";
