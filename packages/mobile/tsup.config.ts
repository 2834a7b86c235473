import { defineConfig } from "tsup";
import { libraryConfig } from "../../tsup.base";

export default defineConfig(
  libraryConfig({
    index: "src/index.ts",
    "node/index": "src/node/index.ts",
    "server/index": "src/server/index.ts",
    "storage/index": "src/storage/index.ts",
    "testing/index": "src/testing/index.ts",
  }),
);
