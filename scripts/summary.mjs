// Prints vitest's JSON report as the plain closing line CI reads: "N passed, N failed".
import { readFileSync } from "node:fs"

const file = process.argv[2] ?? ".tmp/vitest.json"
try {
  const report = JSON.parse(readFileSync(file, "utf8"))
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  console.log(
    `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`,
  )
} catch (error) {
  console.log("0 passed, 1 failed")
  console.error(`No test report at ${file}: ${error}`)
}
