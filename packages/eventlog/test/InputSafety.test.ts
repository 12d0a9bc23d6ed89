import * as Account from "@cartable/domain/Account"
import * as AccountEvents from "@cartable/domain/AccountEvents"
import * as Actor from "@cartable/domain/Actor"
import * as Domain from "@cartable/domain/Domain"
import * as Ids from "@cartable/domain/Ids"
import * as CommandInput from "@cartable/eventlog/CommandInput"
import * as StreamName from "@cartable/eventlog/StreamName"
import * as Text from "@cartable/kernel/Text"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// The id rule as docs/domain.md states it, written apart from Text.ts: 1 to 128 UTF-16 code units, no
// leading or trailing white space, no control character (U+0000-U+001F, U+007F-U+009F), no U+2028 or
// U+2029, no lone surrogate.
const isIdByTheDocs = (id: string): boolean => {
  if (id.length === 0 || id.length > 128 || id.trim() !== id) return false
  for (let i = 0; i < id.length; i++) {
    const unit = id.charCodeAt(i)
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f) || unit === 0x2028 || unit === 0x2029) return false
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = id.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i++
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return false
  }
  return true
}

const awkward = FastCheck.constantFrom(
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u0085",
  "\u007f",
  "\u2028",
  "\u2029",
  "\ud800",
  "\udfff",
  " ",
  "\u00a0",
  "\ufeff",
  "😀",
  "é",
  "-",
  "$",
)
const idLike = FastCheck.array(
  FastCheck.oneof(FastCheck.string({ maxLength: 4 }), FastCheck.string({ unit: "binary", maxLength: 4 }), awkward),
  { maxLength: 8 },
).map((parts) => parts.join(""))

const ids = [
  Ids.AccountId,
  Ids.StructureId,
  Ids.GroupId,
  Ids.ReportId,
  Ids.HomeworkBookId,
  Ids.SessionId,
  Ids.SubjectCode,
  Ids.InspectionId,
]

describe("input safety", () => {
  it.prop(
    "an id is accepted exactly when the documented rule allows it, and every accepted id names a stream",
    [idLike],
    ([id]) => {
      const expected = isIdByTheDocs(id)
      for (const schema of ids) assert.strictEqual(Schema.is(schema)(id), expected, JSON.stringify(id))
      if (expected) {
        for (const category of ["Account", "HomeworkBook", "X"]) {
          assert.isTrue(Either.isRight(StreamName.makeEither(category, id)), JSON.stringify(id))
        }
      }
    },
    { fastCheck: { numRuns: 500 } },
  )

  it("the longest ids name a stream, in any character, and a too long stream name is refused without a throw", () => {
    for (const char of ["x", "é", "中", "😀"]) {
      const id = char.repeat(Text.limits.id / char.length)
      assert.isTrue(Schema.is(Ids.AccountId)(id))
      assert.isTrue(Either.isRight(StreamName.makeEither("A".repeat(127), id)))
    }
    assert.isTrue(Either.isLeft(StreamName.makeEither("A", "x".repeat(StreamName.MAX_LENGTH))))
    assert.isTrue(Either.isLeft(StreamName.makeEither("A", "line\nbreak")))
  })

  it.effect("a command with an id holding a newline or U+2028 is an InvalidCommand naming the field", () =>
    Effect.gen(function* () {
      const decode = CommandInput.decode(Domain.Command)
      for (const accountId of ["acc\n1", "acc\u20281", "acc\ud800"]) {
        const error = yield* Effect.flip(decode({ _tag: "PreDeleteAccount", actor: Actor.system("test"), accountId }))
        assert.strictEqual(error._tag, "InvalidCommand")
        assert.deepStrictEqual(
          error.fields.map((field) => field.path),
          ["accountId"],
        )
      }
    }),
  )

  const provision = {
    _tag: "ProvisionAccount",
    actor: Actor.system("aaf-import"),
    accountId: "acc-42",
    profile: "Student",
    origin: { _tag: "Feed", source: "AAF", externalId: "jointure-42" },
    structureId: "0571994H",
    login: "marie.a",
    firstName: "Marie",
    lastName: "Arnaud",
    activationCode: "3n6g8fmj",
  }

  const issues = (schema: Schema.Schema.AnyNoContext, input: unknown) =>
    Either.match(Schema.decodeUnknownEither(schema, { errors: "all" })(input), {
      onLeft: (error) =>
        ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => `${issue.path.join(".")}: ${issue.message}`),
      onRight: () => [],
    })

  // The limits as docs/events.md states them, one field of each bounded kind.
  const limits: ReadonlyArray<readonly [string, number, string]> = [
    ["firstName", 100, "a name is at most 100 characters"],
    ["lastName", 100, "a name is at most 100 characters"],
    ["login", 64, "a login is at most 64 characters"],
  ]

  it("a 10 MB first name, or any field one character over its limit, is refused with the field named", () => {
    for (const [field, limit, message] of limits) {
      const fill = field === "login" ? "a" : "x"
      assert.deepStrictEqual(issues(Account.AccountCommand, { ...provision, [field]: fill.repeat(limit) }), [], field)
      assert.deepStrictEqual(issues(Account.AccountCommand, { ...provision, [field]: fill.repeat(limit + 1) }), [
        `${field}: ${message}`,
      ])
    }
    const huge = issues(Account.AccountCommand, { ...provision, firstName: "x".repeat(10_000_000) })
    assert.deepStrictEqual(huge, ["firstName: a name is at most 100 characters"])
    const event = { ...provision, _tag: "AccountProvisioned", firstName: "x".repeat(10_000_000) }
    assert.include(
      issues(AccountEvents.AccountProvisioned, event).join("\n"),
      "firstName: a name is at most 100 characters",
    )
  })

  it("each text kind holds exactly its documented length, and no more", () => {
    const kinds: ReadonlyArray<readonly [Schema.Schema<string>, number, string]> = [
      [Text.Name, 100, "a name"],
      [Text.Email, 320, "an e-mail address"],
      [Text.ShortText, 200, "a short text"],
      [Text.FreeText, 200_000, "a text"],
    ]
    for (const [schema, limit, what] of kinds) {
      assert.isTrue(Schema.is(schema)("x".repeat(limit)), what)
      assert.deepStrictEqual(issues(schema, "x".repeat(limit + 1)), [`: ${what} is at most ${limit} characters`])
    }
    // Free text keeps its lines; one-line kinds do not.
    assert.isTrue(Schema.is(Text.FreeText)("line\nline\ttab"))
    assert.isFalse(Schema.is(Text.FreeText)("lone \ud800"))
    assert.isFalse(Schema.is(Text.ShortText)("two\nlines"))
    assert.isFalse(Schema.is(Text.Name)(" Marie"))
  })
})
