import { detectPeriod } from "./detect-period";

/** Longest lag tried when detecting the season. */
const MAX_PERIOD = 1000;

/**
 * The seasonal baseline the `"auto"` detector starts from: the history's mean and, per phase of its period, the
 * phase's mean minus it (all zeros when there is no period).
 *
 * @param values - The training history.
 * @param seasonalPeriod - A known period, or 0 to detect one in the last `2 × MAX_PERIOD` values.
 */
export function seasonalMeans(values: Float64Array, seasonalPeriod: number): { mean: number; profile: Float64Array } {
  const period =
    seasonalPeriod > 0
      ? seasonalPeriod
      : detectPeriod(values.subarray(Math.max(values.length - 2 * MAX_PERIOD, 0)), 0.3, MAX_PERIOD);
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  let mean = 0;
  for (const [index, value] of values.entries()) {
    sums[index % period] = (sums[index % period] as number) + value;
    counts[index % period] = (counts[index % period] as number) + 1;
    mean += value;
  }
  mean /= values.length;
  const profile = new Float64Array(period);
  if (period > 1) {
    for (let phase = 0; phase < period; phase += 1) {
      profile[phase] = (counts[phase] as number) > 0 ? (sums[phase] as number) / (counts[phase] as number) - mean : 0;
    }
  }
  return { mean, profile };
}
