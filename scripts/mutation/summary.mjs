// Reads Stryker's JSON report: prints the mutation score per file and overall, and writes the survivors
// (file:line:column, mutator, original and replacement) to reports/mutation/survivors.txt.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, relative } from "node:path"

const reportFile = process.argv[2] ?? "reports/mutation/mutation.json"
const minutes = process.argv.find((arg) => arg.startsWith("--minutes="))?.slice("--minutes=".length)
const survivorsFile = "reports/mutation/survivors.txt"
const report = JSON.parse(readFileSync(reportFile, "utf8"))

// As Stryker counts: killed and timed-out mutants are detected; compile and runtime errors are not valid
// mutants and, like ignored ones, are left out of the score.
const detected = new Set(["Killed", "Timeout"])
const undetected = new Set(["Survived", "NoCoverage"])
const score = (c) =>
  c.detected + c.undetected === 0 ? "n/a" : `${((100 * c.detected) / (c.detected + c.undetected)).toFixed(1)}%`
const empty = () => ({ mutants: 0, detected: 0, undetected: 0, survived: 0, noCoverage: 0, invalid: 0, ignored: 0 })

const oneLine = (text, max = 100) => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
const original = (source, { start, end }) => {
  const lines = source.split("\n").slice(start.line - 1, end.line)
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, end.column - 1)
  lines[0] = lines[0].slice(start.column - 1)
  return lines.join("\n")
}

const total = empty()
const rows = []
const survivors = []
for (const [path, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const name = relative(process.cwd(), path) || path
  const counts = empty()
  for (const mutant of file.mutants) {
    counts.mutants++
    if (detected.has(mutant.status)) counts.detected++
    else if (undetected.has(mutant.status)) {
      counts.undetected++
      if (mutant.status === "Survived") counts.survived++
      else counts.noCoverage++
      const { line, column } = mutant.location.start
      survivors.push(
        `${name}:${line}:${column}\t${mutant.mutatorName}${mutant.status === "NoCoverage" ? " (no test covers it)" : ""}${mutant.static ? " (static)" : ""}\t${oneLine(original(file.source, mutant.location))}  ->  ${oneLine(mutant.replacement ?? "")}`,
      )
    } else if (mutant.status === "Ignored") counts.ignored++
    else counts.invalid++
  }
  for (const key of Object.keys(total)) total[key] += counts[key]
  rows.push([name, counts])
}

const header = ["file", "mutants", "killed", "survived", "no cov", "errors", "ignored", "score"]
const line = (name, c) => [name, c.mutants, c.detected, c.survived, c.noCoverage, c.invalid, c.ignored, score(c)]
const table = [header, ...rows.map(([name, c]) => line(name, c)), line("all files", total)].map((r) => r.map(String))
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)))
const format = (r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")
console.log(`\n${format(table[0])}\n${widths.map((w) => "-".repeat(w)).join("  ")}`)
for (const r of table.slice(1, -1)) console.log(format(r))
console.log(`${widths.map((w) => "-".repeat(w)).join("  ")}\n${format(table.at(-1))}`)

mkdirSync(dirname(survivorsFile), { recursive: true })
writeFileSync(
  survivorsFile,
  [
    `# ${survivors.length} surviving mutants of ${total.mutants} (mutation score ${score(total)}), ${new Date().toISOString()}`,
    "# file:line:column<TAB>mutator<TAB>original  ->  replacement",
    ...survivors,
    "",
  ].join("\n"),
)
console.log(
  `\nmutation score ${score(total)}: ${total.detected} of ${total.detected + total.undetected} mutants killed${minutes ? ` in ${minutes} min` : ""}; ${survivors.length} survivors in ${survivorsFile}`,
)
if (total.ignored > 0)
  console.log(`${total.ignored} mutants ignored (static ones with --ignoreStatic): not in the score`)
