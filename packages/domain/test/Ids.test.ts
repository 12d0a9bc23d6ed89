import * as Ids from "@cartable/domain/Ids"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

// Written out by hand: what each id is called in errors and described as in its JSON Schema.
const expected = {
  AccountId: "An account's id",
  StructureId: "A structure's id",
  GroupId: "A class's or group's stable id",
  ReportId: "A report's id",
  HomeworkBookId: "A homework book's id",
  SessionId: "A session's id",
  SubjectCode: "A subject's code",
  InspectionId: "An inspection's id",
} as const
type Name = keyof typeof expected
const names = Object.keys(expected) as ReadonlyArray<Name>
const schemas: Readonly<Record<Name, Schema.Schema.AnyNoContext>> = {
  AccountId: Ids.AccountId,
  StructureId: Ids.StructureId,
  GroupId: Ids.GroupId,
  ReportId: Ids.ReportId,
  HomeworkBookId: Ids.HomeworkBookId,
  SessionId: Ids.SessionId,
  SubjectCode: Ids.SubjectCode,
  InspectionId: Ids.InspectionId,
}
const schemaOf = (name: Name) => schemas[name]
const nameArb = FastCheck.constantFrom(...names)

const MAX = 128
// Characters ids are made of in practice: feed codes, UAIs, uuids, `system:aaf`, `0571994H$6A`, accented labels.
const idChar = FastCheck.constantFrom(..."abcXYZ0189-_.:$@/é".split(""))
const inner = FastCheck.constantFrom(..."abcXYZ0189-_.:$@/é ".split(""))
/** Ids of 1 to 128 characters that start and end with a non-space. */
const validId = FastCheck.oneof(
  idChar.map((c) => c),
  FastCheck.tuple(idChar, FastCheck.array(inner, { maxLength: MAX - 2 }), idChar).map(
    ([first, middle, last]) => `${first}${middle.join("")}${last}`,
  ),
  FastCheck.constant("x".repeat(MAX)),
)

const decode = (name: Name, input: unknown) => Schema.decodeUnknownEither(schemaOf(name))(input)

describe("Ids", () => {
  it.prop("every id accepts a trimmed string of 1 to 128 characters, unchanged", [nameArb, validId], ([name, id]) => {
    const result = decode(name, id)
    assert.ok(Either.isRight(result), `${name} ${JSON.stringify(id)}`)
    assert.strictEqual(result.right, id)
  })

  it.prop(
    "every id refuses the empty string, blanks, surrounding whitespace and more than 128 characters, naming itself",
    [
      nameArb,
      FastCheck.oneof(
        FastCheck.constantFrom("", " ", "\t", "\n", "   "),
        FastCheck.tuple(validId, FastCheck.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0")).chain(([id, space]) =>
          FastCheck.constantFrom(`${space}${id}`, `${id}${space}`),
        ),
        FastCheck.integer({ min: MAX + 1, max: MAX + 300 }).map((n) => "a".repeat(n)),
      ),
    ],
    ([name, input]) => {
      const result = decode(name, input)
      assert.ok(Either.isLeft(result), `${name} ${JSON.stringify(input)}`)
      assert.match(String(result.left), new RegExp(`^${name}\\b`))
    },
  )

  it.prop(
    "every id refuses what is not a string",
    [nameArb, FastCheck.constantFrom(42, null, undefined, {}, ["a"])],
    ([name, input]) => {
      assert.ok(Either.isLeft(decode(name, input)))
    },
  )

  it("the limit is 128 characters exactly", () => {
    for (const name of names) {
      assert.ok(Either.isRight(decode(name, "a".repeat(MAX))), name)
      assert.ok(Either.isLeft(decode(name, "a".repeat(MAX + 1))), name)
    }
  })

  it("each id is named and described for errors and JSON Schema", () => {
    for (const name of names) {
      const ast = schemaOf(name).ast
      assert.strictEqual(Option.getOrUndefined(AST.getIdentifierAnnotation(ast)), name)
      assert.strictEqual(Option.getOrUndefined(AST.getDescriptionAnnotation(ast)), expected[name])
    }
  })

  it("one id does not stand for another: brands differ", () => {
    const account: Ids.AccountId = Ids.AccountId.make("acc-1")
    // @ts-expect-error a StructureId is not an AccountId
    const structure: Ids.StructureId = account
    assert.strictEqual(structure, "acc-1")
  })
})
