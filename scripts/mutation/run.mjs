// `pnpm mutation [file ...] [stryker options]`: StrykerJS over packages/domain/src (or the files given),
// then the score per file and the survivors (scripts/mutation/summary.mjs).
import { spawnSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"

const report = "reports/mutation/mutation.json"
const args = process.argv.slice(2)
// Bare paths (optionally with a :line-line range) are what to mutate; anything else goes to Stryker as is.
const files = []
const options = []
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === "--") continue
  if (arg.startsWith("-")) {
    options.push(arg)
    if (!arg.includes("=") && args[i + 1] !== undefined && !args[i + 1].startsWith("-")) options.push(args[++i])
  } else files.push(arg)
}
if (files.length > 0) options.push("--mutate", files.join(","))

// A stale report must not be summarised as if it were this run's.
rmSync(report, { force: true })
const started = Date.now()
const stryker = spawnSync("node_modules/.bin/stryker", ["run", "stryker.config.mjs", ...options], { stdio: "inherit" })
const minutes = ((Date.now() - started) / 60_000).toFixed(1)
if (!existsSync(report)) {
  console.error(`Stryker wrote no report (exit ${stryker.status ?? stryker.signal}).`)
  process.exit(stryker.status || 1)
}
const summary = spawnSync("node", ["scripts/mutation/summary.mjs", report, `--minutes=${minutes}`], {
  stdio: "inherit",
})
process.exit(stryker.status || summary.status || 0)
