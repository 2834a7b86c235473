/** Options for {@link redactSecrets}. */
export interface RedactOptions {
  /**
   * Decides which field names hold secrets.
   * @default {@link isSecretKey}
   */
  isSecretKey?: (key: string) => boolean;
  /** Text that replaces a secret. @default "[REDACTED]" */
  replacement?: string;
  /** Nesting depth beyond which values are replaced by `"[Truncated]"`. @default 8 */
  maxDepth?: number;
}

// Matched anywhere in the name once case and separators are removed ("X-Api-Key", "client_secret", "accessToken").
const SECRET_FRAGMENTS =
  /password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|authorization|cookie|signature|credential|cardnumber/;
// Short words matched only as whole words of the name, so "shipping" and "author" stay visible.
const SECRET_WORDS = new Set(["pin", "pwd", "cvv", "cvc", "otp", "ssn", "iban", "auth", "jwt"]);

/**
 * The default test for secret field names: passwords, tokens, API and private keys, signatures, cookies,
 * credentials and card data, in any casing or separator style.
 *
 * @param key - A field name.
 * @returns `true` when values under this name should never be logged.
 * @example
 * ```ts
 * isSecretKey("X-Api-Key"); // true
 * isSecretKey("shippingAddress"); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  if (SECRET_FRAGMENTS.test(key.toLowerCase().replace(/[^a-z0-9]/gi, ""))) return true;
  const words = key.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/);
  return words.some((word) => SECRET_WORDS.has(word.toLowerCase()));
}

// Values that are secrets whatever field they sit in: bearer/basic credentials, provider key formats, JWTs.
const SECRET_VALUE_PATTERNS: readonly RegExp[] = [
  /^(bearer|basic)\s+\S+/i,
  /^(sk|rk|pk)_(live|test)_[A-Za-z0-9]{8,}/,
  /^whsec_[A-Za-z0-9+/=]{8,}/,
  /^eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/,
  /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/**
 * Returns a deep copy of `value` with secret-looking fields and values replaced, safe to log. Handles cycles,
 * `Error`s (name, message, code), `Date`s, `Map`s and typed arrays; never mutates the input.
 *
 * @param value - Anything to be logged.
 * @param options - Which keys count as secret and what replaces them.
 * @returns A JSON-friendly copy with secrets replaced.
 * @example
 * ```ts
 * redactSecrets({ user: "ada", apiKey: "sk_live_123", headers: { Authorization: "Bearer x" } });
 * // { user: "ada", apiKey: "[REDACTED]", headers: { Authorization: "[REDACTED]" } }
 * ```
 */
export function redactSecrets(value: unknown, options: RedactOptions = {}): unknown {
  const { isSecretKey: isSecret = isSecretKey, replacement = "[REDACTED]", maxDepth = 8 } = options;
  const seen = new WeakSet<object>();

  const visit = (current: unknown, depth: number): unknown => {
    if (typeof current === "string") {
      return SECRET_VALUE_PATTERNS.some((pattern) => pattern.test(current)) ? replacement : current;
    }
    if (typeof current === "bigint") return current.toString();
    if (typeof current === "function" || typeof current === "symbol") return `[${typeof current}]`;
    if (current === null || typeof current !== "object") return current;
    if (current instanceof Date) return Number.isNaN(current.getTime()) ? "Invalid Date" : current.toISOString();
    if (ArrayBuffer.isView(current)) return `[${current.constructor.name} ${current.byteLength} bytes]`;
    if (seen.has(current)) return "[Circular]";
    if (depth >= maxDepth) return "[Truncated]";
    seen.add(current);
    try {
      if (Array.isArray(current)) return current.map((item) => visit(item, depth + 1));
      if (current instanceof Map) {
        return visitEntries(
          [...current.entries()].map(([key, item]) => [keyText(key), item]),
          depth,
        );
      }
      if (current instanceof Error) {
        const code = (current as { code?: unknown }).code;
        return visitEntries(
          [
            ["name", current.name],
            ["message", current.message],
            ...(code === undefined ? [] : [["code", code] as [string, unknown]]),
          ],
          depth,
        );
      }
      return visitEntries(Object.entries(current), depth);
    } finally {
      seen.delete(current);
    }
  };

  const visitEntries = (entries: Array<[string, unknown]>, depth: number): Record<string, unknown> => {
    const output: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      output[key] = isSecret(key) && item !== null && item !== undefined ? replacement : visit(item, depth + 1);
    }
    return output;
  };

  return visit(value, 0);
}

// Map keys can be any value, including objects whose toString is broken; never let a key make logging throw.
function keyText(key: unknown): string {
  if (typeof key === "string") return key;
  if (key === null || (typeof key !== "object" && typeof key !== "function")) return String(key);
  return Object.prototype.toString.call(key);
}
