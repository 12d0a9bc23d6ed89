/**
 * Every ts block of the docs compiles (scripts/docs/snippets.ts): a snippet that
 * cannot run teaches the wrong API. All blocks are compiled in one program.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, beforeAll, describe, expect, it } from "@effect/vitest"
import { docSnippets, isExcerptOf, type Snippet, snippetsOf, typecheck } from "../scripts/docs/snippets.ts"

const root = join(import.meta.dirname, "..")
const snippets = docSnippets()

// A doc with a broken block, compiled with the real ones: the test of the test.
const broken = snippetsOf(
  "broken-on-purpose.md",
  [
    "# A page",
    "",
    "```ts",
    'import * as Account from "@cartable/domain/Account"',
    "",
    "const n: number = Account.initialState",
    "```",
    "",
  ].join("\n"),
)

describe("the ts blocks of the docs", () => {
  let diagnostics: ReadonlyMap<Snippet, ReadonlyArray<string>> = new Map()
  beforeAll(() => {
    diagnostics = typecheck([...snippets, ...broken])
  }, 120_000)

  it("are found in README.md and docs/", () => {
    const files = new Set(snippets.map((snippet) => snippet.file))
    for (const file of ["README.md", "docs/testing.md", "docs/domain.md"]) assert.isTrue(files.has(file), file)
  })

  for (const snippet of snippets) {
    const where = `${snippet.file}:${snippet.line}`
    switch (snippet.check._tag) {
      case "Compile":
        it(`${where} compiles`, () => {
          expect(diagnostics.get(snippet)).toEqual([])
        })
        break
      case "Excerpt": {
        const { source } = snippet.check
        it(`${where} is code of ${source}, which the typecheck compiles`, () => {
          assert.match(source, /\.ts$/)
          assert.isTrue(
            isExcerptOf(snippet, readFileSync(join(root, source), "utf8")),
            `${where} drifted from ${source}`,
          )
        })
        break
      }
      case "NoCheck":
        break
    }
  }

  it("a broken block fails with the doc's file and line", () => {
    assert.strictEqual(broken.length, 1)
    const [message, ...rest] = diagnostics.get(broken[0]!) ?? []
    assert.deepStrictEqual(rest, [])
    assert.match(message ?? "", /^broken-on-purpose\.md:6:7 TS2322: Type '.*' is not assignable to type 'number'/)
  })

  it("an unknown attribute of a block is refused, not skipped", () => {
    assert.throws(
      () => snippetsOf("fixture.md", "```ts nocheck\nconst x = 1\n```\n"),
      /fixture\.md:1: unknown attribute/,
    )
  })

  it("an excerpt drifts when its code is not in the source", () => {
    const [excerpt] = snippetsOf("fixture.md", "```ts excerpt=a.ts\nimport * as X from 'x'\nconst a =   1\n```\n")
    assert.isTrue(isExcerptOf(excerpt!, "import * as Y from 'y'\nconst a = 1\nconst b = 2\n"))
    assert.isFalse(isExcerptOf(excerpt!, "const a = 2\n"))
  })
})
