import { type Clock, type Logger, PelbiotError, type PelbiotErrorCode } from "@pelbiot/core";
import type { AuditAction, AuditEntry } from "../verify-audit-chain";
import { AuditLog } from "./audit-log";
import type { RecordIntegrity } from "./record-integrity";

/** What an operation reports back to its audit entry. */
export interface AuditNote {
  /** The credential version the call was about, once known. */
  version: number | null;
}

/** One audited call: who, what, and about which credential. */
export interface AuditedCall {
  readonly action: AuditAction;
  readonly actor: string;
  readonly provider: string;
  readonly userId: string;
}

/**
 * Runs the manager's operations so that each appends its outcome, success or failure, to the HMAC-chained audit log,
 * and hands every sealed entry to `deliver` (the manager's `audit_entry` event).
 */
export class AuditedCalls {
  readonly log: AuditLog;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #loadIntegrity: () => Promise<RecordIntegrity>;
  readonly #deliver: (entry: AuditEntry) => void;

  constructor(
    maxSize: number,
    ports: { clock: Clock; logger: Logger },
    loadIntegrity: () => Promise<RecordIntegrity>,
    deliver: (entry: AuditEntry) => void,
  ) {
    this.log = new AuditLog(maxSize);
    this.#clock = ports.clock;
    this.#logger = ports.logger;
    this.#loadIntegrity = loadIntegrity;
    this.#deliver = deliver;
  }

  /** Gives the log its key and delivers the entries that were waiting for it. */
  setKey(auditKey: Buffer): void {
    for (const entry of this.log.setKey(auditKey)) this.#deliver(entry);
  }

  /**
   * Runs `operation` with the integrity keys and audits its outcome.
   *
   * @returns What the operation returned.
   * @throws {PelbiotError} What it threw; anything else than a `PelbiotError` (from the key provider or the storage
   * adapter, whose message may be anything) is wrapped as `PROVIDER_ERROR` rather than shown.
   */
  async run<T>(call: AuditedCall, operation: (note: AuditNote, integrity: RecordIntegrity) => Promise<T>): Promise<T> {
    const note: AuditNote = { version: null };
    const { action, actor, provider, userId } = call;
    try {
      const value = await operation(note, await this.#loadIntegrity());
      this.#append(call, note.version, null);
      this.#logger.info(`credential ${action} succeeded`, { provider, userId, version: note.version, actor });
      return value;
    } catch (error) {
      const failure = PelbiotError.is(error)
        ? error
        : new PelbiotError("PROVIDER_ERROR", `Credential ${action} failed in the key provider or storage.`, {
            cause: error,
          });
      this.#append(call, note.version, failure.code);
      this.#logger.warn(`credential ${action} failed`, {
        provider,
        userId,
        version: note.version,
        actor,
        code: failure.code,
      });
      throw failure;
    }
  }

  #append(call: AuditedCall, credentialVersion: number | null, errorCode: PelbiotErrorCode | null): void {
    const sealed = this.log.append({
      time: this.#clock.now(),
      actor: call.actor,
      action: call.action,
      result: errorCode === null ? "success" : "failure",
      provider: call.provider,
      userId: call.userId,
      credentialVersion,
      errorCode,
    });
    for (const entry of sealed) this.#deliver(entry);
  }
}
