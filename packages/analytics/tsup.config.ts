import { defineConfig } from "tsup";
import { libraryConfig } from "../../tsup.base";

export default defineConfig(
  libraryConfig({ index: "src/index.ts", "universal/index": "src/universal/index.ts" }, [/^d3-/, "internmap"]),
);
