// A PayPal stand-in that checks every request against PayPal's own OpenAPI fragments (method, path and its id
// pattern, JSON body schema, headers: Bearer token it issued, PayPal-Request-Id 1–108 characters on every POST, Prefer)
// and the OAuth2 client-credentials call of PayPal's official SDK, and answers with objects that its tests validate
// against the spec's 200/201 schemas. A repeated PayPal-Request-Id replays the first answer with 200, as documented.

import { type ProviderServer, type ReceivedRequest, type Reply, startProviderServer } from "./provider-server";
import { compile, problems, readSpec } from "./spec-schemas";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { maxLength?: number; minLength?: number; pattern?: string };
}
interface Operation {
  operationId: string;
  method: string;
  path: string;
  parameters: Parameter[];
  requestBody?: unknown;
  successResponses: Record<string, { schema: unknown }>;
}
interface PayPalSpec {
  operations: Operation[];
}

const spec = readSpec<PayPalSpec>("paypal.json");
const operations = spec.operations.map((operation) => {
  const success = operation.successResponses["200"] ?? operation.successResponses["201"];
  return {
    ...operation,
    pattern: new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, "([^/?]+)")}$`),
    validateBody: operation.requestBody === undefined ? undefined : compile(operation.requestBody),
    validateSuccess: compile(success?.schema),
  };
});

export const CLIENT_ID = "pelbiot-client";
export const CLIENT_SECRET = "pelbiot-secret";
export const TOKEN_LIFETIME_S = 32_400;

export interface Fault {
  readonly route: string;
  readonly reply: Reply | "hang";
  times: number;
}

export interface FakePayPal {
  readonly server: ProviderServer;
  readonly url: string;
  readonly violations: string[];
  readonly faults: Fault[];
  /** Orders the test has "approved" as the payer would. */
  readonly approved: Set<string>;
  tokensIssued: number;
  close(): Promise<void>;
}

export function paypalError(status: number, name: string, issue: string, message = "failed") {
  return { status, body: { name, message, debug_id: "90957fca61718", details: [{ issue, description: message }] } };
}

export async function startFakePayPal(): Promise<FakePayPal> {
  const violations: string[] = [];
  const faults: Fault[] = [];
  const approved = new Set<string>();
  const tokens = new Set<string>();
  const orders = new Map<string, Record<string, unknown>>();
  const replays = new Map<string, Reply>();
  let sequence = 0;
  const state = { tokensIssued: 0 };

  const handle = (request: ReceivedRequest): Reply | "hang" => {
    if (request.path === "/v1/oauth2/token") return token(request);
    const operation = operations.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(request.path),
    );
    const route = `${request.method} ${request.path.replace(/\/[A-Z0-9]{17}(?=\/|$)/, "/{id}")}`;
    const fault = faults.find((candidate) => candidate.route === route && candidate.times > 0);
    if (fault !== undefined) {
      fault.times -= 1;
      return fault.reply;
    }
    if (operation === undefined) return fail(`no spec operation for ${request.method} ${request.path}`);
    checkRequest(request, operation);
    const requestId = request.headers["paypal-request-id"];
    if (typeof requestId === "string" && replays.has(`${operation.operationId}:${requestId}`)) {
      const first = replays.get(`${operation.operationId}:${requestId}`) as Reply;
      return {
        ...first,
        status: first.status === 201 && operation.operationId !== "captures.refund" ? 200 : first.status,
      };
    }
    const reply = answer(operation.operationId, request);
    if (reply.status < 300) {
      const issues = problems(operation.validateSuccess, reply.body);
      if (issues !== "") violations.push(`our own ${operation.operationId} reply breaks the spec: ${issues}`);
      if (typeof requestId === "string") replays.set(`${operation.operationId}:${requestId}`, reply);
    }
    return reply;
  };

  const token = (request: ReceivedRequest): Reply => {
    const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
    if (request.headers.authorization !== basic)
      return { status: 401, body: { error: "invalid_client", error_description: "Client Authentication failed" } };
    if (request.headers["content-type"] !== "application/x-www-form-urlencoded")
      violations.push("token: content-type is not form-urlencoded");
    if (new URLSearchParams(request.body).get("grant_type") !== "client_credentials")
      violations.push("token: grant_type is not client_credentials");
    state.tokensIssued += 1;
    const value = `A21AA${state.tokensIssued}`;
    tokens.add(value);
    return {
      status: 200,
      body: {
        scope: "https://uri.paypal.com/services/payments/payment",
        access_token: value,
        token_type: "Bearer",
        app_id: "APP-80W284485P519543T",
        expires_in: TOKEN_LIFETIME_S,
        nonce: "2026-01-01T00:00:00Z",
      },
    };
  };

  const checkRequest = (request: ReceivedRequest, operation: (typeof operations)[number]) => {
    const bearer = /^Bearer (.+)$/.exec(String(request.headers.authorization))?.[1];
    if (bearer === undefined || !tokens.has(bearer))
      violations.push(`${operation.operationId}: Authorization is not a Bearer token we issued`);
    for (const parameter of operation.parameters) {
      const value =
        parameter.in === "header"
          ? request.headers[parameter.name.toLowerCase()]
          : parameter.in === "path"
            ? operation.pattern.exec(request.path)?.[1]
            : undefined;
      if (value === undefined) {
        if (parameter.required) violations.push(`${operation.operationId}: missing ${parameter.name}`);
        continue;
      }
      const text = String(value);
      const schema = parameter.schema ?? {};
      if (schema.maxLength !== undefined && text.length > schema.maxLength)
        violations.push(`${operation.operationId}: ${parameter.name} longer than ${schema.maxLength}`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(text))
        violations.push(`${operation.operationId}: ${parameter.name} does not match ${schema.pattern}`);
    }
    if (request.method === "POST") {
      if (request.headers["content-type"] !== "application/json")
        violations.push(`${operation.operationId}: content-type is not application/json`);
      if (typeof request.headers["paypal-request-id"] !== "string")
        violations.push(`${operation.operationId}: POST without PayPal-Request-Id`);
      if (operation.validateBody !== undefined) {
        const issues = problems(operation.validateBody, JSON.parse(request.body || "null"));
        if (issues !== "") violations.push(`${operation.operationId} body: ${issues}`);
      }
    }
  };

  const fail = (message: string): Reply => {
    violations.push(message);
    return paypalError(400, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE", message);
  };

  const answer = (operationId: string, request: ReceivedRequest): Reply => {
    const body = request.body === "" ? {} : (JSON.parse(request.body) as Record<string, unknown>);
    const id = /\/v2\/checkout\/orders\/([A-Z0-9]+)/.exec(request.path)?.[1] ?? "";
    if (operationId === "orders.create") {
      sequence += 1;
      const orderId = `5O190127TN36${String(sequence).padStart(5, "0")}`;
      const units = (body.purchase_units as Array<Record<string, unknown>>).map((unit) => ({
        reference_id: unit.reference_id,
        amount: unit.amount,
      }));
      const order = {
        id: orderId,
        intent: body.intent,
        status: "PAYER_ACTION_REQUIRED",
        purchase_units: units,
        create_time: "2026-01-01T00:00:00Z",
        links: [
          { href: `https://www.sandbox.paypal.com/checkoutnow?token=${orderId}`, rel: "payer-action", method: "GET" },
          { href: `https://api-m.sandbox.paypal.com/v2/checkout/orders/${orderId}`, rel: "self", method: "GET" },
        ],
      };
      orders.set(orderId, order);
      return { status: 201, body: order };
    }
    if (operationId === "orders.capture") {
      const order = orders.get(id);
      if (order === undefined) return paypalError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID");
      if (!approved.has(id))
        return paypalError(
          422,
          "UNPROCESSABLE_ENTITY",
          "ORDER_NOT_APPROVED",
          "Payer has not yet approved the Order for payment.",
        );
      const unit = (order.purchase_units as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
      sequence += 1;
      Object.assign(order, {
        status: "COMPLETED",
        purchase_units: [
          {
            ...unit,
            payments: {
              captures: [
                {
                  id: `3C679366HH9086${String(sequence).padStart(3, "0")}`,
                  status: "COMPLETED",
                  amount: unit.amount,
                  final_capture: true,
                },
              ],
            },
          },
        ],
      });
      return { status: 201, body: order };
    }
    if (operationId === "orders.get") {
      const order = orders.get(id);
      return order === undefined
        ? paypalError(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        : { status: 200, body: order };
    }
    sequence += 1;
    return {
      status: 201,
      body: {
        id: `1JU08902781691${String(sequence).padStart(3, "0")}`,
        status: "COMPLETED",
        amount: body.amount,
        note_to_payer: body.note_to_payer,
        links: [],
      },
    };
  };

  const server = await startProviderServer(handle);
  const fake: FakePayPal = {
    server,
    url: server.url,
    violations,
    faults,
    approved,
    get tokensIssued() {
      return state.tokensIssued;
    },
    set tokensIssued(value) {
      state.tokensIssued = value;
    },
    close: () => server.close(),
  };
  return fake;
}
