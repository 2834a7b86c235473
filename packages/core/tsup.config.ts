import { defineConfig } from "tsup";
import { libraryConfig } from "../../tsup.base";

export default defineConfig(
  libraryConfig({
    index: "src/index.ts",
    "node/index": "src/node/index.ts",
    "testing/index": "src/testing/index.ts",
    "postgres/index": "src/postgres/index.ts",
    "redis/index": "src/redis/index.ts",
  }),
);
