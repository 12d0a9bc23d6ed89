// StrykerJS over the domain core and its kernel: `pnpm mutation [file ...]` (scripts/mutation/run.mjs). See docs/testing.md.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // The domain tests are picked by this vitest config, not by Stryker's `testFiles` (see the config).
  vitest: { configFile: "vitest.mutation.config.ts", related: true },
  mutate: ["packages/domain/src/**/*.ts", "packages/kernel/src/**/*.ts"],
  coverageAnalysis: "perTest",
  // Static mutants (top-level Schema definitions, constants) are kept: see docs/testing.md.
  ignoreStatic: false,
  // The machine has 2 cores.
  concurrency: 2,
  // Generous: on 2 shared cores a run of every test can take 25 s, and a mutant that only ran slowly must not
  // count as killed by a "timeout" (hit counters still stop real infinite loops early).
  timeoutMS: 60_000,
  timeoutFactor: 2,
  // Only what the domain tests load goes into the sandboxes: of docs/, the two generated pages that
  // packages/domain/test/EventCatalogue.test.ts and RuleCatalogue.test.ts compare with the code.
  ignorePatterns: [
    "/.stryker-tmp*",
    "/adapters",
    "/bench",
    "/examples",
    // The AAF example export the feeds' tests import (packages/feeds/test).
    "!/examples/aaf-export",
    "/tests",
    "/docs/*",
    "!/docs/events.md",
    "!/docs/business-rules.md",
    "/reports",
    "/coverage",
    "/.tmp",
    "*.db*",
  ],
  tempDirName: ".stryker-tmp",
  reporters: ["progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  thresholds: { high: 90, low: 80, break: null },
}
