import { randomBytes } from "node:crypto";
import { createManualClock, createMemoryStorage, PelbiotError, type StorageAdapter } from "@pelbiot/core";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIAL_KEYS_VARIABLE } from "../../src/credentials/env-key-provider";
import { createEphemeralKeyProvider } from "../../src/credentials/ephemeral-key-provider";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import { WebhookManager, type WebhookManagerOptions } from "../../src/webhooks/webhook-manager";
import { flipBit } from "../credentials/helpers";
import { startTestServer, status } from "./test-server";

const START = Date.UTC(2026, 0, 1);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RawSealed {
  iv: string;
  ciphertext: string;
  tag: string;
  wrappedKey: { keyId: string; keyVersion: string; ciphertext: string };
}

interface RawEndpoint {
  id: string;
  secrets: Array<{ id: string; value?: string; sealed?: RawSealed; expiresAt: number | null }>;
}

async function readEndpoint(storage: StorageAdapter, id: string): Promise<RawEndpoint> {
  return JSON.parse((await storage.getItem(`webhooks:endpoints:${id}`)) ?? "null") as RawEndpoint;
}

async function writeEndpoint(storage: StorageAdapter, endpoint: RawEndpoint): Promise<void> {
  await storage.setItem(`webhooks:endpoints:${endpoint.id}`, JSON.stringify(endpoint));
}

async function everyStoredValue(storage: StorageAdapter): Promise<string> {
  const values = await Promise.all((await storage.keys()).map(async (key) => storage.getItem(key)));
  return values.join("\n");
}

async function setup(options: WebhookManagerOptions = {}) {
  const server = await startTestServer(status(204));
  const storage = createMemoryStorage();
  const keyProvider = createEphemeralKeyProvider();
  const manager = new WebhookManager({
    clock: createManualClock(START),
    storage,
    keyProvider,
    allowedHosts: ["127.0.0.1"],
    ...options,
  });
  cleanups.push(
    () => server.close(),
    () => manager.close(),
  );
  return { server, storage, keyProvider, manager };
}

describe("WebhookManager: endpoint secrets at rest", () => {
  it("never writes a secret in plain text to the storage, and still signs verifiably", async () => {
    // standardwebhooks checks timestamps against the real time, so this manager's clock starts now.
    const { server, storage, manager } = await setup({ clock: createManualClock(Date.now()) });
    const given = await manager.registerWebhook({ event: "a", url: server.url, secret: SECRET });
    const generated = await manager.registerWebhook({ event: "a", url: server.url });
    const { secret: rotated } = await manager.rotateSecret(given.id, { overlapMs: 60_000 });
    const stored = await everyStoredValue(storage);
    for (const secret of [SECRET, SECRET.slice(6), generated.secret, generated.secret.slice(6), rotated]) {
      expect(stored).not.toContain(secret);
    }
    const raw = await readEndpoint(storage, given.id);
    expect(raw.secrets).toHaveLength(2);
    for (const secret of raw.secrets) {
      expect(secret.value).toBeUndefined();
      expect(secret.sealed?.wrappedKey.keyVersion).toBe("ephemeral-1");
    }

    await manager.triggerWebhook("a", { n: 1 });
    expect(server.received).toHaveLength(2);
    const toGiven = server.received.find((request) => request.headers["webhook-signature"]?.includes(" "));
    // Both the new and the overlapping previous secret sign, and the standardwebhooks library accepts either.
    for (const secret of [rotated, SECRET]) {
      const verifier = new Webhook(secret);
      expect(() =>
        verifier.verify(toGiven?.body ?? "", {
          "webhook-id": String(toGiven?.headers["webhook-id"]),
          "webhook-timestamp": String(toGiven?.headers["webhook-timestamp"]),
          "webhook-signature": String(toGiven?.headers["webhook-signature"]),
        }),
      ).not.toThrow();
    }
  });

  it("keeps the guide's new WebhookManager() working with secrets held only in its private memory", async () => {
    const manager = new WebhookManager({ clock: createManualClock(START), allowedHosts: ["127.0.0.1"] });
    cleanups.push(() => manager.close());
    const server = await startTestServer(status(200));
    cleanups.push(() => server.close());
    await manager.registerWebhook({ event: "payment.confirmed", url: server.url, secret: "webhook-secret" });
    const { deliveries } = await manager.triggerWebhook("payment.confirmed", { paymentId: "pay-123" });
    expect(deliveries[0]?.status).toBe("succeeded");
  });

  it("refuses a caller's storage without a key provider instead of writing plain text", () => {
    const previous = process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE];
    delete process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE];
    try {
      let caught: unknown;
      try {
        new WebhookManager({ storage: createMemoryStorage() });
      } catch (error) {
        caught = error;
      }
      expect(PelbiotError.is(caught, "CONFIGURATION_ERROR")).toBe(true);
      expect((caught as Error).message).toMatch(/options\.keyProvider/);
    } finally {
      if (previous !== undefined) process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE] = previous;
    }
  });

  it("falls back to the environment keyring when storage is given and the variable is set", async () => {
    const previous = process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE];
    process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE] = `v7=${randomBytes(32).toString("base64")}`;
    try {
      const storage = createMemoryStorage();
      const manager = new WebhookManager({ storage });
      cleanups.push(() => manager.close());
      const { id } = await manager.registerWebhook({ event: "a", url: "https://example.com/hook", secret: SECRET });
      const raw = await readEndpoint(storage, id);
      expect(raw.secrets[0]?.sealed?.wrappedKey.keyVersion).toBe("v7");
      expect(await everyStoredValue(storage)).not.toContain(SECRET.slice(6));
    } finally {
      if (previous === undefined) delete process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE];
      else process.env[DEFAULT_CREDENTIAL_KEYS_VARIABLE] = previous;
    }
  });

  it("rejects a malformed key provider with VALIDATION_ERROR", () => {
    const storage = createMemoryStorage();
    expect(() => new WebhookManager({ storage, keyProvider: { name: "x" } as never })).toThrow(
      /options\.keyProvider\.wrapKey/,
    );
  });
});

describe("WebhookManager: tampered secrets", () => {
  type Tamper = (endpoint: RawEndpoint, other: RawEndpoint) => void;
  const sealed = (endpoint: RawEndpoint): RawSealed => endpoint.secrets[0]?.sealed as RawSealed;
  const cases: Array<[string, Tamper]> = [
    [
      "a flipped ciphertext bit",
      (endpoint) => {
        sealed(endpoint).ciphertext = flipBit(sealed(endpoint).ciphertext, 5);
      },
    ],
    [
      "a flipped IV bit",
      (endpoint) => {
        sealed(endpoint).iv = flipBit(sealed(endpoint).iv, 17);
      },
    ],
    [
      "a flipped tag bit",
      (endpoint) => {
        sealed(endpoint).tag = flipBit(sealed(endpoint).tag, 100);
      },
    ],
    [
      "a flipped wrapped-key bit",
      (endpoint) => {
        sealed(endpoint).wrappedKey.ciphertext = flipBit(sealed(endpoint).wrappedKey.ciphertext, 40);
      },
    ],
    [
      "a sealed secret swapped in from another endpoint",
      (endpoint, other) => {
        endpoint.secrets = other.secrets;
      },
    ],
    [
      "the secret id changed",
      (endpoint) => {
        const [secret] = endpoint.secrets;
        if (secret !== undefined) secret.id = "sec_other";
      },
    ],
    [
      "a plain-text secret written in place of the sealed one",
      (endpoint) => {
        endpoint.secrets = [{ id: "sec_x", value: SECRET, expiresAt: null }];
      },
    ],
    [
      "an unknown key version",
      (endpoint) => {
        sealed(endpoint).wrappedKey.keyVersion = "v9";
      },
    ],
  ];

  it.each(cases)("sends nothing and dead-letters the delivery with INTEGRITY_ERROR after %s", async (_name, tamper) => {
    const { server, storage, manager } = await setup();
    const target = await manager.registerWebhook({ event: "a", url: server.url, secret: SECRET });
    const other = await manager.registerWebhook({ event: "b", url: server.url });
    const endpoint = await readEndpoint(storage, target.id);
    tamper(endpoint, await readEndpoint(storage, other.id));
    await writeEndpoint(storage, endpoint);

    const failures: string[] = [];
    manager.on("delivery_failed", (log) => failures.push(log.error ?? ""));
    const { deliveries } = await manager.triggerWebhook("a", {});
    expect(server.received).toHaveLength(0);
    expect(deliveries[0]).toMatchObject({ status: "dead", attempts: 1, nextAttemptAt: null });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/altered|not sealed|does not hold|failed authentication/);
    expect(failures[0]).not.toContain(SECRET);
    expect(await manager.listDeadLetters()).toHaveLength(1);
  });

  it("fails with another keyring than the one that sealed the secret", async () => {
    const { server, storage, manager } = await setup();
    await manager.registerWebhook({ event: "a", url: server.url, secret: SECRET });
    await manager.close();
    const stranger = new WebhookManager({
      clock: createManualClock(START),
      storage,
      // Same key id and version as the sealing keyring, different key material: only authentication can tell.
      keyProvider: createLocalKeyProvider({
        keys: { "ephemeral-1": randomBytes(32) },
        current: "ephemeral-1",
        keyId: "ephemeral",
      }),
      allowedHosts: ["127.0.0.1"],
    });
    cleanups.push(() => stranger.close());
    const { deliveries } = await stranger.triggerWebhook("a", {});
    expect(deliveries[0]?.status).toBe("dead");
    expect(deliveries[0]?.lastError).toMatch(/failed authentication/);
    expect(server.received).toHaveLength(0);
  });
});
