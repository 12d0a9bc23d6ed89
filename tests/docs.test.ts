import { readFileSync } from "node:fs"
import { join } from "node:path"
import { rules } from "@cartable/domain/Rules"
import { describe, expect, it } from "@effect/vitest"
import { testNames, testsByRule } from "../scripts/docs/generate.ts"
import { pages } from "../scripts/docs/pages.ts"

const root = join(import.meta.dirname, "..")

describe("generated docs", () => {
  for (const [file, content] of Object.entries(pages())) {
    it(`${file} is up to date (run pnpm run docs)`, () => {
      expect(readFileSync(join(root, file), "utf8")).toBe(content)
    })
  }

  it("every rule of the implemented areas has a property test named after it", () => {
    const tests = testsByRule()
    const implemented = Object.keys(rules).filter((id) => implementedAreas.some((area) => id.startsWith(area)))
    expect(implemented.filter((id) => !tests.has(id))).toEqual([])
  })

  it("test names are read whole, whatever their quotes, escapes or template", () => {
    const source = [
      `it("BR-ACC-5 the pupil's class", () => {})`,
      `it.effect.prop('BR-ACC-5 the \\'quoted\\' \\\\ one', [], () => {})`,
      "test(`BR-GRP-3 Chef d'établissement and \\`ticks\\``, () => {})",
      `it.prop(\n  \`BR-CDT-2 a visa on \${kind}'s sessions\`,\n  [],\n  () => {},\n)`,
      `describe("BR-ACC-1 not a test", () => {})`,
    ].join("\n")
    expect(testNames("fixture.test.ts", source)).toEqual([
      "BR-ACC-5 the pupil's class",
      "BR-ACC-5 the 'quoted' \\ one",
      "BR-GRP-3 Chef d'établissement and `ticks`",
      `BR-CDT-2 a visa on \${kind}'s sessions`,
    ])
  })

  it("the business-rules page keeps a test name past its apostrophe", () => {
    expect(readFileSync(join(root, "docs/business-rules.md"), "utf8")).toContain(
      "BR-GRP-6 a manual unassignment of a feed membership is rejected; manual ones are the administrator's\n",
    )
  })
})

// The areas of DOMAIN.md this repository implements so far.
const implementedAreas = ["BR-ACC-", "BR-GRP-", "BR-SIG-", "BR-CDT-", "BR-RUB-"]
