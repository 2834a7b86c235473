import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

const PACKAGES = ["core", "mobile", "integrations", "analytics", "ml"];
// Resolve workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@pelbiot/source"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // One worker more than there are cores: many test files wait on child processes, servers and files, and the
    // default (one fewer than the cores) left one of CI's two cores idle. 2 cores: 2 min 35 s before, 2 min after.
    maxWorkers: availableParallelism() + 1,
    // Property-based and model-based tests run for seconds on a busy 2-core machine; 5 s (the default) failed a few of
    // them under load without anything being wrong. A hang still fails, after 20 s.
    testTimeout: 20_000,
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
          // Only the type tests and what they import: the whole package is type-checked by `pnpm typecheck`, and
          // checking it again here cost about 80 s of CPU per run.
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.type-tests.json" },
        },
      })),
      // The guide's examples, run as they are published (through the packages' public entry points).
      { extends: true, test: { name: "examples", root: "examples/guide", include: ["test/**/*.test.ts"] } },
      // Cross-package contracts: what every package must do the same way.
      { extends: true, test: { name: "contracts", root: ".", include: ["test/**/*.test.ts"] } },
    ],
  },
});
