// `pnpm mutation [file ...] [--tests=glob,...] [stryker options]`: StrykerJS over packages/domain/src and
// packages/kernel/src (or the files given) against the tests of the packages mutated (or the test files given),
// then the score per file and the survivors (scripts/mutation/summary.mjs).
import { spawnSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"

const report = "reports/mutation/mutation.json"
const args = process.argv.slice(2)
// Paths (globs, `file.ts:10-40` ranges) and `--mutate` values are what to mutate; anything else goes to Stryker
// as is, in order (`--concurrency 1`, `--ignoreStatic`, `--incremental`).
const isPath = (arg) => arg.includes("/") || arg.includes("*") || /\.[cm]?[jt]s(:[\d:-]+)?$/.test(arg)
const files = []
const tests = []
const options = []
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === "--") continue
  if (arg === "--mutate" || arg === "-m") files.push(...(args[++i] ?? "").split(","))
  else if (arg.startsWith("--mutate=")) files.push(...arg.slice("--mutate=".length).split(","))
  else if (arg === "--tests") tests.push(...(args[++i] ?? "").split(","))
  else if (arg.startsWith("--tests=")) tests.push(...arg.slice("--tests=".length).split(","))
  else if (!arg.startsWith("-") && isPath(arg)) files.push(arg)
  else options.push(arg)
}
if (files.length > 0) options.push("--mutate", files.join(","))
// The tests run (vitest.mutation.config.ts reads them): those given, else every test of each package mutated
// (`packages/<name>/src/...` -> `packages/<name>/test/**/*.test.ts`), else the domain's and the kernel's (the
// domain's tests also run the kernel's code).
const core = new Set(["domain", "kernel"])
const packages = [...new Set(files.map((file) => /^packages\/([^/]+)\//.exec(file)?.[1]).filter(Boolean))].filter(
  (name) => !core.has(name),
)
const globs = tests.length > 0 ? tests : packages.map((name) => `packages/${name}/test/**/*.test.ts`)
const env = globs.length > 0 ? { ...process.env, CARTABLE_MUTATION_TESTS: globs.join(",") } : process.env

// A stale report must not be summarised as if it were this run's.
rmSync(report, { force: true })
const started = Date.now()
const stryker = spawnSync("node_modules/.bin/stryker", ["run", "stryker.config.mjs", ...options], {
  stdio: "inherit",
  env,
})
const minutes = ((Date.now() - started) / 60_000).toFixed(1)
if (!existsSync(report)) {
  console.error(`Stryker wrote no report (exit ${stryker.status ?? stryker.signal}).`)
  process.exit(stryker.status || 1)
}
const summary = spawnSync("node", ["scripts/mutation/summary.mjs", report, `--minutes=${minutes}`], {
  stdio: "inherit",
})
process.exit(stryker.status || summary.status || 0)
