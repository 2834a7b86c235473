/**
 * A local stand-in for Google: the OAuth token endpoint (checks the service-account JWT with the account's public
 * key) and FCM's `messages:send` (checks the bearer token and validates the body against the request schema of
 * FCM's published spec). Each registration token picks the answer, taken from the spec's own examples.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv } from "ajv";
import { importSPKI, jwtVerify } from "jose";

const spec = JSON.parse(readFileSync(new URL("../../../../fixtures/specs/fcm.json", import.meta.url), "utf8"));

// OpenAPI-ish fragment → strict JSON Schema: drop x-* and provider formats, and refuse properties the spec does not
// list, so a misspelt field of ours fails instead of slipping through.
function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-") || key === "format" || key === "readOnly") continue;
    out[key] = key === "properties" ? mapValues(value as Record<string, unknown>) : strictSchema(value);
  }
  if (out.type === "object" && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, strictSchema(value)]));
}

const operation = spec.operations.find((entry: { id: string }) => entry.id === "fcm.projects.messages.send");
const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
const validateRequest = ajv.compile(strictSchema(operation.requestBody) as object);
const validateSuccess = ajv.compile(operation.successResponse.schema);
const validateError = ajv.compile(operation.errorResponse.schema);
const examples: Record<string, unknown> = spec.responseExamples;
const example = (prefix: string): unknown =>
  examples[Object.keys(examples).find((key) => key.startsWith(prefix)) as string];

/** What the server saw. */
export interface FcmServerLog {
  readonly tokenRequests: number;
  readonly sends: Array<{ readonly body: Record<string, unknown>; readonly authorization: string | undefined }>;
  /** Every spec violation found in our requests (must stay empty). */
  readonly violations: string[];
}

export interface FcmTestServer {
  readonly url: string;
  readonly log: FcmServerLog;
  /** Makes the next `messages:send` answer 401 UNAUTHENTICATED, as when an access token was revoked. */
  revokeTokens(): void;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly raw?: string;
}

function fcmError(status: number, canonical: string, errorCode: string, message: string): unknown {
  return {
    error: {
      code: status,
      message,
      status: canonical,
      details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }],
    },
  };
}

// Registration token → FCM's answer.
const ANSWERS: Record<string, Answer> = {
  unregistered: { status: 404, body: example("unregistered") },
  "bad-token": { status: 400, body: example("invalid token") },
  "bad-data": { status: 400, body: example("invalid data value") },
  quota: {
    status: 429,
    body: fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded"),
    headers: { "retry-after": "30" },
  },
  "quota-silent": { status: 429, body: fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "Quota exceeded") },
  unavailable: { status: 503, body: fcmError(503, "UNAVAILABLE", "UNAVAILABLE", "The service is overloaded") },
  internal: { status: 500, body: fcmError(500, "INTERNAL", "INTERNAL", "Internal error") },
  mismatch: { status: 403, body: fcmError(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch") },
  "apns-auth": {
    status: 401,
    body: fcmError(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", "Auth error from APNS"),
  },
  gateway: { status: 502, body: undefined, raw: "<html><body>502 Bad Gateway</body></html>" },
};

/**
 * Starts the server on 127.0.0.1 on a free port.
 *
 * @param publicKeyPem - The service account's public key, to verify the JWT assertion.
 * @param clientEmail - The service account's e-mail (the JWT's issuer).
 * @param now - The test's clock, against which the assertion's lifetime is checked.
 */
export async function startFcmTestServer(
  publicKeyPem: string,
  clientEmail: string,
  now: () => number,
): Promise<FcmTestServer> {
  const publicKey = await importSPKI(publicKeyPem, "RS256");
  const issued = new Set<string>();
  const log = { tokenRequests: 0, sends: [] as FcmServerLog["sends"], violations: [] as string[] };
  let revoke = false;
  let url = "";

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    if (request.method === "POST" && request.url === "/token") {
      log.tokenRequests += 1;
      const form = new URLSearchParams(body);
      if (request.headers["content-type"] !== "application/x-www-form-urlencoded")
        log.violations.push("token content-type");
      if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") log.violations.push("grant_type");
      try {
        const { payload, protectedHeader } = await jwtVerify(form.get("assertion") ?? "", publicKey, {
          issuer: clientEmail,
          audience: `${url}/token`,
          algorithms: ["RS256"],
          currentDate: new Date(now()),
        });
        if (payload.scope !== "https://www.googleapis.com/auth/firebase.messaging") log.violations.push("scope");
        if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3_600) log.violations.push("assertion lives over an hour");
        if (protectedHeader.typ !== "JWT") log.violations.push("typ");
      } catch (error) {
        const refusal = { error: "invalid_grant", error_description: String(error) };
        send(response, { status: 400, body: refusal }, false);
        return;
      }
      const accessToken = `ya29.test-${log.tokenRequests}`;
      issued.add(accessToken);
      send(
        response,
        { status: 200, body: { access_token: accessToken, expires_in: 3_599, token_type: "Bearer" } },
        false,
      );
      return;
    }
    if (request.method !== "POST" || request.url !== "/v1/projects/demo-project/messages:send") {
      send(response, { status: 404, body: { error: { code: 404, message: "no such method", status: "NOT_FOUND" } } });
      return;
    }
    const authorization = request.headers.authorization;
    const parsed = JSON.parse(body) as Record<string, unknown>;
    log.sends.push({ body: parsed, authorization });
    if (!request.headers["content-type"]?.startsWith("application/json")) log.violations.push("send content-type");
    if (!validateRequest(parsed)) log.violations.push(ajv.errorsText(validateRequest.errors));
    const message = parsed.message as Record<string, unknown>;
    const targets = ["token", "topic", "condition"].filter((key) => message[key] !== undefined);
    if (targets.length !== 1) log.violations.push(`targets: ${targets.join(",")}`);
    const bearer = authorization?.replace(/^Bearer /, "") ?? "";
    if (revoke || !issued.has(bearer)) {
      revoke = false;
      issued.delete(bearer);
      const unauthenticated = {
        code: 401,
        message: "Request had invalid authentication credentials.",
        status: "UNAUTHENTICATED",
      };
      send(response, { status: 401, body: { error: unauthenticated } });
      return;
    }
    const answer = ANSWERS[message.token as string] ?? {
      status: 200,
      body: { name: `projects/demo-project/messages/0:${log.sends.length}` },
    };
    send(response, answer);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.violations.push(`server error: ${String(error)}`);
      send(response, { status: 500, body: undefined, raw: "server error" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    log,
    revokeTokens() {
      revoke = true;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Checks a body the server answered against the spec's success or error schema. */
export function matchesResponseSpec(status: number, body: unknown): boolean {
  return status === 200 ? validateSuccess(body) : validateError(body);
}

function send(response: ServerResponse, answer: Answer, fcm = true): void {
  if (answer.raw !== undefined) {
    response.writeHead(answer.status, { "content-type": "text/html", ...answer.headers }).end(answer.raw);
    return;
  }
  if (fcm && answer.body !== undefined && !matchesResponseSpec(answer.status, answer.body)) {
    throw new Error(`the test server's own answer breaks the spec: ${JSON.stringify(answer.body)}`);
  }
  response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
  response.end(JSON.stringify(answer.body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
