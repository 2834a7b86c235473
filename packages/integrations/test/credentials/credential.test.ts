import { inspect } from "node:util";
import { createLogger, type LogRecord } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import { createHarness } from "./helpers";

const API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
const API_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_PARTS = ["4eC39HqLyjWDarjt", "MfKQ9r8GKYqrTwjUPD8I"];

function expectNoSecret(text: string): void {
  for (const part of SECRET_PARTS) expect(text).not.toContain(part);
}

describe("Credential", () => {
  it("exposes the secrets only through reveal()", async () => {
    const records: LogRecord[] = [];
    const logger = createLogger({ sink: (record) => records.push(record), level: "debug" });
    const { creds } = createHarness({ logger });
    const stored = await creds.storeCredentials("stripe", API_KEY, API_SECRET, "user-1");
    const credential = await creds.getCredentials("stripe", "user-1");
    const rotated = await creds.rotateCredentials("stripe", "user-1", {
      apiKey: `${API_KEY}2`,
      apiSecret: `${API_SECRET}2`,
    });

    for (const value of [stored, credential, rotated]) {
      expectNoSecret(JSON.stringify(value));
      expectNoSecret(inspect(value));
      expectNoSecret(inspect(value, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }));
      expectNoSecret(String(value));
      expectNoSecret(JSON.stringify(Object.entries(value)));
      expectNoSecret(JSON.stringify({ ...value }));
      expect(Object.keys(value)).not.toContain("apiKey");
    }
    expect(credential.maskedApiKey).toBe("sk_live_…p7dc");
    expect(credential.maskedApiSecret).toBe("whsec_…LaSw");
    expect(inspect(credential)).toContain("sk_live_…p7dc");
    expect(JSON.parse(JSON.stringify(credential))).toMatchObject({ provider: "stripe", maskedApiKey: "sk_live_…p7dc" });
    expect(credential.reveal()).toEqual({ apiKey: API_KEY, apiSecret: API_SECRET });

    expectNoSecret(JSON.stringify(records));
    expectNoSecret(JSON.stringify(await creds.getAuditLog()));
    expectNoSecret(JSON.stringify(creds.exportAuditLog()));
    expectNoSecret(inspect(creds, { showHidden: true, depth: Number.POSITIVE_INFINITY }));
    expect(records.map((record) => record.message)).toContain("credential store succeeded");
  });

  it("is frozen", async () => {
    const { creds } = createHarness();
    const credential = await creds.storeCredentials("stripe", API_KEY, API_SECRET, "user-1");
    expect(Object.isFrozen(credential)).toBe(true);
    expect(Object.isFrozen(credential.reveal())).toBe(true);
  });
});
