import { createValidator } from "../validation/validator";
import { type RedactOptions, redactSecrets } from "./redact";

/** Severity of a log record, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** One structured log record, as handed to a {@link LogSink}. Fields are already redacted. */
export interface LogRecord {
  /** Severity. */
  readonly level: LogLevel;
  /** Human message; constant text, with variables in `fields`. */
  readonly message: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** Logger name, e.g. `"pelbiot:webhooks"`. */
  readonly name?: string;
  /** Structured context with secrets replaced. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * The logger every PELBIOT class accepts. Library code never writes to the console: it logs here, and the
 * application decides where records go. Compatible in shape with pino/winston-style `logger.info(message, fields)`.
 */
export interface Logger {
  /** Diagnostic detail. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Normal operation worth recording. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something failed but was handled (a retry, a fallback). */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something failed and was not handled. */
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every record. */
  child(bindings: Record<string, unknown>): Logger;
}

/** Receives each record that passes the level filter. */
export type LogSink = (record: LogRecord) => void;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Where records go, e.g. `(record) => console.log(JSON.stringify(record))`. */
  sink: LogSink;
  /** Lowest level that reaches the sink. @default "info" */
  level?: LogLevel;
  /** Logger name copied into every record. */
  name?: string;
  /** How secrets are recognised in fields. @default key and value patterns of {@link redactSecrets} */
  redact?: RedactOptions;
  /** Source of `time`. @default Date.now */
  now?: () => number;
}

/** A logger that discards everything: the default of every PELBIOT class. */
export const noopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return noopLogger;
  },
};

/**
 * Creates a structured logger that redacts secret-looking fields before they reach the sink. A sink that throws is
 * ignored, so logging can never break the operation being logged.
 *
 * @param options - Sink, level, name and redaction.
 * @returns A {@link Logger}.
 * @throws {PelbiotValidationError} VALIDATION_ERROR when the sink is not a function or the level is unknown.
 * @example
 * ```ts
 * const logger = createLogger({ sink: (record) => console.log(JSON.stringify(record)), level: "debug" });
 * logger.info("webhook delivered", { webhookId: "whk_1", secret: "s3cr3t" }); // secret → "[REDACTED]"
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const check = createValidator("createLogger");
  if (check.object("options", options)) {
    check.knownKeys("options", options, ["sink", "level", "name", "redact", "now"]);
    check.fn("options.sink", options.sink);
    if (options.level !== undefined) check.oneOf("options.level", options.level, LEVELS);
    if (options.name !== undefined) check.string("options.name", options.name, { maxLength: 200 });
  }
  check.done();
  const { sink, level = "info", name, redact, now = Date.now } = options;
  const threshold = LEVELS.indexOf(level);

  const build = (bindings: Record<string, unknown>): Logger => {
    const write = (recordLevel: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(recordLevel) < threshold) return;
      const merged = fields === undefined ? bindings : { ...bindings, ...fields };
      const hasFields = Object.keys(merged).length > 0;
      const record: LogRecord = {
        level: recordLevel,
        message: String(message),
        time: now(),
        ...(name === undefined ? {} : { name }),
        ...(hasFields ? { fields: redactSecrets(merged, redact) as Record<string, unknown> } : {}),
      };
      try {
        sink(record);
      } catch {
        // A broken sink must not turn a successful operation into a failure.
      }
    };
    return {
      debug: (message, fields) => write("debug", message, fields),
      info: (message, fields) => write("info", message, fields),
      warn: (message, fields) => write("warn", message, fields),
      error: (message, fields) => write("error", message, fields),
      child: (childBindings) => build({ ...bindings, ...childBindings }),
    };
  };
  return build({});
}
