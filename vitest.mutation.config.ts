// The vitest config StrykerJS runs (`pnpm mutation`): the domain's own tests, against the sandbox's sources.
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// Inside Stryker's sandbox the workspace links (node_modules/@cartable/*) still point at the unmutated
// packages of the checkout, so every @cartable import is resolved to the sources beside this file.
const root = fileURLToPath(new URL(".", import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@cartable\/(domain|eventlog|kernel|testing)\/(.+)$/, replacement: `${root}packages/$1/src/$2.ts` },
    ],
  },
  test: {
    // Chosen here rather than with Stryker's `testFiles`, which makes every static mutant "survive" (9.6.1):
    // the tests of the two packages mutated.
    include: ["packages/domain/test/**/*.test.ts", "packages/kernel/test/**/*.test.ts"],
    setupFiles: ["scripts/mutation/fast-check-setup.ts"],
    reporters: [
      // Stryker's workers discard the default reporter's output: keep it only for a run by hand.
      ...(process.env.STRYKER_MUTATOR_WORKER === undefined ? ["default"] : []),
      "./scripts/mutation/load-guard-reporter.ts",
    ],
    testTimeout: 60_000,
  },
})
