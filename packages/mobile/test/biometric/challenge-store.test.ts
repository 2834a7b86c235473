import { createManualClock, createMemoryStorage } from "@pelbiot/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChallengeStore } from "../../src/biometric/challenge-store";

const TTL = 1000;
const EXPECTED = { ceremony: "authentication", userId: "user-1", modality: "face" } as const;

type Step =
  | { kind: "issue"; challenge: number }
  | { kind: "advance"; ms: number }
  | { kind: "consume"; challenge: number }
  | { kind: "prune" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("issue" as const), challenge: fc.nat(4) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 700 }) }),
  fc.record({ kind: fc.constant("consume" as const), challenge: fc.nat(4) }),
  fc.record({ kind: fc.constant("prune" as const) }),
);

// A generous limit: 200 generated schedules on two shared CI cores.
describe("ChallengeStore", { timeout: 30_000 }, () => {
  it("matches a model: a challenge is accepted once, before it expires, and never after", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const clock = createManualClock(0);
        const store = new ChallengeStore(createMemoryStorage(), "test:", clock, TTL);
        // The model: expiry and used flag per challenge (re-issuing a challenge starts it afresh).
        const model = new Map<string, { expiresAt: number; consumed: boolean }>();
        for (const current of steps) {
          if (current.kind === "advance") {
            clock.advance(current.ms);
          } else if (current.kind === "prune") {
            await store.pruneExpired();
            for (const [key, entry] of model) if (entry.expiresAt <= clock.now()) model.delete(key);
          } else if (current.kind === "issue") {
            const challenge = `challenge-${current.challenge}`;
            await store.issue(challenge, { ceremony: "authentication", userId: null, modality: null });
            model.set(challenge, { expiresAt: clock.now() + TTL, consumed: false });
          } else {
            const challenge = `challenge-${current.challenge}`;
            const entry = model.get(challenge);
            const expected =
              entry === undefined
                ? "challenge_unknown"
                : entry.consumed
                  ? "challenge_replayed"
                  : entry.expiresAt <= clock.now()
                    ? "challenge_expired"
                    : undefined;
            expect(await store.consume(challenge, EXPECTED)).toBe(expected);
            if (entry !== undefined && expected === undefined) entry.consumed = true;
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("binds a challenge to its user, modality and ceremony", async () => {
    const store = new ChallengeStore(createMemoryStorage(), "test:", createManualClock(0), TTL);
    await store.issue("for-ana", { ceremony: "registration", userId: "ana", modality: "iris" });
    expect(await store.consume("for-ana", { ceremony: "registration", userId: "bea", modality: "iris" })).toBe(
      "challenge_mismatch",
    );
    await store.issue("for-ana", { ceremony: "registration", userId: "ana", modality: "iris" });
    expect(await store.consume("for-ana", { ceremony: "authentication", userId: "ana", modality: "iris" })).toBe(
      "challenge_mismatch",
    );
    await store.issue("for-ana", { ceremony: "registration", userId: "ana", modality: "iris" });
    expect(await store.consume("for-ana", { ceremony: "registration", userId: "ana", modality: "iris" })).toBe(
      undefined,
    );
    expect(await store.consume("x".repeat(129), EXPECTED)).toBe("challenge_unknown");
  });
});
