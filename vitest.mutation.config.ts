// The vitest config StrykerJS runs (`pnpm mutation`): the tests of the packages mutated, against the sandbox's sources.
import { readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// Inside Stryker's sandbox the workspace links (node_modules/@cartable/*) still point at the unmutated
// packages of the checkout, so every @cartable import is resolved to the sources beside this file: a
// package of packages/ or an adapter of adapters/.
const root = fileURLToPath(new URL(".", import.meta.url))
const sources = (folder: string) => ({
  find: new RegExp(`^@cartable\\/(${readdirSync(`${root}${folder}`).join("|")})\\/(.+)$`),
  replacement: `${root}${folder}/$1/src/$2.ts`,
})

// The test files run: CARTABLE_MUTATION_TESTS (comma-separated globs, set by scripts/mutation/run.mjs from
// the files mutated), by default the domain's and the kernel's.
const tests = (
  process.env.CARTABLE_MUTATION_TESTS ?? "packages/domain/test/**/*.test.ts,packages/kernel/test/**/*.test.ts"
)
  .split(",")
  .filter((glob) => glob !== "")

export default defineConfig({
  resolve: {
    alias: [sources("packages"), sources("adapters")],
  },
  test: {
    // Chosen here rather than with Stryker's `testFiles`, which makes every static mutant "survive" (9.6.1).
    include: tests,
    setupFiles: ["scripts/mutation/fast-check-setup.ts"],
    reporters: [
      // Stryker's workers discard the default reporter's output: keep it only for a run by hand.
      ...(process.env.STRYKER_MUTATOR_WORKER === undefined ? ["default"] : []),
      "./scripts/mutation/load-guard-reporter.ts",
    ],
    testTimeout: 60_000,
  },
})
