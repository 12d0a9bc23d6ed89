/**
 * The docs site (scripts/docs/site.ts, `pnpm docs:site`): every page of docs/ is in
 * the sidebar and linked from the landing page, every relative link of the pages
 * reaches a file, and TypeDoc converts the pages and the API reference of every
 * public module without a warning (a broken {@link}, a public type naming one no
 * public module exports, a link to a folder). The HTML is not written here.
 */
import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { assert, beforeAll, describe, expect, it } from "@effect/vitest"
import { ReflectionKind } from "typedoc"
import {
  convert,
  docPages,
  importName,
  indexPage,
  type Problems,
  publicPackages,
  sections,
  titleOf,
} from "../scripts/docs/site.ts"

const root = join(import.meta.dirname, "..")
const read = (file: string) => readFileSync(join(root, file), "utf8")

/** The relative link targets of a Markdown text, anchors and URLs aside, code blocks skipped. */
const relativeLinks = (text: string): ReadonlyArray<string> =>
  [...text.replaceAll(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "").matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split("#")[0]!)
    .filter((target) => target !== "" && !/^[a-z]+:/.test(target))

describe("the docs site", () => {
  const inSidebar = sections.flatMap((section) => section.pages)

  it("puts every page of docs/ in one sidebar section, and names no missing page", () => {
    const pages = docPages().filter((page) => page !== indexPage)
    expect([...inSidebar].sort()).toEqual([...pages].sort())
    expect(new Set(inSidebar).size).toBe(inSidebar.length)
  })

  it("links every sidebar page from the landing page", () => {
    const linked = new Set(relativeLinks(read(indexPage)).map((target) => join(dirname(indexPage), target)))
    expect(inSidebar.filter((page) => !linked.has(page))).toEqual([])
  })

  for (const page of docPages()) {
    it(`${page}: every relative link reaches a file`, () => {
      const missing = relativeLinks(read(page)).filter((target) => !existsSync(join(root, dirname(page), target)))
      expect(missing).toEqual([])
    })
  }

  it("names a module by its import name and a page by its heading", () => {
    const packages = publicPackages()
    assert.strictEqual(importName(packages, "packages/kernel/src/Text.ts"), "@cartable/kernel/Text")
    assert.strictEqual(
      importName(packages, "adapters/store-sql/src/SqlEventStoreDriver.ts"),
      "@cartable/store-sql/SqlEventStoreDriver",
    )
    assert.strictEqual(importName(packages, "tests/site.test.ts"), undefined)
    assert.strictEqual(titleOf("intro\n# The `cartable` command\n## Usage", "cli"), "The cartable command")
  })

  describe("TypeDoc's conversion", () => {
    let converted: Awaited<ReturnType<typeof convert>> = { warnings: [], errors: [] }
    beforeAll(async () => {
      converted = await convert()
    }, 240_000)

    it("reports no warning nor error", () => {
      const problems: Problems = { warnings: converted.warnings, errors: converted.errors }
      expect(problems).toEqual({ warnings: [], errors: [] })
    })

    it("documents every public module of every package under its import name", () => {
      const packages = publicPackages()
      const expected = packages.flatMap((pkg) => pkg.modules.map((module) => importName(packages, module)!))
      const modules = (converted.project?.getReflectionsByKind(ReflectionKind.Module) ?? []).map((m) => m.name)
      expect([...modules].sort()).toEqual([...expected].sort())
      assert.isAbove(expected.length, 100)
    })

    it("has every sidebar page as a document under its heading, in its section", () => {
      const documents = (converted.project?.getReflectionsByKind(ReflectionKind.Document) ?? []).filter((reflection) =>
        reflection.isDocument(),
      )
      const found = new Map(documents.map((document) => [document.name, document]))
      for (const section of sections) {
        for (const page of section.pages) {
          const document = found.get(titleOf(read(page), page))
          assert.isDefined(document, page)
          assert.strictEqual(document?.frontmatter["group"], section.title, page)
        }
      }
    })
  })
})
