import { readFileSync } from "node:fs"
import { join } from "node:path"
import { rules } from "@cartable/domain/Rules"
import { describe, expect, it } from "@effect/vitest"
import { testsByRule } from "../scripts/docs/generate.ts"
import { pages } from "../scripts/docs/pages.ts"

const root = join(import.meta.dirname, "..")

describe("generated docs", () => {
  for (const [file, content] of Object.entries(pages())) {
    it(`${file} is up to date (run pnpm docs)`, () => {
      expect(readFileSync(join(root, file), "utf8")).toBe(content)
    })
  }

  it("every rule of the implemented areas has a property test named after it", () => {
    const tests = testsByRule()
    const implemented = Object.keys(rules).filter((id) => implementedAreas.some((area) => id.startsWith(area)))
    expect(implemented.filter((id) => !tests.has(id))).toEqual([])
  })
})

// The areas of DOMAIN.md this repository implements so far.
const implementedAreas = ["BR-ACC-", "BR-GRP-", "BR-SIG-", "BR-CDT-"]
