import { defineConfig } from "vitest/config";

const PACKAGES = ["core", "mobile", "integrations", "analytics", "ml"];
// Resolve workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@pelbiot/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // The JSON report feeds the "N passed, N failed" line that CI reads.
    reporters: ["default", ["json", { outputFile: "vitest-report.json" }]],
    projects: [
      ...PACKAGES.map((name) => ({
        extends: true,
        test: {
          name,
          root: `packages/${name}`,
          include: ["test/**/*.test.ts"],
          passWithNoTests: true,
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      })),
      // Cross-package contracts: what every package must do the same way.
      { extends: true, test: { name: "contracts", root: ".", include: ["test/**/*.test.ts"] } },
    ],
  },
});
