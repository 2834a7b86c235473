/**
 * The trained models of one engine, in memory and in a storage adapter. The engine's calls stay synchronous (as in
 * the guide), so changes are written behind: each change marks its model dirty and starts a background save;
 * `save()` waits for the writes and reports a failure, `load()` reads what other engines stored.
 */
import {
  createJsonStore,
  type JsonStore,
  type Logger,
  PelbiotError,
  type StorageAdapter,
  toPelbiotError,
} from "@pelbiot/core";
import {
  fromSnapshot,
  PREDICTIVE_ANALYTICS_ENGINE_FORMAT,
  type StoredModel,
} from "./predictive-analytics-engine-snapshot";

/** Models in memory, written behind to storage. */
export class PersistedModels {
  /** In training order. */
  readonly models = new Map<string, StoredModel>();
  readonly #store: JsonStore<StoredModel>;
  readonly #logger: Logger;
  // Ids whose stored record is older than memory (including deleted models, whose record must go).
  readonly #dirty = new Set<string>();
  #writing: Promise<void> = Promise.resolve();

  constructor(storage: StorageAdapter, keyPrefix: string, logger: Logger) {
    this.#logger = logger;
    this.#store = createJsonStore<StoredModel>(storage, {
      prefix: `${keyPrefix}models:`,
      onDamaged: (record) =>
        logger.warn("predictive: a damaged stored model was quarantined", {
          key: record.storageKey,
          error: record.error.message,
        }),
    });
  }

  /** Stores or replaces a model (moved to the end of the training order) and saves it in the background. */
  put(model: StoredModel, moveToEnd: boolean): void {
    if (moveToEnd) this.models.delete(model.modelId);
    this.models.set(model.modelId, model);
    this.#changed(model.modelId);
  }

  /** Forgets a model and deletes its record in the background. */
  remove(modelId: string): boolean {
    const removed = this.models.delete(modelId);
    if (removed) this.#changed(modelId);
    return removed;
  }

  /**
   * Waits for the background writes, then writes every change still unsaved.
   *
   * @throws {PelbiotError} STORAGE_ERROR (or the adapter's own code) when a write fails; the change stays unsaved
   * and the next `save()` tries it again.
   */
  async save(): Promise<void> {
    await this.#writing;
    const run = this.#writeDirty();
    this.#writing = run.then(
      () => undefined,
      () => undefined,
    );
    const failures = await run;
    if (failures.length === 0) return;
    const [first] = failures as [PelbiotError, ...PelbiotError[]];
    throw new PelbiotError(
      first.code,
      `PredictiveAnalyticsEngine.save: ${failures.length} model change(s) could not be stored (${first.message}); ` +
        "they stay in memory and the next save() tries again.",
      { cause: first, details: { failed: failures.length } },
    );
  }

  /**
   * Reads every stored model. A stored model replaces the one in memory unless the memory copy has unsaved changes;
   * a saved model no longer in storage was deleted by another engine and is dropped.
   *
   * @returns The ids read from storage, in key order.
   */
  async load(): Promise<string[]> {
    await this.#writing;
    const { entries, damaged } = await this.#store.listEntries();
    const stored = new Set([...entries.map(([modelId]) => modelId), ...damaged.map((record) => record.key)]);
    for (const modelId of [...this.models.keys()]) {
      if (!stored.has(modelId) && !this.#dirty.has(modelId)) this.models.delete(modelId);
    }
    const loaded: string[] = [];
    for (const [modelId, value] of entries) {
      if (this.#dirty.has(modelId)) continue;
      let model: StoredModel;
      try {
        [model] = fromSnapshot({ format: PREDICTIVE_ANALYTICS_ENGINE_FORMAT, version: 1, models: [value] }) as [
          StoredModel,
        ];
      } catch (error) {
        this.#logger.warn("predictive: a stored model failed its checks and was skipped", {
          modelId,
          error: toPelbiotError(error).message,
        });
        continue;
      }
      if (model.modelId !== modelId) continue;
      this.models.set(modelId, model);
      loaded.push(modelId);
    }
    return loaded;
  }

  #changed(modelId: string): void {
    this.#dirty.add(modelId);
    // Chained, so writes of one engine never overtake each other; a failure is logged and retried by save(). The
    // chain never rejects (not even when the logger throws), so one bad write cannot stop the later ones.
    this.#writing = this.#writing
      .then(async () => {
        const failures = await this.#writeDirty();
        for (const failure of failures) {
          this.#logger.warn("predictive: a trained model could not be saved; call save() to retry", {
            code: failure.code,
            error: failure.message,
          });
        }
      })
      .catch(() => undefined);
  }

  async #writeDirty(): Promise<PelbiotError[]> {
    const failures: PelbiotError[] = [];
    for (const modelId of [...this.#dirty]) {
      this.#dirty.delete(modelId);
      const model = this.models.get(modelId);
      try {
        if (model === undefined) await this.#store.delete(modelId);
        else await this.#store.set(modelId, model);
      } catch (error) {
        this.#dirty.add(modelId);
        failures.push(toPelbiotError(error, "STORAGE_ERROR"));
      }
    }
    return failures;
  }
}
