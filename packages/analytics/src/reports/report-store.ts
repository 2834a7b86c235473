import { createValidator, PelbiotError, type StorageAdapter, toPelbiotError } from "@pelbiot/core";
import type { Report, ReportFlushResult, ReportStorageFailure } from "./report-generator-types";
import { readReportRecord } from "./report-record";

/** What the store tells its owner when a write or delete failed (the generator emits it as an event). */
export type ReportStorageFailureListener = (failure: ReportStorageFailure) => void;

/**
 * The stored copies of a generator's reports, one JSON record per report under `<keyPrefix>reports:<id>`.
 *
 * `generateReport` and `deleteReport` are synchronous (as in the guide), so writes are write-behind: each is queued
 * on one chain, in call order, so a delete never overtakes the save it undoes. {@link ReportStore.flush} waits for
 * the chain and reports what was written and what failed since the previous flush; a failure is also told to the
 * listener at once, so it is never lost silently.
 */
export class ReportStore {
  /** `undefined` with the generator's private memory storage: nobody could read a copy there, so none is made. */
  readonly #storage: StorageAdapter | undefined;
  readonly #prefix: string;
  readonly #onFailure: ReportStorageFailureListener;
  #chain: Promise<void> = Promise.resolve();
  #saved = 0;
  #deleted = 0;
  #failures: ReportStorageFailure[] = [];

  constructor(storage: StorageAdapter | undefined, keyPrefix: string, onFailure: ReportStorageFailureListener) {
    this.#storage = storage;
    this.#prefix = `${keyPrefix}reports:`;
    this.#onFailure = onFailure;
  }

  /** The storage key of a report. */
  keyOf(id: string): string {
    return `${this.#prefix}${id}`;
  }

  /** Queues the write of a report's record. */
  save(report: Report): void {
    const storage = this.#storage;
    if (storage === undefined) return;
    // Serialised in the queue, not in the synchronous call: the report is frozen, so the text is the same, and a
    // report too large for one string becomes a reported failure instead of an exception from generateReport.
    this.#enqueue("save", report.id, async () => {
      await storage.setItem(this.keyOf(report.id), JSON.stringify(report));
      this.#saved += 1;
    });
  }

  /** Queues the deletion of a report's record (deleting an absent record is not an error). */
  remove(id: string): void {
    const storage = this.#storage;
    if (storage === undefined) return;
    this.#enqueue("delete", id, async () => {
      await storage.removeItem(this.keyOf(id));
      this.#deleted += 1;
    });
  }

  /**
   * Reads a stored report after the queued writes of this store, so a report saved or deleted just before is seen
   * as such.
   *
   * @returns The report, or `undefined` when none is stored under the id.
   * @throws {PelbiotError} STORAGE_ERROR when the adapter fails; INTEGRITY_ERROR when the record is not a report.
   */
  async read(method: string, id: string): Promise<Report | undefined> {
    await this.#chain;
    const storage = this.#storage;
    if (storage === undefined) return undefined;
    const key = this.keyOf(id);
    let text: string | null;
    try {
      text = await storage.getItem(key);
    } catch (error) {
      throw new PelbiotError(
        "STORAGE_ERROR",
        `ReportGenerator.${method}: reading the stored report "${id}" failed: ${describe(error)}`,
        { cause: error, details: { key } },
      );
    }
    if (text === null) return undefined;
    return parseRecord(method, id, key, text);
  }

  /** Waits for every queued write and returns what happened since the previous flush. */
  async flush(): Promise<ReportFlushResult> {
    await this.#chain;
    const result: ReportFlushResult = { saved: this.#saved, deleted: this.#deleted, failed: this.#failures };
    this.#saved = 0;
    this.#deleted = 0;
    this.#failures = [];
    return result;
  }

  #enqueue(operation: ReportStorageFailure["operation"], reportId: string, run: () => Promise<void>): void {
    this.#chain = this.#chain.then(run).catch((error: unknown) => {
      const failure: ReportStorageFailure = {
        operation,
        reportId,
        key: this.keyOf(reportId),
        error: new PelbiotError(
          "STORAGE_ERROR",
          `ReportGenerator: ${operation === "save" ? "saving" : "deleting"} the stored report "${reportId}" failed: ${describe(error)}`,
          { cause: toPelbiotError(error), details: { key: this.keyOf(reportId) } },
        ),
      };
      this.#failures.push(failure);
      try {
        this.#onFailure(failure);
      } catch {
        // A listener's own failure must not break the chain of later writes.
      }
    });
  }
}

function parseRecord(method: string, id: string, key: string, text: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw damaged(method, id, key, "it is not valid JSON", error);
  }
  const check = createValidator(`ReportGenerator.${method}`);
  const report = readReportRecord(check, "report", value);
  if (report === undefined || report.id !== id) {
    const reason = check.issues[0] ?? { path: "report.id", message: `must be "${id}"` };
    throw damaged(method, id, key, `${reason.path}: ${reason.message}`, undefined);
  }
  return report;
}

function damaged(method: string, id: string, key: string, reason: string, cause: unknown): PelbiotError {
  return new PelbiotError(
    "INTEGRITY_ERROR",
    `ReportGenerator.${method}: the stored record of report "${id}" is not a report (${reason}); delete it with deleteReport`,
    { cause, details: { key } },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
