import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AUDIT_GENESIS_HASH,
  type AuditChain,
  type AuditEntry,
  hashAuditEntry,
  verifyAuditChain,
} from "../../src/credentials/verify-audit-chain";
import { createHarness } from "./helpers";

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

type Tamper = (chain: { anchor: AuditChain["anchor"]; head: AuditChain["head"]; entries: AuditEntry[] }) => void;

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

describe("audit log hash chain", () => {
  it("records actor, time, action and result of every attempt, and verifies", async () => {
    const { creds } = await buildChain(4);
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
    expect(verifyAuditChain(JSON.parse(JSON.stringify(creds.exportAuditLog())))).toMatchObject({ valid: true });
  });

  it("detects any edited, removed, inserted or reordered entry (property)", async () => {
    const { creds } = await buildChain(12);
    const original = creds.exportAuditLog();
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
        const chain = structuredClone(original) as Parameters<Tamper>[0];
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
            // Even an attacker who recomputes the edited entry's own hash breaks the link to the next one.
            fc.pre(entries[tamper.index]!.actor !== tamper.actor);
            const edited = { ...(entries[tamper.index] as unknown as AuditEntry), actor: tamper.actor };
            const { hash: _stale, ...rest } = edited;
            entries[tamper.index] = { ...edited, hash: hashAuditEntry(rest) };
            break;
          }
        }
        expect(verifyAuditChain(chain).valid).toBe(false);
      }),
      { seed: 4242, numRuns: 300 },
    );
    expect(verifyAuditChain(original).valid).toBe(true);
  });

  it("detects a recomputed chain whose head no longer matches", async () => {
    const { creds } = await buildChain(3);
    const chain = creds.exportAuditLog();
    const truncated = { ...chain, entries: chain.entries.slice(0, 2) };
    expect(verifyAuditChain(truncated)).toMatchObject({ valid: false, firstInvalidIndex: 2 });
  });

  it("bounds memory with maxAuditLogSize and keeps the kept suffix verifiable through the anchor", async () => {
    const { creds } = await buildChain(25, 10);
    const chain = creds.exportAuditLog();
    expect(chain.entries).toHaveLength(10);
    expect(chain.entries[0]!.sequence).toBe(16);
    expect(chain.anchor.sequence).toBe(15);
    expect(chain.entries[0]!.previousHash).toBe(chain.anchor.hash);
    expect(chain.head).toEqual({ sequence: 25, hash: chain.entries[9]!.hash });
    expect(await creds.verifyAuditLog()).toMatchObject({ valid: true, checkedEntries: 10 });
    expect(verifyAuditChain({ ...chain, anchor: { sequence: 15, hash: AUDIT_GENESIS_HASH } }).valid).toBe(false);
    expect(verifyAuditChain({ ...chain, entries: chain.entries.slice(1) }).valid).toBe(false);
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
