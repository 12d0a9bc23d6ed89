// `pnpm mutation [file ...] [stryker options]`: StrykerJS over packages/domain/src and packages/kernel/src (or the files given),
// then the score per file and the survivors (scripts/mutation/summary.mjs).
import { spawnSync } from "node:child_process"
import { existsSync, rmSync } from "node:fs"

const report = "reports/mutation/mutation.json"
const args = process.argv.slice(2)
// Paths (globs, `file.ts:10-40` ranges) and `--mutate` values are what to mutate; anything else goes to Stryker
// as is, in order (`--concurrency 1`, `--ignoreStatic`, `--incremental`).
const isPath = (arg) => arg.includes("/") || arg.includes("*") || /\.[cm]?[jt]s(:[\d:-]+)?$/.test(arg)
const files = []
const options = []
for (let i = 0; i < args.length; i++) {
  const arg = args[i]
  if (arg === "--") continue
  if (arg === "--mutate" || arg === "-m") files.push(...(args[++i] ?? "").split(","))
  else if (arg.startsWith("--mutate=")) files.push(...arg.slice("--mutate=".length).split(","))
  else if (!arg.startsWith("-") && isPath(arg)) files.push(arg)
  else options.push(arg)
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
