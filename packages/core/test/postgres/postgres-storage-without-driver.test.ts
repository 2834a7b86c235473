import { describe, expect, it, vi } from "vitest";
import { createPostgresStorage } from "../../src/postgres/postgres-storage";
import { expectPelbiotErrorAsync } from "../../src/testing/expect-pelbiot-error";

// As in an app that did not install the optional peer dependency: loading `pg` fails.
vi.mock("pg", () => {
  throw new Error("Cannot find package 'pg'");
});

describe("createPostgresStorage without the pg package", () => {
  it("creates the adapter, and fails its first call with CONFIGURATION_ERROR naming the missing package", async () => {
    const storage = createPostgresStorage({ connectionString: "postgres://postgres@127.0.0.1:1/postgres" });
    const error = await expectPelbiotErrorAsync(() => storage.getItem("key"), "CONFIGURATION_ERROR");
    expect(error.message).toBe(
      "createPostgresStorage was given a connectionString, which needs the pg package: install it (npm install pg) " +
        "or pass your own pool.",
    );
    expect(error.cause).toBeInstanceOf(Error);
    // The failure does not stick: every call reports it again rather than hanging.
    await expectPelbiotErrorAsync(() => storage.keys(), "CONFIGURATION_ERROR");
    await storage.dispose?.();
  });

  it("works with a pool passed in, without ever loading pg", async () => {
    const statements: string[] = [];
    const pool = {
      async query(text: string) {
        statements.push(text);
        return { rows: [], rowCount: 0 };
      },
    };
    const storage = createPostgresStorage({ pool });
    expect(await storage.getItem("key")).toBeNull();
    expect(statements).toHaveLength(2);
    expect(statements[0]).toContain('CREATE TABLE IF NOT EXISTS "public"."pelbiot_storage"');
  });
});
