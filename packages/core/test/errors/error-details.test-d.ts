import { describe, expectTypeOf, it } from "vitest";
import type { PelbiotErrorDetails, PelbiotErrorDetailsOf } from "../../src/errors/error-details";

describe("PelbiotErrorDetails types", () => {
  it("names the shared details keys of each documented code", () => {
    expectTypeOf<PelbiotErrorDetails["LIMIT_EXCEEDED"]>().toHaveProperty("limit").toEqualTypeOf<number>();
    expectTypeOf<PelbiotErrorDetails["LIMIT_EXCEEDED"]>().toHaveProperty("got").toEqualTypeOf<number>();
    expectTypeOf<PelbiotErrorDetails["INSUFFICIENT_DATA"]>().toHaveProperty("need").toEqualTypeOf<number>();
    expectTypeOf<PelbiotErrorDetails["NOT_FOUND"]>().toHaveProperty("id").toEqualTypeOf<string>();
  });

  it("accepts extra keys, rejects missing ones, and leaves other codes open", () => {
    expectTypeOf({ got: 3, need: 10, model: "cpu" }).toExtend<PelbiotErrorDetailsOf<"INSUFFICIENT_DATA">>();
    expectTypeOf({ limit: 10 }).not.toExtend<PelbiotErrorDetailsOf<"LIMIT_EXCEEDED">>();
    expectTypeOf({ quarantineKey: "x" }).not.toExtend<PelbiotErrorDetailsOf<"NOT_FOUND">>();
    expectTypeOf({ directory: "/data" }).toExtend<PelbiotErrorDetailsOf<"STORAGE_ERROR">>();
  });
});
