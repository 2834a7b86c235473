import { PelbiotError } from "../errors/pelbiot-error";
import { createValidator } from "../validation/validator";

/**
 * The header every PELBIOT snapshot starts with: which class wrote it and in which layout. The rest of the object
 * is the class's own state.
 *
 * @example
 * ```ts
 * const header: SnapshotHeader<"pelbiot.ml.ClusteringAlgorithm"> = { format: "pelbiot.ml.ClusteringAlgorithm", version: 1 };
 * ```
 */
export interface SnapshotHeader<Format extends string = string> {
  /** `pelbiot.<package>.<class>`, e.g. `pelbiot.ml.ClassificationModel`. */
  readonly format: Format;
  /** The layout's version; a class reads every version it lists as supported. */
  readonly version: number;
}

/** What {@link readSnapshot} checks a snapshot against. */
export interface SnapshotSpec<Format extends string = string> {
  /** The method reading it, for messages, e.g. `"ClusteringAlgorithm.fromJSON"`. */
  readonly context: string;
  /** The expected `format`. */
  readonly format: Format;
  /** Versions this release can read; the newest is what `toJSON()` writes. */
  readonly versions: readonly number[];
}

/**
 * Checks a snapshot's header and returns the snapshot as a plain object for the class to validate further. Accepts
 * the object `toJSON()` returned or its JSON text, so `fromJSON(JSON.stringify(model))` and
 * `fromJSON(JSON.parse(text))` both work.
 *
 * @param json - The snapshot, as an object or JSON text.
 * @param spec - The expected format and the readable versions.
 * @returns The snapshot object (header included) with its version.
 * @throws {PelbiotValidationError} `VALIDATION_ERROR` when `json` is not an object (or JSON text of one) or its
 *   `format` is not the expected one.
 * @throws {PelbiotError} `UNSUPPORTED` when the version is not one this release reads (e.g. written by a newer one).
 * @example
 * ```ts
 * const { snapshot, version } = readSnapshot(json, { context: "Model.fromJSON", format: "pelbiot.ml.Model", versions: [1, 2] });
 * ```
 */
export function readSnapshot<Format extends string>(
  json: unknown,
  spec: SnapshotSpec<Format>,
): {
  /** The snapshot's fields, not yet validated beyond `format` and `version`. */
  snapshot: Record<string, unknown>;
  /** The snapshot's format version, one of `spec.versions`. */
  version: number;
} {
  let value = json;
  const check = createValidator(spec.context);
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch {
      check.fail("json", `must be a ${spec.format} snapshot object or its JSON text; the text is not valid JSON`);
      check.done();
    }
  }
  if (!check.object("json", value)) check.done();
  const snapshot = value as Record<string, unknown>;
  check.check(
    snapshot.format === spec.format,
    "json.format",
    `must be ${JSON.stringify(spec.format)} (a snapshot written by toJSON() of the same class)`,
  );
  check.number("json.version", snapshot.version, { integer: true, min: 1 });
  check.done();
  const version = snapshot.version as number;
  if (!spec.versions.includes(version)) {
    throw new PelbiotError(
      "UNSUPPORTED",
      `${spec.context} cannot read ${spec.format} snapshot version ${version}; this release reads version(s) ` +
        `${spec.versions.join(", ")}. Upgrade the package to read snapshots from newer releases.`,
      { details: { version, supported: [...spec.versions] } },
    );
  }
  return { snapshot, version };
}
