// Checks requests and builds replies from Twilio's own OpenAPI fragments (test/fixtures/specs/twilio.json).
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { Ajv } from "ajv";

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly requestContentType: string | null;
  readonly requestBody?: { properties: Record<string, unknown>; "x-omittedProperties": string[]; required: string[] };
  readonly "x-twilio-conditional"?: string[][];
  readonly successResponse: { status: number; schema: Record<string, unknown> };
  readonly successExample?: Record<string, unknown>;
  readonly errorResponse: { schema?: Record<string, unknown> };
  readonly parameters: Array<{ name: string; in: string; schema: { pattern: string } }>;
}

const spec = JSON.parse(readFileSync(new URL("../fixtures/specs/twilio.json", import.meta.url), "utf8")) as {
  operations: Operation[];
  messageStatus: { enum: string[] };
};

export const createMessage = spec.operations.find((operation) =>
  operation.path.endsWith("/Messages.json"),
) as Operation;
export const messageStatuses = spec.messageStatus.enum;

// The README's recipe: OpenAPI 3.0 → JSON Schema (nullable → null type, x-* keys dropped), formats ignored.
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonSchema);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("x-") || key === "nullable" || key === "format") continue;
    out[key] = toJsonSchema(inner);
  }
  const source = value as { nullable?: boolean; type?: string; enum?: unknown[] };
  if (source.nullable === true) {
    if (source.type !== undefined) out.type = [source.type, "null"];
    if (source.enum !== undefined) out.enum = [...source.enum, null];
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, coerceTypes: true });
const body = createMessage.requestBody;
if (body === undefined) throw new Error("twilio.json: CreateMessage has no requestBody");
const validateForm = ajv.compile({
  ...(toJsonSchema(body) as object),
  // Anything we send must be a parameter the spec knows (kept or omitted from the fragment).
  additionalProperties: false,
  properties: {
    ...(toJsonSchema(body.properties) as object),
    ...Object.fromEntries(body["x-omittedProperties"].map((name) => [name, {}])),
  },
});
export const validateMessageResource = ajv.compile(toJsonSchema(createMessage.successResponse.schema) as object);
export const validateErrorBody = ajv.compile(toJsonSchema(createMessage.errorResponse.schema) as object);

const accountSidPattern = createMessage.parameters.find((parameter) => parameter.name === "AccountSid")?.schema.pattern;
const pathPattern = new RegExp(
  `^${createMessage.path.replace("{AccountSid}", (accountSidPattern ?? "").replace(/^\^|\$$/g, "")).replaceAll(".", "\\.")}$`,
);

/** Every way a Create Message request departs from the spec and the client rules; empty when it conforms. */
export function createMessageProblems(
  request: { method: string; path: string; headers: IncomingHttpHeaders; body: string },
  credentials: { accountSid: string; authToken: string },
): string[] {
  const problems: string[] = [];
  if (request.method !== createMessage.method) problems.push(`method ${request.method}`);
  if (!pathPattern.test(request.path)) problems.push(`path ${request.path}`);
  if (!request.path.includes(`/Accounts/${credentials.accountSid}/`)) problems.push("path names another account");
  if (request.headers["content-type"] !== createMessage.requestContentType) {
    problems.push(`content-type ${request.headers["content-type"]}`);
  }
  const basic = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`;
  if (request.headers.authorization !== basic) problems.push("authorization is not Basic AccountSid:AuthToken");
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(request.body)) {
    if (key in form) problems.push(`repeated ${key}`);
    form[key] = value;
  }
  if (!validateForm(form))
    problems.push(...(validateForm.errors ?? []).map((error) => `${error.instancePath} ${error.message}`));
  for (const group of createMessage["x-twilio-conditional"] ?? []) {
    const names = group.map((name) =>
      name
        .split("_")
        .map((part) => part[0]?.toUpperCase() + part.slice(1))
        .join(""),
    );
    if (!names.some((name) => name in form)) problems.push(`needs one of ${names.join(", ")}`);
  }
  return problems;
}

/** Twilio's own sample Message resource with the given fields replaced. */
export function sampleMessage(fields: Record<string, unknown>): Record<string, unknown> {
  return { ...createMessage.successExample, ...fields };
}
