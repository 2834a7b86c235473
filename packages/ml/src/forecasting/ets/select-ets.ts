import type { EtsErrorType, EtsForm, EtsSeasonType, EtsTrendType } from "./ets-form";
import { isRestrictedEtsForm } from "./ets-form";
import { type EtsFit, fitEts } from "./fit-ets";

/** Largest seasonal period the ETS state space is fitted with, as in R's `ets` (longer periods have too many states). */
export const MAX_ETS_PERIOD = 24;

/** Options for {@link selectEts}. */
export interface SelectEtsOptions {
  /** Seasonal period; 1 (or a series no longer than one period) restricts the search to non-seasonal forms. @default 1 */
  period?: number;
}

/** Result of {@link selectEts}. */
export interface EtsSelection {
  /** The model with the smallest AICc. */
  readonly best: EtsFit;
  /** Every candidate that could be fitted, with its AICc and the fit itself, in search order. */
  readonly candidates: readonly {
    /** The ETS form (error, trend and season components). */
    readonly form: EtsForm;
    /** Its corrected Akaike information criterion; lower is better. */
    readonly aicc: number;
    /** The fitted model. */
    readonly fit: EtsFit;
  }[];
}

/**
 * Chooses an ETS model by AICc over the forms R's `forecast::ets` searches by default: error A/M, trend N/A/Ad,
 * season N/A/M, without the unstable additive-error/multiplicative-season forms, without multiplicative forms when
 * the data are not all positive, and without a season when the period is 1, above {@link MAX_ETS_PERIOD}, or the
 * series is no longer than one period.
 *
 * @param values - The series.
 * @param options - Seasonal period.
 * @returns The best fit and the candidates' AICc, or `undefined` when no candidate could be fitted.
 * @example
 * ```ts
 * const selection = selectEts(values, { period: 12 });
 * selection?.best.form; // e.g. { error: "M", trend: "Ad", season: "M" }
 * ```
 */
export function selectEts(values: ArrayLike<number>, options: SelectEtsOptions = {}): EtsSelection | undefined {
  const { period = 1 } = options;
  const seasonal = period > 1 && period <= MAX_ETS_PERIOD && values.length > period;
  let positive = true;
  for (let index = 0; index < values.length; index += 1) if (!((values[index] as number) > 0)) positive = false;
  const errors: EtsErrorType[] = positive ? ["A", "M"] : ["A"];
  const trends: EtsTrendType[] = ["N", "A", "Ad"];
  const seasons: EtsSeasonType[] = seasonal ? (positive ? ["N", "A", "M"] : ["N", "A"]) : ["N"];
  let best: EtsFit | undefined;
  const candidates: { form: EtsForm; aicc: number; fit: EtsFit }[] = [];
  for (const error of errors) {
    for (const trend of trends) {
      for (const season of seasons) {
        const form: EtsForm = { error, trend, season };
        if (isRestrictedEtsForm(form)) continue;
        const fit = fitEts(values, form, { period });
        if (!fit || !Number.isFinite(fit.aicc)) continue;
        candidates.push({ form, aicc: fit.aicc, fit });
        if (!best || fit.aicc < best.aicc) best = fit;
      }
    }
  }
  return best ? { best, candidates } : undefined;
}
