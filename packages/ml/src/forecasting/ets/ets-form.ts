/** Error component of an ETS model: additive or multiplicative. */
export type EtsErrorType = "A" | "M";
/** Trend component of an ETS model: none, additive or additive damped. */
export type EtsTrendType = "N" | "A" | "Ad";
/** Seasonal component of an ETS model: none, additive or multiplicative. */
export type EtsSeasonType = "N" | "A" | "M";

/** One member of the ETS family (Hyndman, Koehler, Ord & Snyder 2008, "Forecasting with Exponential Smoothing"). */
export interface EtsForm {
  /** Error type. */
  readonly error: EtsErrorType;
  /** Trend type. */
  readonly trend: EtsTrendType;
  /** Seasonal type. */
  readonly season: EtsSeasonType;
}

const FORM_PATTERN = /^(?:ETS\()?([AM]),?(N|Ad|A),?([NAM])\)?$/;

/**
 * Parses a model code in R's short form (`"ANA"`, `"MAdM"`) or the long form (`"ETS(M,Ad,M)"`).
 *
 * @param code - The model code.
 * @returns The form, or `undefined` when the code names no ETS model.
 * @example
 * ```ts
 * parseEtsForm("MAdM"); // { error: "M", trend: "Ad", season: "M" }
 * ```
 */
export function parseEtsForm(code: string): EtsForm | undefined {
  const match = FORM_PATTERN.exec(code);
  if (!match) return undefined;
  return {
    error: match[1] as EtsErrorType,
    trend: match[2] as EtsTrendType,
    season: match[3] as EtsSeasonType,
  };
}

/**
 * Formats a form the way R's `forecast::ets` prints it.
 *
 * @param form - The form.
 * @returns For example `"ETS(M,Ad,M)"`.
 * @example
 * ```ts
 * formatEtsForm({ error: "A", trend: "N", season: "A" }); // "ETS(A,N,A)"
 * ```
 */
export function formatEtsForm(form: EtsForm): string {
  return `ETS(${form.error},${form.trend},${form.season})`;
}

/**
 * Whether a form is one R's `ets` refuses by default because it is numerically unstable: additive error with a
 * multiplicative seasonal component.
 *
 * @param form - The form.
 * @returns `true` for the excluded forms.
 * @example
 * ```ts
 * isRestrictedEtsForm({ error: "A", trend: "N", season: "M" }); // true
 * ```
 */
export function isRestrictedEtsForm(form: EtsForm): boolean {
  return form.error === "A" && form.season === "M";
}
