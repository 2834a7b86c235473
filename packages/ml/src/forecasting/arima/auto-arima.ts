import type { ArimaOrder } from "./arma-polynomials";
import { difference } from "./difference";
import { countDifferences, countSeasonalDifferences, isConstant } from "./differencing-tests";
import { type ArimaFit, fitArima, isAdmissibleArima } from "./fit-arima";

/** Limits of the search, R `auto.arima`'s defaults unless changed. */
export interface AutoArimaOptions {
  /** Seasonal period (1 = none). @default 1 */
  period?: number;
  /** Largest non-seasonal AR order. @default 5 */
  maxP?: number;
  /** Largest non-seasonal MA order. @default 5 */
  maxQ?: number;
  /** Largest seasonal AR order. @default 2 */
  maxSeasonalP?: number;
  /** Largest seasonal MA order. @default 2 */
  maxSeasonalQ?: number;
  /** Largest number of models the stepwise search fits. @default 94 */
  maxModels?: number;
}

/** One model the search tried. */
export interface ArimaCandidate {
  /** The orders tried. */
  readonly order: ArimaOrder;
  /** Whether with a constant (mean or drift). */
  readonly constant: boolean;
  /** AICc, Infinity when the fit failed or was inadmissible. */
  readonly aicc: number;
}

/** Result of {@link autoArima}. */
export interface AutoArimaSelection {
  /** The chosen model. */
  readonly best: ArimaFit;
  /** Every model tried, in search order. */
  readonly candidates: readonly ArimaCandidate[];
}

/**
 * Automatic ARIMA by the stepwise algorithm of Hyndman & Khandakar (2008, Journal of Statistical Software 27(3)), as
 * R's `forecast::auto.arima` (forecast 8.x) with its defaults and exact likelihood (R switches to a CSS approximation
 * above 150 points or period 12; this does not):
 * seasonal differences D from the seasonal-strength heuristic (strength > 0.64), then d from repeated KPSS tests at
 * 5 %; a constant (mean or drift) is allowed when d + D ≤ 1; four starting models, then neighbours that change p, q,
 * P or Q by one (singly or in pairs) or toggle the constant, while one improves the AICc. Models with AR or MA
 * roots inside radius 1.01 are rejected. As in R, the stepwise search does not apply `max.order`.
 *
 * Cost: up to `maxModels` ARIMA fits, typically 10 to 30.
 *
 * @param values - The series (at least 3 points).
 * @param options - Period and limits.
 * @returns The chosen model and the candidates, or undefined when nothing could be fitted.
 */
export function autoArima(values: Float64Array, options: AutoArimaOptions = {}): AutoArimaSelection | undefined {
  const count = values.length;
  const requestedPeriod = options.period ?? 1;
  const m = Math.max(requestedPeriod, 1);
  let maxP = Math.min(options.maxP ?? 5, Math.floor(count / 3));
  let maxQ = Math.min(options.maxQ ?? 5, Math.floor(count / 3));
  const maxSeasonalP = m > 1 ? Math.min(options.maxSeasonalP ?? 2, Math.floor(count / 3 / m)) : 0;
  const maxSeasonalQ = m > 1 ? Math.min(options.maxSeasonalQ ?? 2, Math.floor(count / 3 / m)) : 0;
  const maxModels = options.maxModels ?? 94;
  const candidates: ArimaCandidate[] = [];
  if (isConstant(values)) {
    const order = { p: 0, d: 0, q: 0, seasonalP: 0, seasonalD: 0, seasonalQ: 0, period: m };
    const best = fitArima(values, order, true);
    return best ? { best, candidates: [{ order, constant: true, aicc: best.aicc }] } : undefined;
  }
  const seasonalD = m > 1 && count > 2 * m ? countSeasonalDifferences(values, m) : 0;
  const afterSeasonal = difference(values, m, seasonalD);
  const d = countDifferences(afterSeasonal);
  const differenced = difference(afterSeasonal, 1, d);
  if (differenced.length === 0) return undefined;
  if (m > 1) {
    if (maxSeasonalP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSeasonalQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  const allowConstant = d + seasonalD <= 1;
  const orderOf = (p: number, q: number, sp: number, sq: number): ArimaOrder => ({
    p,
    d,
    q,
    seasonalP: sp,
    seasonalD,
    seasonalQ: sq,
    period: m,
  });
  if (isConstant(differenced)) {
    const order = orderOf(0, 0, 0, 0);
    const best = fitArima(values, order, allowConstant);
    return best ? { best, candidates: [{ order, constant: allowConstant, aicc: best.aicc }] } : undefined;
  }
  const tried = new Set<string>();
  let bestFit: ArimaFit | undefined;
  let bestAicc = Number.POSITIVE_INFINITY;
  const tryModel = (p: number, q: number, sp: number, sq: number, constant: boolean): boolean => {
    const key = `${p},${q},${sp},${sq},${constant}`;
    if (tried.has(key) || candidates.length >= maxModels) return false;
    tried.add(key);
    const order = orderOf(p, q, sp, sq);
    const fit = fitArima(values, order, constant);
    const aicc = fit && isAdmissibleArima(fit) && Number.isFinite(fit.aicc) ? fit.aicc : Number.POSITIVE_INFINITY;
    candidates.push({ order, constant, aicc });
    if (fit && aicc < bestAicc) {
      bestAicc = aicc;
      bestFit = fit;
      return true;
    }
    return false;
  };
  const short = count < 10;
  let p = Math.min(short ? 1 : 2, maxP);
  let q = Math.min(short ? 1 : 2, maxQ);
  let sp = Math.min(short ? 0 : 1, maxSeasonalP);
  let sq = Math.min(short ? 0 : 1, maxSeasonalQ);
  let constant = allowConstant;
  tryModel(p, q, sp, sq, constant);
  if (tryModel(0, 0, 0, 0, constant)) [p, q, sp, sq] = [0, 0, 0, 0];
  if (maxP > 0 || maxSeasonalP > 0) {
    const np = maxP > 0 ? 1 : 0;
    const nsp = m > 1 && maxSeasonalP > 0 ? 1 : 0;
    if (tryModel(np, 0, nsp, 0, constant)) [p, q, sp, sq] = [np, 0, nsp, 0];
  }
  if (maxQ > 0 || maxSeasonalQ > 0) {
    const nq = maxQ > 0 ? 1 : 0;
    const nsq = m > 1 && maxSeasonalQ > 0 ? 1 : 0;
    if (tryModel(0, nq, 0, nsq, constant)) [p, q, sp, sq] = [0, nq, 0, nsq];
  }
  if (constant && tryModel(0, 0, 0, 0, false)) [p, q, sp, sq] = [0, 0, 0, 0];
  // A "better" last starting model without constant does not switch the constant off (as R).
  const moves: readonly [number, number, number, number][] = [
    [0, 0, -1, 0],
    [0, 0, 0, -1],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
    [0, 0, -1, -1],
    [0, 0, -1, 1],
    [0, 0, 1, -1],
    [0, 0, 1, 1],
    [-1, 0, 0, 0],
    [0, -1, 0, 0],
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [-1, -1, 0, 0],
    [-1, 1, 0, 0],
    [1, -1, 0, 0],
    [1, 1, 0, 0],
  ];
  let improved = true;
  while (improved && candidates.length < maxModels) {
    improved = false;
    for (const [dp, dq, dsp, dsq] of moves) {
      const np = p + dp;
      const nq = q + dq;
      const nsp = sp + dsp;
      const nsq = sq + dsq;
      if (np < 0 || nq < 0 || nsp < 0 || nsq < 0) continue;
      if (np > maxP || nq > maxQ || nsp > maxSeasonalP || nsq > maxSeasonalQ) continue;
      if (tryModel(np, nq, nsp, nsq, constant)) {
        [p, q, sp, sq] = [np, nq, nsp, nsq];
        improved = true;
        break;
      }
    }
    if (!improved && allowConstant && tryModel(p, q, sp, sq, !constant)) {
      constant = !constant;
      improved = true;
    }
  }
  if (!bestFit) {
    // Every model failed or was inadmissible: fall back to the differencing alone.
    bestFit = fitArima(values, orderOf(0, 0, 0, 0), false);
    if (!bestFit) return undefined;
  }
  return { best: bestFit, candidates };
}
