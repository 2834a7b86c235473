import { defineConfig } from "vitest/config";

const PACKAGES = ["core", "mobile", "integrations", "analytics", "ml"];
// Resolve workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@pelbiot/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: PACKAGES.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ["test/**/*.test.ts"],
        typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
      },
    })),
  },
});
