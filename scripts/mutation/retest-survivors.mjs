// `node scripts/mutation/retest-survivors.mjs`: the base for `pnpm mutation --incremental` that reuses every
// killed mutant of the last report and tests every survivor again. Stryker 9.6.1 reuses a static survivor's
// result even when a new test would kill it (static mutants have no per-test coverage, so its incremental
// diff sees no new test covering them): dropping the survivors from the base makes Stryker test them anew.
import { readFileSync, writeFileSync } from "node:fs"

const report = process.argv[2] ?? "reports/mutation/mutation.json"
const base = "reports/stryker-incremental.json"
const json = JSON.parse(readFileSync(report, "utf8"))
let dropped = 0
for (const file of Object.values(json.files)) {
  const kept = file.mutants.filter((mutant) => mutant.status !== "Survived" && mutant.status !== "NoCoverage")
  dropped += file.mutants.length - kept.length
  file.mutants = kept
}
writeFileSync(base, JSON.stringify(json))
console.log(`${base}: ${dropped} survivors left out, to be tested again by pnpm mutation --incremental`)
