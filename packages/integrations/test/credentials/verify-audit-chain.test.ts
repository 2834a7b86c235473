import { hash, randomBytes } from "node:crypto";
import { PelbiotError } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditEntryMac } from "../../src/credentials/internal/audit-mac";
import { loadIntegrityKeys } from "../../src/credentials/internal/integrity-keys";
import { verifyKeyedAuditChain } from "../../src/credentials/internal/verify-keyed-chain";
import type { KeyProvider } from "../../src/credentials/key-provider";
import { createLocalKeyProvider } from "../../src/credentials/local-key-provider";
import {
  AUDIT_GENESIS_HASH,
  type AuditChain,
  type AuditEntry,
  verifyAuditChain,
} from "../../src/credentials/verify-audit-chain";
import { createHarness, type Harness, KEY_V1 } from "./helpers";

/** A manager with `operations` audited calls behind it (reads, failed reads, stores). */
async function buildChain(operations: number, maxAuditLogSize = 10_000) {
  const harness = createHarness({ maxAuditLogSize });
  await harness.creds.storeCredentials("stripe", "k", "s", "user-0");
  for (let index = 1; index < operations; index += 1) {
    await harness.clock.advanceAsync(1000);
    if (index % 3 === 0) await harness.creds.getCredentials("stripe", "missing").catch(() => undefined);
    else await harness.creds.getCredentials("stripe", "user-0", { actor: `actor-${index}` });
  }
  return harness;
}

type MutableEntry = { -readonly [Field in keyof AuditEntry]: AuditEntry[Field] };
interface MutableChain {
  chainId: string;
  anchor: { sequence: number; hash: string; mac: string };
  head: { sequence: number; hash: string; mac: string };
  entries: MutableEntry[];
}

function mutableCopy(chain: AuditChain): MutableChain {
  return structuredClone(chain) as unknown as MutableChain;
}

function verify(harness: Harness, chain: unknown, checkpoint?: AuditChain["head"]) {
  return verifyAuditChain(chain as AuditChain, {
    keyProvider: harness.keyProvider,
    storage: harness.storage,
    ...(checkpoint === undefined ? {} : { checkpoint }),
  });
}

// What whoever can edit the archive computes without the key: the old public SHA-256 chain formula.
function unkeyedHash(entry: Omit<AuditEntry, "hash">): string {
  const canonical = JSON.stringify([
    entry.sequence,
    entry.time,
    entry.actor,
    entry.action,
    entry.result,
    entry.provider,
    entry.userId,
    entry.credentialVersion,
    entry.errorCode,
  ]);
  return hash("sha256", entry.previousHash + canonical, "hex");
}

/** Re-chains every entry from `from` on with `rehash`, and moves the head to the new last hash. */
function rechain(chain: MutableChain, from: number, rehash: (entry: Omit<AuditEntry, "hash">) => string): void {
  for (let index = from; index < chain.entries.length; index += 1) {
    const entry = chain.entries[index]!;
    entry.previousHash = index === 0 ? chain.anchor.hash : chain.entries[index - 1]!.hash;
    const { hash: _stale, ...rest } = entry;
    entry.hash = rehash(rest);
  }
  const last = chain.entries.at(-1)!;
  chain.head = { ...chain.head, sequence: last.sequence, hash: last.hash };
}

const FIELDS = [
  "sequence",
  "time",
  "actor",
  "action",
  "result",
  "provider",
  "userId",
  "credentialVersion",
  "errorCode",
] as const;

describe("audit log HMAC chain", () => {
  it("records actor, time, action and result of every attempt, and verifies", async () => {
    const harness = await buildChain(4);
    const { creds } = harness;
    const log = await creds.getAuditLog();
    expect(log.map((entry) => [entry.sequence, entry.action, entry.result, entry.actor, entry.errorCode])).toEqual([
      [1, "store", "success", "system", null],
      [2, "read", "success", "actor-1", null],
      [3, "read", "success", "actor-2", null],
      [4, "read", "failure", "system", "NOT_FOUND"],
    ]);
    expect(log[0]!.previousHash).toBe(AUDIT_GENESIS_HASH);
    expect(log[1]!.time - log[0]!.time).toBe(1000);
    expect(await creds.verifyAuditLog()).toEqual({
      valid: true,
      checkedEntries: 4,
      firstInvalidIndex: null,
      reason: null,
    });
    expect(await verify(harness, JSON.parse(JSON.stringify(creds.exportAuditLog())))).toMatchObject({ valid: true });
  });

  it("rejects an entry edited and every later entry re-hashed without the key", async () => {
    const harness = await buildChain(6);
    const forged = mutableCopy(harness.creds.exportAuditLog());
    forged.entries[2]!.actor = "someone-else";
    rechain(forged, 2, unkeyedHash);
    expect(await verify(harness, forged)).toMatchObject({ valid: false, firstInvalidIndex: 2 });
    // Re-chaining with HMAC under a guessed key fails the same way.
    const guessedKey = randomBytes(32);
    const withGuessedKey = mutableCopy(harness.creds.exportAuditLog());
    withGuessedKey.entries[2]!.actor = "someone-else";
    rechain(withGuessedKey, 0, (entry) => auditEntryMac(guessedKey, withGuessedKey.chainId, entry));
    expect((await verify(harness, withGuessedKey)).valid).toBe(false);
  });

  it("rejects the last entry deleted and the head rewritten to the entry before", async () => {
    const harness = await buildChain(5);
    const forged = mutableCopy(harness.creds.exportAuditLog());
    forged.entries.pop();
    const last = forged.entries.at(-1)!;
    forged.head = { ...forged.head, sequence: last.sequence, hash: last.hash };
    expect(await verify(harness, forged)).toMatchObject({ valid: false, firstInvalidIndex: 4 });
  });

  it("rejects the first entries dropped and the anchor forged to stand in for them", async () => {
    const harness = await buildChain(6);
    const forged = mutableCopy(harness.creds.exportAuditLog());
    const dropped = forged.entries.splice(0, 2);
    forged.anchor = { ...forged.anchor, sequence: dropped[1]!.sequence, hash: dropped[1]!.hash };
    expect(await verify(harness, forged)).toMatchObject({ valid: false, firstInvalidIndex: 0 });
  });

  it("exports copies: editing an export leaves the live log intact", async () => {
    const harness = await buildChain(3);
    const exported = harness.creds.exportAuditLog() as unknown as MutableChain;
    const before = JSON.stringify(harness.creds.exportAuditLog());
    exported.head.sequence = 999;
    exported.head.hash = "f".repeat(64);
    exported.anchor.sequence = 7;
    expect(await harness.creds.verifyAuditLog()).toMatchObject({ valid: true, checkedEntries: 3 });
    expect(JSON.stringify(harness.creds.exportAuditLog())).toBe(before);
  });

  it("reports a chain without an anchor or head as invalid instead of throwing", async () => {
    const harness = await buildChain(3);
    const chain = harness.creds.exportAuditLog();
    expect(await verify(harness, { ...chain, anchor: undefined })).toMatchObject({
      valid: false,
      firstInvalidIndex: 0,
    });
    expect((await verify(harness, { ...chain, head: null })).valid).toBe(false);
    expect((await verify(harness, { entries: chain.entries })).valid).toBe(false);
    expect((await verify(harness, "not a chain")).valid).toBe(false);
  });

  it("rejects the old unkeyed call shape with VALIDATION_ERROR", async () => {
    const harness = await buildChain(2);
    const error = await (verifyAuditChain as (chain: AuditChain) => Promise<unknown>)(
      harness.creds.exportAuditLog(),
    ).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(PelbiotError.is(error, "VALIDATION_ERROR")).toBe(true);
    expect((error as Error).message).toContain("keyProvider");
  });

  it("detects an archive cut back to an older genuine head, given a checkpoint kept elsewhere", async () => {
    const harness = await buildChain(3);
    const older = harness.creds.exportAuditLog();
    await harness.creds.getCredentials("stripe", "user-0");
    const newer = harness.creds.exportAuditLog();
    // Without a checkpoint the older export is genuine and verifies; with the newer head it is caught.
    expect((await verify(harness, older)).valid).toBe(true);
    expect(await verify(harness, older, newer.head)).toMatchObject({ valid: false });
    expect((await verify(harness, newer, older.head)).valid).toBe(true);
    expect((await verify(harness, newer, { ...older.head, hash: newer.head.hash })).valid).toBe(false);
  });

  it("does not verify under another storage's key", async () => {
    const harness = await buildChain(2);
    const other = createHarness({ keyProvider: harness.keyProvider });
    await other.creds.storeCredentials("stripe", "k", "s", "user-1");
    expect((await verify(other, harness.creds.exportAuditLog())).valid).toBe(false);
  });

  it("detects any edited, removed, inserted or reordered entry (property)", async () => {
    const harness = await buildChain(12);
    const original = harness.creds.exportAuditLog();
    // The key is unwrapped once here rather than on each of the 300 runs; the public function is checked at the end.
    const { auditKey } = (await loadIntegrityKeys(harness.keyProvider, harness.storage))!;
    const tampers = fc.oneof(
      fc.record({
        kind: fc.constant("edit" as const),
        index: fc.nat(11),
        field: fc.constantFrom(...FIELDS),
        value: fc.jsonValue(),
      }),
      fc.record({ kind: fc.constant("remove" as const), index: fc.nat(11) }),
      fc.record({ kind: fc.constant("duplicate" as const), index: fc.nat(11) }),
      fc.record({ kind: fc.constant("swap" as const), index: fc.nat(10) }),
      fc.record({ kind: fc.constant("rehash" as const), index: fc.nat(11), actor: fc.string() }),
    );
    fc.assert(
      fc.property(tampers, (tamper) => {
        const chain = mutableCopy(original);
        const entries = chain.entries as unknown as Array<Record<string, unknown>>;
        switch (tamper.kind) {
          case "edit": {
            fc.pre(JSON.stringify(entries[tamper.index]![tamper.field]) !== JSON.stringify(tamper.value));
            entries[tamper.index]![tamper.field] = tamper.value;
            break;
          }
          case "remove":
            entries.splice(tamper.index, 1);
            break;
          case "duplicate":
            entries.splice(tamper.index, 0, { ...entries[tamper.index]! });
            break;
          case "swap": {
            const [first, second] = [entries[tamper.index]!, entries[tamper.index + 1]!];
            entries[tamper.index] = second;
            entries[tamper.index + 1] = first;
            break;
          }
          case "rehash": {
            fc.pre(chain.entries[tamper.index]!.actor !== tamper.actor);
            chain.entries[tamper.index]!.actor = tamper.actor;
            rechain(chain, tamper.index, unkeyedHash);
            break;
          }
        }
        expect(verifyKeyedAuditChain(chain, auditKey).valid).toBe(false);
      }),
      { seed: 4242, numRuns: 300 },
    );
    expect((await verify(harness, original)).valid).toBe(true);
  });

  it("bounds memory with maxAuditLogSize and keeps the kept suffix verifiable through the sealed anchor", async () => {
    const harness = await buildChain(25, 10);
    const chain = harness.creds.exportAuditLog();
    expect(chain.entries).toHaveLength(10);
    expect(chain.entries[0]!.sequence).toBe(16);
    expect(chain.anchor.sequence).toBe(15);
    expect(chain.entries[0]!.previousHash).toBe(chain.anchor.hash);
    expect(chain.head).toMatchObject({ sequence: 25, hash: chain.entries[9]!.hash });
    expect(await harness.creds.verifyAuditLog()).toMatchObject({ valid: true, checkedEntries: 10 });
    expect((await verify(harness, { ...chain, anchor: { ...chain.anchor, hash: AUDIT_GENESIS_HASH } })).valid).toBe(
      false,
    );
    expect((await verify(harness, { ...chain, entries: chain.entries.slice(1) })).valid).toBe(false);
  });

  it("seals the entries of calls made before the key provider was reachable once it is", async () => {
    const base = createLocalKeyProvider({ keys: { v1: KEY_V1 }, current: "v1" });
    let outage = true;
    const keyProvider: KeyProvider = {
      ...base,
      wrapKey: async (dataKey, context) => {
        if (outage) throw new Error("key service down");
        return base.wrapKey(dataKey, context);
      },
    };
    const seen: string[] = [];
    const harness = createHarness({
      keyProvider,
      onAuditEntry: (entry) => seen.push(`${entry.sequence}:${entry.result}`),
    });
    await expect(harness.creds.storeCredentials("stripe", "k", "s", "user-1")).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
    });
    expect(await harness.creds.verifyAuditLog()).toMatchObject({ valid: false });
    outage = false;
    await harness.creds.storeCredentials("stripe", "k", "s", "user-1");
    expect(seen).toEqual(["1:failure", "2:success"]);
    expect(await harness.creds.verifyAuditLog()).toMatchObject({ valid: true, checkedEntries: 2 });
    expect((await verify(harness, harness.creds.exportAuditLog())).valid).toBe(true);
  });

  it("hands every entry to onAuditEntry and survives a throwing callback", async () => {
    const seen: number[] = [];
    const { creds } = createHarness({
      onAuditEntry: (entry) => {
        seen.push(entry.sequence);
        throw new Error("sink down");
      },
    });
    await creds.storeCredentials("stripe", "k", "s", "user-1");
    await creds.getCredentials("stripe", "user-1");
    expect(seen).toEqual([1, 2]);
  });
});
