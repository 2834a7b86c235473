import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gramMatrix } from "../../../src/recommendation/internal/ease-model";
import { InteractionMatrix } from "../../../src/recommendation/internal/interaction-matrix";
import {
  addHeldOutPairs,
  HOLD_OUT_SHARE,
  splitForValidation,
} from "../../../src/recommendation/internal/model-selection";

/** A matrix from each user's items in the order they were tracked. */
function matrixOf(histories: readonly (readonly number[])[]): InteractionMatrix {
  const matrix = new InteractionMatrix(0.5, undefined);
  histories.forEach((items, user) => {
    const userIndex = matrix.registerUser(`user-${user}`);
    for (const item of items) matrix.setStrength(userIndex, matrix.registerItem(`item-${item}`), 1);
  });
  return matrix;
}

const histories = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 2, maxLength: 20 }), {
  minLength: 10,
  maxLength: 30,
});

describe("splitForValidation", () => {
  it("latest: holds out each user's last-tracked items, the share rounded, at least one held and one kept", () => {
    fc.assert(
      fc.property(histories, (users) => {
        const split = splitForValidation(matrixOf(users), 0.5, "latest");
        expect(split?.heldOut.size).toBe(users.length);
        users.forEach((items, user) => {
          const count = Math.min(items.length - 1, Math.max(1, Math.round(HOLD_OUT_SHARE * items.length)));
          const expected = items.slice(items.length - count).map((item) => `item-${item}`);
          expect([...(split?.heldOut.get(`user-${user}`) ?? [])].sort()).toEqual(expected.sort());
          // The training matrix keeps exactly the earlier items.
          const train = split?.train.userRows[user]?.columns.map((item) => split.train.itemIds[item]);
          expect(train).toEqual(items.slice(0, items.length - count).map((item) => `item-${item}`));
        });
      }),
      { numRuns: 30 },
    );
  });

  it("an item interacted with again later keeps its first place: the latest are the items found last", () => {
    const users = Array.from({ length: 10 }, () => [1, 2, 3, 4, 5]);
    const matrix = matrixOf(users);
    // Every user views item 1 again at the end; it was known before 2–5, so it is not among the latest.
    for (let user = 0; user < 10; user += 1) matrix.setStrength(user, matrix.itemIndex.get("item-1") as number, 2);
    const split = splitForValidation(matrix, 0.5, "latest");
    for (const held of split?.heldOut.values() ?? []) expect([...held]).toEqual(["item-5"]);
  });

  it("random: holds out the same number of items per user, not always the latest, deterministically", () => {
    const users = Array.from({ length: 40 }, (_, user) => Array.from({ length: 10 }, (_, index) => user + index));
    const split = splitForValidation(matrixOf(users), 0.5, "random");
    const again = splitForValidation(matrixOf(users), 0.5, "random");
    expect(again?.heldOut).toEqual(split?.heldOut);
    let latestOnly = 0;
    users.forEach((items, user) => {
      const held = split?.heldOut.get(`user-${user}`) ?? new Set<string>();
      expect(held.size).toBe(2);
      if (held.has(`item-${items[9]}`) && held.has(`item-${items[8]}`)) latestOnly += 1;
    });
    expect(latestOnly).toBeLessThan(10);
  });

  it("returns undefined below ten users with two or more items", () => {
    expect(splitForValidation(matrixOf(Array.from({ length: 9 }, () => [1, 2])), 0.5, "latest")).toBeUndefined();
  });
});

describe("addHeldOutPairs", () => {
  it("turns the split's XᵀX into the whole matrix's, bit for bit, for binary and integer-weighted X", () => {
    fc.assert(
      fc.property(
        histories,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 7 }),
        fc.constantFrom("latest" as const, "random" as const),
        (users, strengths, holdOut) => {
          const matrix = matrixOf(users);
          // Integer strengths of varied size, so a term left out or added twice changes the sum.
          matrix.userRows.forEach((row, user) => {
            row.columns.forEach((item, position) => {
              matrix.setStrength(user, item, strengths[(user + position) % strengths.length] as number);
            });
          });
          const split = splitForValidation(matrix, 0.5, holdOut);
          if (split === undefined) throw new Error("ten or more users with two items always validate");
          const size = matrix.itemIds.length;
          for (const input of ["binary", "weighted"] as const) {
            const whole = gramMatrix(matrix.userRows, size, input);
            const fromSplit = addHeldOutPairs(
              gramMatrix(split.train.userRows, size, input),
              matrix,
              split.heldOutItems,
              input,
            );
            expect(Array.from(fromSplit)).toEqual(Array.from(whole));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
