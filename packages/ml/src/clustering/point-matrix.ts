import type { Validator } from "@pelbiot/core";
import type { DataPoint } from "./clustering-algorithm-types";

/** Validation stops listing issues after this many, so a huge bad input gives a readable message. */
const MAX_REPORTED_ISSUES = 20;

/** Points as one row-major matrix. */
export interface PointMatrix {
  /** `rowCount × dimension` coordinates. */
  readonly data: Float64Array;
  readonly rowCount: number;
  readonly dimension: number;
}

/**
 * Reads points into a {@link PointMatrix}, reporting ragged rows and non-finite coordinates with dot-paths
 * (`dataPoints.4.1`).
 *
 * @param check - The validator of the call; issues are added to it.
 * @param path - The argument's path, e.g. `"dataPoints"`.
 * @param points - The given points.
 * @returns The matrix (meaningful only when `check` holds no issue).
 */
export function toPointMatrix(check: Validator, path: string, points: readonly DataPoint[]): PointMatrix {
  if (!check.array(path, points, { minLength: 1 })) return { data: new Float64Array(0), rowCount: 0, dimension: 0 };
  const first = points[0];
  const dimension = Array.isArray(first) || first instanceof Float64Array ? first.length : 0;
  check.check(dimension > 0, `${path}.0`, "must be a non-empty array of coordinates");
  const data = new Float64Array(points.length * dimension);
  let issues = 0;
  const report = (where: string, message: string) => {
    if (issues < MAX_REPORTED_ISSUES) check.fail(where, message);
    issues += 1;
  };
  points.forEach((point, row) => {
    if (!(Array.isArray(point) || point instanceof Float64Array)) {
      report(`${path}.${row}`, "must be an array of coordinates");
      return;
    }
    if (point.length !== dimension) {
      report(`${path}.${row}`, `must have ${dimension} coordinates like ${path}.0, got ${point.length}`);
      return;
    }
    for (let axis = 0; axis < dimension; axis += 1) {
      const value: unknown = point[axis];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        report(`${path}.${row}.${axis}`, `must be a finite number, got ${String(value)}`);
      } else {
        data[row * dimension + axis] = value;
      }
    }
  });
  if (issues > MAX_REPORTED_ISSUES) check.fail(path, `… and ${issues - MAX_REPORTED_ISSUES} more issue(s)`);
  return { data, rowCount: points.length, dimension };
}
