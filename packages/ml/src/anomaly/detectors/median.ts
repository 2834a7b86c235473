import { medianInPlace } from "../../internal/quickselect";

/** Median and MAD scaled to a Gaussian σ (1.4826 · MAD) of `values`, which are copied, not changed. */
export function medianAndScale(
  values: Float64Array<ArrayBufferLike>,
  scratch: Float64Array<ArrayBufferLike> = new Float64Array(values.length),
): [number, number] {
  const length = values.length;
  scratch.set(values);
  const median = medianInPlace(scratch, length);
  for (let index = 0; index < length; index += 1) scratch[index] = Math.abs((values[index] as number) - median);
  return [median, 1.4826 * medianInPlace(scratch, length)];
}
