import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { configDefaults, defineConfig, type TestProjectConfiguration } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

const PACKAGES = ["core", "mobile", "integrations", "analytics", "ml"];
// Resolve workspace packages to their TypeScript sources, so tests need no build.
const conditions = ["@pelbiot/source"];

/**
 * Test files that replace a module with `vi.mock` or `vi.doMock`, per package (paths from the package's root), found
 * by reading the files so a new one cannot be forgotten. They run in a fresh module graph each (vitest's default
 * isolation): in a shared one, the module they mock may already have been loaded for real by an earlier file, and
 * they would then test the real module instead. (A file that changed global state a module reads at import time
 * would need the same; none does.)
 */
const MOCKS_A_MODULE = /\bvi\.(?:do)?[mM]ock\(/;
function isolatedFiles(name: string): string[] {
  const root = `packages/${name}`;
  const mocking = readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
    .map((file) => `test/${file.split("\\").join("/")}`)
    .filter((file) => file.endsWith(".test.ts") && MOCKS_A_MODULE.test(readFileSync(join(root, file), "utf8")));
  return mocking.sort();
}

/**
 * The slowest test files, slowest first (their seconds in a run of the whole suite at load average 10, about twice
 * their time on a quiet machine), from the repository's root. They start before everything else, so the rest of the
 * suite fills the workers around them and no long file starts last. Vitest orders by the durations of the previous
 * run, but a fresh clone (CI) has none and falls back to file size, which started the sync simulations last and left
 * one core idle for their final 15 s. (A file missing here, e.g. renamed, just loses its head start.)
 */
const SLOWEST_FILES = [
  "packages/integrations/test/webhooks/webhook-processes-postgres.test.ts", // 39 s, half of it waiting for leases to end
  "packages/mobile/test/testing/run-sync-simulation.test.ts", // 33 s
  "packages/mobile/test/testing/run-sync-simulation-manual.test.ts", // 25 s
  "packages/mobile/test/sync/sync-coordinator-processes-redis.test.ts", // 23 s
  "packages/mobile/test/testing/run-sync-simulation-strategies.test.ts", // 18 s
  "packages/core/test/node/file-storage.test.ts", // 18 s
  "packages/core/test/node/file-storage-processes.test.ts", // 17 s
  "packages/ml/test/forecasting/arima/auto-arima.test.ts", // 12 s
  "packages/core/test/postgres/postgres-storage.test.ts", // 12 s
  "packages/ml/test/classification/logistic-fallback.test.ts", // 11 s
  "packages/ml/test/recommendation/recommendation-engine.reference.test.ts", // 10 s
  "packages/integrations/test/webhooks/webhook-postgres-restart.test.ts", // 10 s
  "packages/ml/test/forecasting/time-series-forecasting-engine-arima.test.ts", // 9 s
  "packages/ml/test/internal/dense-kernels.test.ts", // 8 s
  "packages/ml/test/anomaly/score-nab.test.ts", // 8 s
  "packages/mobile/test/testing/run-sync-simulation-resolvers.test.ts", // 8 s
  "packages/ml/test/recommendation/internal/cholesky.test.ts", // 8 s
  "packages/mobile/test/testing/run-sync-simulation-field-merge.test.ts", // 7 s
  "packages/integrations/test/webhooks/delivery-queue-paging.test.ts", // 7 s
  "packages/core/test/node/file-storage-without-links.test.ts", // 7 s
  "examples/guide/test/guide-examples.test.ts", // 6 s
];

/** Vitest's order (a project's files together, the previous run's slowest first), with {@link SLOWEST_FILES} ahead. */
class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const index = SLOWEST_FILES.indexOf(relative(this.ctx.config.root, file.moduleId).split("\\").join("/"));
      return index === -1 ? SLOWEST_FILES.length : index;
    };
    const ranked = sorted.map((file, index) => ({ file, index, rank: rank(file) }));
    return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map(({ file }) => file);
  }
}

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    // One worker more than there are cores: many test files wait on child processes, servers and files, and the
    // default (one fewer than the cores) left one of CI's two cores idle. 2 cores: 2 min 35 s before, 2 min after.
    maxWorkers: availableParallelism() + 1,
    // Worker threads rather than child processes (vitest's default): a little less CPU for the same tests (230 s
    // against 237 s of user + system time on 2 quiet cores, 200 s against 238 s at load 5-8), mostly process start-up.
    // Nothing here needs a process of its own: the tests that do (crashes, lease holders) spawn their own children.
    pool: "threads",
    // Property-based and model-based tests run for seconds on a busy 2-core machine; 5 s (the default) failed a few of
    // them under load without anything being wrong. A hang still fails, after 20 s.
    testTimeout: 20_000,
    sequence: { sequencer: SlowestFirstSequencer },
    // Keeps the transformed sources in node_modules/.experimental-vitest-cache, so a second run (and a single file
    // run afterwards) does not transform them again: 0.6 s of CPU less for one integrations test file. A fresh clone
    // has no cache; `vitest --clearCache` deletes it.
    experimental: { fsModuleCache: true },
    // The JSON report feeds the "N passed, N failed" line that CI reads.
    reporters: ["default", ["json", { outputFile: "vitest-report.json" }]],
    projects: [
      ...PACKAGES.flatMap((name): TestProjectConfiguration[] => {
        const isolated = isolatedFiles(name);
        const shared: TestProjectConfiguration = {
          extends: true,
          test: {
            name,
            root: `packages/${name}`,
            include: ["test/**/*.test.ts"],
            exclude: [...configDefaults.exclude, ...isolated],
            // A worker imports the package's sources once and runs file after file on them, instead of importing
            // them again for every file (those imports took about 30 % of the CPU time of the core, mobile and ml
            // tests). Every file still gets its own test module, hooks and servers; the tests restore what they
            // change in globals.
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
