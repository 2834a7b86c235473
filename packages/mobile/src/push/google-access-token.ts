import { type Clock, createValidator, type Validator } from "@pelbiot/core";

/**
 * A Google service-account key, as downloaded from the Cloud console (the JSON key file). Only the fields used to
 * mint access tokens are read.
 *
 * @example
 * ```ts
 * const serviceAccount: GoogleServiceAccount = JSON.parse(await readFile("service-account.json", "utf8"));
 * ```
 */
export interface GoogleServiceAccount {
  /** The Firebase project id; FCM sends go to its endpoint. */
  readonly project_id: string;
  /** The service account's e-mail, the issuer of the token request. */
  readonly client_email: string;
  /** PKCS #8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  readonly private_key: string;
  /** The key's id, sent as the JWT's `kid` when present. */
  readonly private_key_id?: string | undefined;
  /** @default "https://oauth2.googleapis.com/token" */
  readonly token_uri?: string | undefined;
}

/** The OAuth scope FCM HTTP v1 needs. */
export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";
// Refresh a little before Google's expiry, so a token never expires between the check and the request.
const EXPIRY_MARGIN_MS = 60_000;
const ASSERTION_LIFETIME_S = 3_600;

/**
 * A failure to get an access token: `status` is the token endpoint's HTTP status when it answered; `final` says
 * whether trying again can help (a refused assertion or an unreadable key cannot).
 */
export class AccessTokenError extends Error {
  override readonly name = "AccessTokenError";
  readonly status: number | undefined;
  readonly final: boolean;

  constructor(message: string, status: number | undefined, final: boolean) {
    super(message);
    this.status = status;
    this.final = final;
  }
}

/** Mints and caches OAuth access tokens for one service account. */
export interface AccessTokenSource {
  /** A valid token: the cached one until it is about to expire, then a fresh one (one request for all callers). */
  get(signal: AbortSignal): Promise<string>;
  /** Forgets the cached token, after the API refused it. */
  invalidate(token: string): void;
}

/** Checks a service account key (object or JSON text) and returns it parsed. */
export function checkServiceAccount(check: Validator, path: string, value: unknown): GoogleServiceAccount | undefined {
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      check.fail(path, "must be the service-account JSON key (an object or its JSON text); the text is not JSON");
      return undefined;
    }
  }
  if (!check.object(path, parsed)) return undefined;
  const before = check.issues.length;
  check.string(`${path}.project_id`, parsed.project_id);
  check.string(`${path}.client_email`, parsed.client_email);
  if (check.string(`${path}.private_key`, parsed.private_key)) {
    check.check(
      parsed.private_key.includes("-----BEGIN PRIVATE KEY-----"),
      `${path}.private_key`,
      "must be a PKCS #8 PEM key (-----BEGIN PRIVATE KEY-----), as in the downloaded key file",
    );
  }
  if (parsed.token_uri !== undefined && check.string(`${path}.token_uri`, parsed.token_uri)) {
    check.check(URL.canParse(parsed.token_uri), `${path}.token_uri`, "must be an absolute URL");
  }
  return check.issues.length > before ? undefined : (parsed as unknown as GoogleServiceAccount);
}

/**
 * Creates a token source: a service-account JWT (RS256, signed with `jose`) exchanged at the token endpoint for an
 * access token (the OAuth 2.0 JWT bearer grant, RFC 7523), cached until shortly before it expires.
 */
export function createAccessTokenSource(
  account: GoogleServiceAccount,
  settings: { readonly tokenUrl?: string | undefined; readonly fetch: typeof fetch; readonly clock: Clock },
): AccessTokenSource {
  const tokenUrl = settings.tokenUrl ?? account.token_uri ?? DEFAULT_TOKEN_URL;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const mint = async (signal: AbortSignal): Promise<string> => {
    const { importPKCS8, SignJWT } = await import("jose");
    const key = await importPKCS8(account.private_key, "RS256").catch((error: unknown) => {
      const detail = error instanceof Error ? error.message : String(error);
      throw new AccessTokenError(
        `the service account's private_key is not a usable RSA key: ${detail}`,
        undefined,
        true,
      );
    });
    const issuedAt = Math.floor(settings.clock.now() / 1000);
    const assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({
        alg: "RS256",
        typ: "JWT",
        ...(account.private_key_id ? { kid: account.private_key_id } : {}),
      })
      .setIssuer(account.client_email)
      .setAudience(tokenUrl)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_S)
      .sign(key);
    const response = await settings.fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
      signal,
    });
    const text = await response.text();
    if (!response.ok) {
      // A refused assertion (400 invalid_grant, 401, 403) is a credentials problem; 429 and 5xx may pass.
      const final = response.status < 500 && response.status !== 429 && response.status !== 408;
      throw new AccessTokenError(
        `token endpoint answered HTTP ${response.status}: ${text.slice(0, 200)}`,
        response.status,
        final,
      );
    }
    const body = parseTokenResponse(text);
    cached = { token: body.access_token, expiresAt: settings.clock.now() + body.expires_in * 1000 };
    return body.access_token;
  };

  return {
    get(signal) {
      if (cached !== undefined && settings.clock.now() < cached.expiresAt - EXPIRY_MARGIN_MS) {
        return Promise.resolve(cached.token);
      }
      if (pending === undefined) {
        pending = mint(signal).finally(() => {
          pending = undefined;
        });
      }
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

function parseTokenResponse(text: string): { access_token: string; expires_in: number } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AccessTokenError("token endpoint answered with something other than JSON", 200, false);
  }
  const check = createValidator("token endpoint response");
  if (check.object("body", body)) {
    check.string("body.access_token", body.access_token);
    check.number("body.expires_in", body.expires_in, { positive: true });
  }
  if (check.issues.length > 0) {
    const problems = check.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new AccessTokenError(`token endpoint answered an unexpected body: ${problems}`, 200, false);
  }
  return body as { access_token: string; expires_in: number };
}

/** Whether a value is an {@link AccessTokenError} (by name, so copies of this module agree). */
export function isAccessTokenError(error: unknown): error is AccessTokenError {
  return error instanceof Error && error.name === "AccessTokenError";
}
