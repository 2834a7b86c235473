import { readFileSync } from "node:fs";
import { captureValidationIssues, expectPelbiotError } from "@pelbiot/core/testing";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  decodeWebhookSecret,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
} from "../../src/webhooks/webhook-signature";

interface Vector {
  secret: string;
  msgId: string;
  timestamp: number;
  payload: string;
  expectedSignature: string;
}

const spec = JSON.parse(
  readFileSync(new URL("../../../../fixtures/specs/standard-webhooks.json", import.meta.url), "utf8"),
) as { vectors: Vector[]; negativeVectors: Array<Record<string, string>>; verification: { toleranceSeconds: number } };

const [first] = spec.vectors as [Vector, ...Vector[]];

function headersFor(vector: Vector, signature = vector.expectedSignature): Record<string, string> {
  return {
    "webhook-id": vector.msgId,
    "webhook-timestamp": String(vector.timestamp),
    "webhook-signature": signature,
  };
}

describe("signWebhook / verifyWebhook against the Standard Webhooks vectors", () => {
  it.each(spec.vectors)("signs $name exactly as the official libraries", (vector) => {
    const headers = signWebhook({
      id: vector.msgId,
      timestamp: vector.timestamp,
      body: vector.payload,
      secrets: vector.secret,
    });
    expect(headers["webhook-signature"]).toBe(vector.expectedSignature);
    expect(headers["webhook-id"]).toBe(vector.msgId);
    expect(headers["webhook-timestamp"]).toBe(String(vector.timestamp));
  });

  it.each(spec.vectors)("verifies $name at its own time", (vector) => {
    const verified = verifyWebhook(vector.payload, headersFor(vector), vector.secret, {
      now: vector.timestamp * 1000,
    });
    expect(verified).toEqual({
      id: vector.msgId,
      timestamp: vector.timestamp,
      body: vector.payload,
      payload: JSON.parse(vector.payload),
    });
  });

  it("accepts bytes and a fetch Headers object", () => {
    const headers = new Headers(headersFor(first));
    const verified = verifyWebhook(Buffer.from(first.payload), headers, first.secret, { now: first.timestamp * 1000 });
    expect(verified.id).toBe(first.msgId);
  });

  it("rejects the spec's negative cases", () => {
    const now = first.timestamp * 1000;
    const lastChanged = spec.negativeVectors[0]?.signatureHeader as string;
    expect(
      expectPelbiotError(
        () => verifyWebhook(first.payload, headersFor(first, lastChanged), first.secret, { now }),
        "INTEGRITY_ERROR",
      ).details?.reason,
    ).toBe("signature_mismatch");
    expect(
      expectPelbiotError(
        () => verifyWebhook(first.payload, headersFor(first, "v1,dawfeoifkpqwoekfpqoekf"), first.secret, { now }),
        "INTEGRITY_ERROR",
      ).details?.reason,
    ).toBe("signature_mismatch");
    for (const partial of ["v1,", first.expectedSignature.slice(0, 8), first.expectedSignature.slice(0, -1)]) {
      expectPelbiotError(
        () => verifyWebhook(first.payload, headersFor(first, partial), first.secret, { now }),
        "INTEGRITY_ERROR",
      );
    }
    // A tampered body and a tampered id break the signature too.
    expectPelbiotError(
      () => verifyWebhook(`${first.payload} `, headersFor(first), first.secret, { now }),
      "INTEGRITY_ERROR",
    );
    expectPelbiotError(
      () => verifyWebhook(first.payload, { ...headersFor(first), "webhook-id": "msg_other" }, first.secret, { now }),
      "INTEGRITY_ERROR",
    );
    // "hello" as a timestamp.
    expectPelbiotError(
      () => verifyWebhook(first.payload, { ...headersFor(first), "webhook-timestamp": "hello" }, first.secret, { now }),
      "VALIDATION_ERROR",
    );
    for (const empty of ["", "whsec_"]) {
      expectPelbiotError(() => verifyWebhook(first.payload, headersFor(first), empty, { now }), "VALIDATION_ERROR");
    }
    for (const timestamp of [161426533.0 + 0.5, -161426533]) {
      expectPelbiotError(
        () => signWebhook({ id: first.msgId, timestamp, body: "{}", secrets: first.secret }),
        "VALIDATION_ERROR",
      );
    }
  });

  it("rejects stale and future timestamps at the 300 s tolerance, inclusive of the bound", () => {
    const at = (offsetSeconds: number) => (first.timestamp + offsetSeconds) * 1000;
    expect(verifyWebhook(first.payload, headersFor(first), first.secret, { now: at(300) }).id).toBe(first.msgId);
    expect(verifyWebhook(first.payload, headersFor(first), first.secret, { now: at(-300) }).id).toBe(first.msgId);
    expect(
      expectPelbiotError(
        () => verifyWebhook(first.payload, headersFor(first), first.secret, { now: at(301) }),
        "INTEGRITY_ERROR",
      ).details?.reason,
    ).toBe("timestamp_too_old");
    expect(
      expectPelbiotError(
        () => verifyWebhook(first.payload, headersFor(first), first.secret, { now: at(-301) }),
        "INTEGRITY_ERROR",
      ).details?.reason,
    ).toBe("timestamp_too_new");
    expect(spec.verification.toleranceSeconds).toBe(300);
  });

  it("accepts any one valid v1 signature among several, and skips other versions", () => {
    const noise = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    const header = `v1a,abc ${noise} ${first.expectedSignature} ${noise}`;
    const verified = verifyWebhook(first.payload, headersFor(first, header), first.secret, {
      now: first.timestamp * 1000,
    });
    expect(verified.id).toBe(first.msgId);
  });

  it("refuses a parsed body with a message that explains why", () => {
    expect(() =>
      verifyWebhook(JSON.parse(first.payload) as string, headersFor(first), first.secret, {
        now: first.timestamp * 1000,
      }),
    ).toThrow(/raw request body.*re-serialising/);
    expectPelbiotError(() => verifyWebhook({} as string, headersFor(first), first.secret), "VALIDATION_ERROR");
  });

  it("rejects a webhook-id holding '.', which would let (a, T, 'T.{…}') and (a.T, T, '{…}') share a signature", () => {
    const timestamp = first.timestamp;
    const body = '{"amount":100}';
    // Signed content is `id.timestamp.body`: both messages below sign exactly "a.T.T.{…}".
    const signed = signWebhook({ id: "a", timestamp, body: `${timestamp}.${body}`, secrets: first.secret });
    const now = timestamp * 1000;
    expect(verifyWebhook(`${timestamp}.${body}`, signed, first.secret, { now }).id).toBe("a");
    const shifted = { ...signed, "webhook-id": `a.${timestamp}` };
    expectPelbiotError(() => verifyWebhook(body, shifted, first.secret, { now }), "VALIDATION_ERROR");
    expect(() => verifyWebhook(body, shifted, first.secret, { now })).toThrow(/headers\.webhook-id.*'\.'/);
    expectPelbiotError(
      () => signWebhook({ id: `a.${timestamp}`, timestamp, body, secrets: first.secret }),
      "VALIDATION_ERROR",
    );
  });

  it("reports missing headers", () => {
    expect(() => verifyWebhook(first.payload, {}, first.secret)).toThrow(
      /webhook-id.*webhook-timestamp.*webhook-signature/s,
    );
  });

  it("signs with every secret during a rotation, and either verifies", () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = signWebhook({
      id: "msg_rotate",
      timestamp: 1_700_000_000,
      body: "{}",
      secrets: [newSecret, oldSecret],
    });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const secret of [oldSecret, newSecret, [generateWebhookSecret(), newSecret]]) {
      expect(verifyWebhook("{}", headers, secret, { now: 1_700_000_000_000 }).id).toBe("msg_rotate");
    }
    expectPelbiotError(
      () => verifyWebhook("{}", headers, generateWebhookSecret(), { now: 1_700_000_000_000 }),
      "INTEGRITY_ERROR",
    );
  });

  it("validates secrets: whsec_ with 24 to 64 bytes, or 8+ printable ASCII characters", () => {
    expect(decodeWebhookSecret(first.secret)).toHaveLength(24);
    expect(decodeWebhookSecret("webhook-secret").toString()).toBe("webhook-secret");
    expect(generateWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    for (const bad of ["whsec_c2hvcnQ=", "short", "has space inside", "whsec_!!!!", 42]) {
      expectPelbiotError(() => decodeWebhookSecret(bad), "VALIDATION_ERROR");
    }
  });
});

describe("signWebhook / verifyWebhook argument checks", () => {
  const secret = generateWebhookSecret();

  it("names a malformed secret in a list by its index, in the calling function's message", () => {
    const signing = expectPelbiotError(
      () => signWebhook({ id: "msg_1", timestamp: 1, body: "{}", secrets: [secret, "short"] }),
      "VALIDATION_ERROR",
    );
    expect(signing.message).toMatch(/^Invalid input to signWebhook: input\.secrets\.1: /);
    const headers = signWebhook({ id: "msg_1", timestamp: 1, body: "{}", secrets: secret });
    expect(captureValidationIssues(() => verifyWebhook("{}", headers, [secret, "short"], { now: 1_000 }))).toEqual([
      'secret.1: must be a "whsec_<base64>" secret or at least 8 printable ASCII characters without spaces',
    ]);
  });

  it("rejects misspelt option names", () => {
    const headers = signWebhook({ id: "msg_1", timestamp: 1, body: "{}", secrets: secret });
    const issues = captureValidationIssues(() =>
      verifyWebhook("{}", headers, secret, { now: 1_000, toleranceSecond: 10 } as never),
    );
    expect(issues).toEqual([
      'options.toleranceSecond: "toleranceSecond" is not a known option (did you mean "toleranceSeconds"?); accepted: toleranceSeconds, now',
    ]);
    expectPelbiotError(
      () => signWebhook({ id: "msg_1", timestamp: 1, body: "{}", secret } as never),
      "VALIDATION_ERROR",
    );
  });
});

describe("interoperability with the standardwebhooks library", () => {
  it("our signatures verify with standardwebhooks and theirs with ours (property test)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        fc.string({ maxLength: 200 }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/),
        (keyBytes, text, id) => {
          const secret = `whsec_${Buffer.from(keyBytes).toString("base64")}`;
          const body = JSON.stringify({ text });
          const timestamp = Math.floor(Date.now() / 1000);
          const library = new Webhook(secret);
          const ours = signWebhook({ id, timestamp, body, secrets: secret });
          expect(library.verify(body, { ...ours })).toEqual({ text });
          const theirs = library.sign(id, new Date(timestamp * 1000), body);
          expect(theirs).toBe(ours["webhook-signature"]);
          const verified = verifyWebhook(body, { ...ours, "webhook-signature": theirs }, secret);
          expect(verified.payload).toEqual({ text });
        },
      ),
      { seed: 20261126, numRuns: 100 },
    );
  });

  it("raw secrets match the library's raw format", () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const ours = signWebhook({ id: "msg_raw", timestamp, body: '{"a":1}', secrets: "webhook-secret" });
    expect(new Webhook("webhook-secret", { format: "raw" }).verify('{"a":1}', { ...ours })).toEqual({ a: 1 });
  });

  it("the library rejects a rotated-out secret that we no longer sign with", () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const ours = signWebhook({ id: "msg_x", timestamp, body: "{}", secrets: generateWebhookSecret() });
    expect(() => new Webhook(generateWebhookSecret()).verify("{}", { ...ours })).toThrow();
  });
});
