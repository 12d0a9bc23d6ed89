// More of the contract of Contract.test.ts: the brands that keep one named type from standing for another,
// each event's tag against the name it is catalogued under, and a stored comment's limit message.
import * as Credentials from "@cartable/domain/Credentials"
import * as Domain from "@cartable/domain/Domain"
import * as Ids from "@cartable/domain/Ids"
import * as ReportEvents from "@cartable/domain/ReportEvents"
import * as SchoolYear from "@cartable/domain/SchoolYear"
import * as Uai from "@cartable/domain/Uai"
import * as Decider from "@cartable/kernel/Decider"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

const branded: ReadonlyArray<readonly [Schema.Schema.AnyNoContext, string]> = [
  [Credentials.OneTimeCode, "OneTimeCode"],
  [Credentials.Login, "Login"],
  [SchoolYear.SchoolYear, "SchoolYear"],
  [SchoolYear.LocalDate, "LocalDate"],
  [Uai.Uai, "Uai"],
  [Ids.AccountId, "AccountId"],
]

describe("brands", () => {
  for (const [schema, brand] of branded) {
    it(`${brand} carries its brand`, () => {
      expect(Option.getOrUndefined(AST.getBrandAnnotation(schema.ast))).toEqual([brand])
    })
  }
})

describe("the events", () => {
  it("each event's tag is the name it is catalogued under", () => {
    for (const [name, definition] of Object.entries(Domain.events)) {
      const schema = Decider.schemaOf(definition)
      const ast = AST.isTransformation(schema.ast) ? schema.ast.to : schema.ast
      assert.ok(AST.isTypeLiteral(ast))
      const tag = ast.propertySignatures.find((p) => p.name === "_tag")
      assert.ok(tag !== undefined && AST.isLiteral(tag.type))
      expect(tag.type.literal).toBe(name)
    }
  })

  it("a stored report's comment over its limit is refused with the field named", () => {
    const reported = {
      _tag: "ContentReported",
      reportId: "report-1",
      location: { structureId: "0571994H" },
      content: { kind: "Message", contentId: "msg-1" },
      reportedBy: "pupil-1",
      reportedAt: "2026-09-14T08:00:00.000Z",
      recipients: [],
      withdrawal: "StopMessageDelivery",
    }
    const issues = (input: unknown) =>
      Either.match(Schema.decodeUnknownEither(ReportEvents.ContentReported)(input), {
        onLeft: (error) => ParseResult.ArrayFormatter.formatErrorSync(error).map((i) => [i.path.join("."), i.message]),
        onRight: () => [],
      })
    expect(issues({ ...reported, comment: "x".repeat(2_000) })).toEqual([])
    expect(issues({ ...reported, comment: "x".repeat(2_001) })).toContainEqual([
      "comment",
      "a comment is at most 2000 characters",
    ])
  })
})
