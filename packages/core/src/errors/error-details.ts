import type { PelbiotErrorCode } from "./error-codes";

/**
 * The `details` keys a {@link PelbiotError} carries for the codes whose details are the same in every PELBIOT
 * package, so a caller can read them without knowing which class threw. An error may carry more keys (for example
 * `model` next to `got` and `need`), never fewer.
 *
 * | code | details |
 * | --- | --- |
 * | `LIMIT_EXCEEDED` | `{ limit, got }`: the configured limit and the amount that reached or passed it. |
 * | `INSUFFICIENT_DATA` | `{ got, need }`: how many data points there were and how many the call needs. |
 * | `NOT_FOUND` | `{ id }`: the id or key that names nothing. |
 *
 * @example
 * ```ts
 * if (PelbiotError.is(error, "LIMIT_EXCEEDED")) {
 *   const { limit, got } = error.details as PelbiotErrorDetails["LIMIT_EXCEEDED"];
 *   console.log(`${got} of at most ${limit}`);
 * }
 * ```
 */
export interface PelbiotErrorDetails {
  /** Details of `LIMIT_EXCEEDED`: a configured limit was reached or passed. */
  readonly LIMIT_EXCEEDED: {
    /** The configured limit. */
    readonly limit: number;
    /** The amount that reached or passed it. */
    readonly got: number;
    readonly [extra: string]: unknown;
  };
  /** Details of `INSUFFICIENT_DATA`: too few data points for the call. */
  readonly INSUFFICIENT_DATA: {
    /** How many data points the call got. */
    readonly got: number;
    /** How many it needs. */
    readonly need: number;
    readonly [extra: string]: unknown;
  };
  /** Details of `NOT_FOUND`: an id or key names nothing. */
  readonly NOT_FOUND: {
    /** The id or key that names nothing. */
    readonly id: string;
    readonly [extra: string]: unknown;
  };
}

/**
 * The `details` shape of one error code: the documented keys of {@link PelbiotErrorDetails} for the codes listed
 * there, any plain record for the others. Throw sites check their details against it with `satisfies`.
 *
 * @example
 * ```ts
 * const details = { limit: 100, got: 120 } satisfies PelbiotErrorDetailsOf<"LIMIT_EXCEEDED">;
 * throw new PelbiotError("LIMIT_EXCEEDED", "Too many devices: 120, at most 100 are accepted.", { details });
 * ```
 */
export type PelbiotErrorDetailsOf<Code extends PelbiotErrorCode> = Code extends keyof PelbiotErrorDetails
  ? PelbiotErrorDetails[Code]
  : Readonly<Record<string, unknown>>;
