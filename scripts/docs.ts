/**
 * Writes the generated pages of docs/: `pnpm run docs`. `--check` exits non-zero
 * when a committed page differs from what the code generates.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { pages } from "./docs/pages.ts"

const check = process.argv.includes("--check")
let stale = 0
for (const [file, content] of Object.entries(pages())) {
  const path = join(import.meta.dirname, "..", file)
  let current = ""
  try {
    current = readFileSync(path, "utf8")
  } catch {}
  if (current === content) continue
  if (check) {
    console.error(`${file} is stale: run pnpm run docs`)
    stale++
  } else {
    writeFileSync(path, content)
    console.log(`wrote ${file}`)
  }
}
process.exit(stale === 0 ? 0 : 1)
