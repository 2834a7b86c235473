// A recognisable type prefix such as `sk_live_`, `pk_test_`, `rk_live_` or `whsec_`: shown because it says what
// the secret is without revealing its random part. Deliberately narrow (lowercase, underscores, only `live`/`test`
// as a second segment) so a passphrase like `correct-horse-battery` never counts as a "prefix".
const TYPE_PREFIX = /^[a-z]{2,6}_(?:(?:live|test)_)?/;
// Below this many characters after the prefix, the prefix is not shown either: the secret is too short to spare it.
const MIN_REST_FOR_PREFIX = 12;

/**
 * Masks a secret for display: keeps a recognisable type prefix (`sk_live_`, `whsec_`…) when at least 12 characters
 * follow it, and at most the last four characters of the rest, never more than a quarter of it, joined by `…`.
 * Secrets under four characters show nothing but `…`.
 *
 * @param secret - The secret to mask.
 * @returns The masked form, e.g. `sk_live_…c3d4` for `sk_live_` followed by 16 characters ending in `c3d4`.
 * @example
 * ```ts
 * maskSecret("sk_live_4eC39HqLyjWDarjtT1zdp7dc"); // "sk_live_…p7dc"
 * maskSecret("sk_live_xxx"); // "…xx"
 * maskSecret("hunter2"); // "…2"
 * ```
 */
export function maskSecret(secret: string): string {
  const candidate = TYPE_PREFIX.exec(secret)?.[0] ?? "";
  const prefix = secret.length - candidate.length >= MIN_REST_FOR_PREFIX ? candidate : "";
  const rest = secret.slice(prefix.length);
  const tailLength = Math.min(4, Math.floor(rest.length / 4));
  return `${prefix}…${tailLength > 0 ? rest.slice(-tailLength) : ""}`;
}
