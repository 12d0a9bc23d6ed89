// The rules people read (docs/business-rules.md, committed and reviewed: each rule's id, title and the seeds
// it comes from) are the rules the domain names in its refusals. The test lists of that page depend on every
// package's tests and are checked by tests/docs.test.ts; this reads only the rules, in the domain's own suite.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { RuleId, rules } from "@cartable/domain/Rules"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

const page = readFileSync(join(import.meta.dirname, "..", "..", "..", "docs/business-rules.md"), "utf8")
const documented = [...page.matchAll(/^## (\S+): (.+)\n\nSource: (.+)\.$/gm)].map(([, id, title, source]) => ({
  id,
  title,
  source,
}))

describe("the rule catalogue", () => {
  it("has the rules of docs/business-rules.md, in its order, with their titles and sources", () => {
    expect(documented.length).toBeGreaterThan(40)
    expect(Object.entries(rules).map(([id, rule]) => ({ id, title: rule.title, source: rule.source }))).toEqual(
      documented,
    )
  })

  it("a rule id is one of them and nothing else", () => {
    for (const { id } of documented) expect(Either.isRight(Schema.decodeUnknownEither(RuleId)(id))).toBe(true)
    for (const id of ["", "BR-ACC-0", "BR-ACC-13", "br-acc-1"])
      expect(Either.isLeft(Schema.decodeUnknownEither(RuleId)(id))).toBe(true)
  })
})
