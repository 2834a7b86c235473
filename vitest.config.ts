import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

const PACKAGES = ["core", "mobile", "integrations", "analytics", "ml"];
// Resolve workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@pelbiot/source"];

/**
 * Test files that replace a module with `vi.mock`, per package (paths from the package's root). They run in a fresh
 * module graph each (vitest's default isolation): in a shared one, the module they mock may already have been loaded
 * for real by an earlier file, and they would then test the real module instead. A new file that uses `vi.mock`,
 * `vi.doMock` or changes the global state a module reads at import time belongs here.
 */
const ISOLATED: Readonly<Record<string, readonly string[]>> = {
  core: ["test/node/file-storage-without-links.test.ts", "test/postgres/postgres-storage-without-driver.test.ts"],
};

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
      ...PACKAGES.flatMap((name) => {
        const isolated = ISOLATED[name] ?? [];
        const shared = {
          extends: true,
          test: {
            name,
            root: `packages/${name}`,
            include: ["test/**/*.test.ts"],
            exclude: [...configDefaults.exclude, ...isolated],
            passWithNoTests: true,
            // A worker imports the package's sources once and runs file after file on them, instead of importing
            // them again for every file (about a third of the suite's CPU time went to those imports). Every file
            // still gets its own test module, hooks and servers; the tests restore what they change in globals.
            isolate: false,
          },
        };
        if (isolated.length === 0) return [shared];
        return [
          shared,
          { extends: true, test: { name: `${name}-isolated`, root: `packages/${name}`, include: [...isolated] } },
        ];
      }),
      // The type tests of every package in one TypeScript program: each package's program also checked core (and
      // what else it imports) again, five times per run; `pnpm typecheck` checks the whole packages.
      {
        extends: true,
        test: {
          name: "types",
          root: ".",
          include: [],
          passWithNoTests: true,
          typecheck: {
            enabled: true,
            only: true,
            include: ["packages/*/test/**/*.test-d.ts"],
            tsconfig: "./tsconfig.type-tests.json",
          },
        },
      },
      // The guide's examples, run as they are published (through the packages' public entry points).
      { extends: true, test: { name: "examples", root: "examples/guide", include: ["test/**/*.test.ts"] } },
      // Cross-package contracts: what every package must do the same way.
      { extends: true, test: { name: "contracts", root: ".", include: ["test/**/*.test.ts"] } },
    ],
  },
});
