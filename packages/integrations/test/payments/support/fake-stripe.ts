// A Stripe stand-in that checks every request against Stripe's own OpenAPI fragments (method, path, content type,
// form/deepObject encoding read back with qs, the request body schema with additionalProperties false, Bearer auth,
// Idempotency-Key on every POST) and answers with Stripe's own sample objects, so the adapter is tested against the
// spec rather than against our guesses. Idempotency is honoured like Stripe: same key + same body → same answer;
// same key + different body → 400 idempotency_error.
import qs from "qs";
import { type ProviderServer, type ReceivedRequest, type Reply, startProviderServer } from "./provider-server";
import { compile, problems, readSpec } from "./spec-schemas";

interface Operation {
  operationId: string;
  method: string;
  path: string;
  requestContentType: string | null;
  requestBody?: unknown;
  successResponse: { schema: unknown };
  errorResponse: { schema: unknown };
}
interface StripeSpec {
  operations: Operation[];
  officialFixtures: { payment_intent: Record<string, unknown>; refund: Record<string, unknown> };
}

export const stripeSpec = readSpec<StripeSpec>("stripe.json");
const operations = stripeSpec.operations.map((operation) => ({
  ...operation,
  pattern: new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, "([^/?]+)")}(\\?.*)?$`),
  validateBody: operation.requestBody === undefined ? undefined : compile(operation.requestBody, true),
  validateSuccess: compile(operation.successResponse.schema),
  validateError: compile(operation.errorResponse.schema),
}));

export interface Fault {
  /** Which requests it applies to, e.g. `"POST /v1/refunds"`. */
  readonly route: string;
  readonly reply: Reply | "hang";
  /** How many matching requests get it. */
  times: number;
}

export interface FakeStripe {
  readonly server: ProviderServer;
  readonly url: string;
  /** Every way a request broke the spec; tests expect it empty. */
  readonly violations: string[];
  /** Faults consumed before normal handling. */
  readonly faults: Fault[];
  /** Decoded bodies of the requests, in order. */
  readonly bodies: Array<{ route: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export const SECRET_KEY = "sk_test_51PelbiotSpecCheck";

export function stripeErrorBody(type: string, code: string, message: string, extra: Record<string, string> = {}) {
  return { error: { type, code, message, ...extra } };
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const violations: string[] = [];
  const faults: Fault[] = [];
  const bodies: FakeStripe["bodies"] = [];
  const intents = new Map<string, Record<string, unknown>>();
  const replays = new Map<string, { body: string; reply: Reply }>();
  let sequence = 0;

  const handle = (request: ReceivedRequest): Reply | "hang" => {
    const operation = operations.find(
      (candidate) => candidate.method === request.method && candidate.pattern.test(request.path),
    );
    const route = `${request.method} ${request.path.replace(/\?.*$/, "").replace(/\/(pi|re)_[\w]+/, "/{id}")}`;
    const fault = faults.find((candidate) => candidate.route === route && candidate.times > 0);
    if (fault !== undefined) {
      fault.times -= 1;
      return fault.reply;
    }
    if (request.path.endsWith("/capture")) return capture(request); // not in the spec fragment: checked by hand below
    if (operation === undefined) return fail(`no spec operation for ${request.method} ${request.path}`);
    checkHeaders(request, operation);
    const body = qs.parse(request.body, { depth: 5, arrayLimit: 100 }) as Record<string, unknown>;
    bodies.push({ route, body: structuredClone(body) });
    if (operation.validateBody !== undefined) {
      const issues = problems(operation.validateBody, body);
      if (issues !== "") return fail(`${operation.operationId} body: ${issues}`);
    }
    const key = request.headers["idempotency-key"];
    if (typeof key === "string") {
      const earlier = replays.get(key);
      if (earlier !== undefined) {
        if (earlier.body !== request.body) {
          return {
            status: 400,
            body: stripeErrorBody(
              "idempotency_error",
              "idempotency_key_in_use",
              "Keys for idempotent requests can only be used with the same parameters they were first used with.",
            ),
          };
        }
        return { ...earlier.reply, headers: { ...earlier.reply.headers, "idempotent-replayed": "true" } };
      }
    }
    const reply = answer(operation.operationId, request, body);
    const schema = reply.status === 200 ? operation.validateSuccess : operation.validateError;
    const replyIssues = problems(schema, reply.body);
    if (replyIssues !== "") violations.push(`our own ${operation.operationId} reply breaks the spec: ${replyIssues}`);
    if (typeof key === "string") replays.set(key, { body: request.body, reply });
    return reply;
  };

  const checkHeaders = (request: ReceivedRequest, operation: Operation) => {
    if (request.headers.authorization !== `Bearer ${SECRET_KEY}`)
      violations.push(`${operation.operationId}: Authorization is not Bearer <secret key>`);
    if (request.method === "POST") {
      if (request.headers["content-type"] !== operation.requestContentType) {
        violations.push(
          `${operation.operationId}: content-type ${request.headers["content-type"]}, spec says ${operation.requestContentType}`,
        );
      }
      if (typeof request.headers["idempotency-key"] !== "string" || request.headers["idempotency-key"] === "") {
        violations.push(`${operation.operationId}: POST without Idempotency-Key`);
      }
    }
  };

  const fail = (message: string): Reply => {
    violations.push(message);
    return { status: 400, body: stripeErrorBody("invalid_request_error", "parameter_invalid", message) };
  };

  const intentFrom = (request: ReceivedRequest) =>
    intents.get(/\/v1\/payment_intents\/([^/?]+)/.exec(request.path)?.[1] ?? "");

  const answer = (operationId: string, request: ReceivedRequest, body: Record<string, unknown>): Reply => {
    if (operationId === "PostPaymentIntents") {
      sequence += 1;
      const intent = {
        ...stripeSpec.officialFixtures.payment_intent,
        id: `pi_${String(sequence).padStart(6, "0")}`,
        amount: Number(body.amount),
        currency: body.currency,
        capture_method: body.capture_method ?? "automatic",
        description: body.description ?? null,
        metadata: body.metadata ?? {},
        payment_method: body.payment_method ?? null,
        status: body.payment_method === undefined ? "requires_payment_method" : "requires_confirmation",
      };
      intents.set(intent.id, intent);
      return { status: 200, body: intent };
    }
    const intent = intentFrom(request);
    if (operationId === "PostRefunds") {
      const target = intents.get(String(body.payment_intent));
      if (target === undefined)
        return {
          status: 404,
          body: stripeErrorBody("invalid_request_error", "resource_missing", "No such payment_intent"),
        };
      sequence += 1;
      return {
        status: 200,
        body: {
          ...stripeSpec.officialFixtures.refund,
          id: `re_${sequence}`,
          amount: Number(body.amount),
          currency: target.currency,
          payment_intent: target.id,
          metadata: body.metadata ?? {},
          reason: body.reason ?? null,
        },
      };
    }
    if (intent === undefined)
      return {
        status: 404,
        body: stripeErrorBody("invalid_request_error", "resource_missing", "No such payment_intent"),
      };
    if (operationId === "PostPaymentIntentsIntentConfirm") {
      const method = body.payment_method ?? intent.payment_method;
      if (method === "pm_card_chargeDeclined") {
        return {
          status: 402,
          body: stripeErrorBody("card_error", "card_declined", "Your card was declined.", {
            decline_code: "generic_decline",
          }),
        };
      }
      if (method === "pm_card_chargeDeclinedInsufficientFunds") {
        return {
          status: 402,
          body: stripeErrorBody("card_error", "card_declined", "Your card has insufficient funds.", {
            decline_code: "insufficient_funds",
          }),
        };
      }
      const manual = intent.capture_method === "manual";
      Object.assign(intent, {
        payment_method: method,
        status: manual ? "requires_capture" : "succeeded",
        amount_received: manual ? 0 : intent.amount,
        amount_capturable: manual ? intent.amount : 0,
      });
    } else if (operationId === "PostPaymentIntentsIntentCancel") {
      Object.assign(intent, { status: "canceled", cancellation_reason: body.cancellation_reason ?? null });
    }
    return { status: 200, body: intent };
  };

  const capture = (request: ReceivedRequest): Reply => {
    const intent = intentFrom(request);
    const body = qs.parse(request.body) as Record<string, unknown>;
    bodies.push({ route: "POST /v1/payment_intents/{id}/capture", body });
    if (intent === undefined) return fail("capture of an unknown intent");
    if (typeof request.headers["idempotency-key"] !== "string")
      violations.push("capture: POST without Idempotency-Key");
    Object.assign(intent, {
      status: "succeeded",
      amount_received: Number(body.amount_to_capture ?? intent.amount),
      amount_capturable: 0,
    });
    return { status: 200, body: intent };
  };

  const server = await startProviderServer(handle);
  return { server, url: server.url, violations, faults, bodies, close: () => server.close() };
}
